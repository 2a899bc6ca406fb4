-- mart.track_participation: who takes part in which development track, one row per
-- distinct participant, with the track's theme and status for filtering.

create schema if not exists mart;

create or replace table mart.track_participation as
with

participant as (
    select distinct
        tp.track_id,
        tp.participant_type,
        case
            when tp.participant_type = 'region' and length(tp.participant_code) = 3
                then '1' || tp.participant_code
            else tp.participant_code
        end as participant_code
    from core.track_participant as tp
)

select
    p.track_id,
    p.participant_type,
    p.participant_code,
    coalesce(m.municipality_name, g.region_name) as participant_name,
    coalesce(m.region_code, g.region_code) as region_code,
    t.theme,
    t.status
from participant as p
inner join core.track as t on t.track_id = p.track_id
left join ref.municipality as m
    on p.participant_type = 'municipality'
    and m.municipality_code = p.participant_code
left join ref.region as g
    on p.participant_type = 'region'
    and g.region_code = p.participant_code
order by p.track_id, p.participant_type, p.participant_code;

comment on table mart.track_participation is 'One row per development track and distinct participant (municipality or region).';
comment on column mart.track_participation.track_id is 'Track id.';
comment on column mart.track_participation.participant_type is '''municipality'' or ''region''.';
comment on column mart.track_participation.participant_code is 'Municipality code or region code (four digits, ''1081''–''1085'').';
comment on column mart.track_participation.participant_name is 'Name of the municipality or region.';
comment on column mart.track_participation.region_code is 'The region the participant belongs to (a region: itself).';
comment on column mart.track_participation.theme is 'Theme of the track: a sector code or ''cross_cutting''.';
comment on column mart.track_participation.status is 'Status of the track: planned, running or finished.';

-- mart.development_tracks: the first block's development tracks with their number of
-- distinct participants (rule 18: a code listed twice counts once; 1084 and 084 are one).

create schema if not exists mart;

create or replace table mart.development_tracks as
with

participant as (
    -- Region codes normalised to four digits, defensively, before counting distinct.
    select distinct
        tp.track_id,
        tp.participant_type,
        case
            when tp.participant_type = 'region' and length(tp.participant_code) = 3
                then '1' || tp.participant_code
            else tp.participant_code
        end as participant_code
    from core.track_participant as tp
),

counted as (
    select
        track_id,
        count(*) as participants,
        count(*) filter (where participant_type = 'municipality') as municipalities,
        count(*) filter (where participant_type = 'region') as regions
    from participant
    group by track_id
)

select
    t.track_id,
    t.title,
    t.theme,
    t.status,
    t.start_date,
    t.end_date,
    t.budget_dkk,
    coalesce(c.participants, 0) as participants,
    coalesce(c.municipalities, 0) as participating_municipalities,
    coalesce(c.regions, 0) as participating_regions
from core.track as t
left join counted as c on c.track_id = t.track_id
order by t.track_id;

comment on table mart.development_tracks is 'Development tracks (klimaudviklingsspor, the first block) with their distinct participants.';
comment on column mart.development_tracks.track_id is 'Track id (Spor-id).';
comment on column mart.development_tracks.title is 'Title of the track.';
comment on column mart.development_tracks.theme is 'A sector code or ''cross_cutting''.';
comment on column mart.development_tracks.status is 'planned, running or finished.';
comment on column mart.development_tracks.start_date is 'Start date.';
comment on column mart.development_tracks.end_date is 'End date; NULL when open.';
comment on column mart.development_tracks.budget_dkk is 'Budget in DKK; NULL when not given.';
comment on column mart.development_tracks.participants is 'Distinct participants, municipalities and regions (a code listed twice counts once).';
comment on column mart.development_tracks.participating_municipalities is 'Distinct participating municipalities.';
comment on column mart.development_tracks.participating_regions is 'Distinct participating regions.';

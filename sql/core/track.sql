-- core.track and core.track_participant: the development tracks (block 1) and who
-- takes part. A participant listed twice counts once (rule 18).
create schema if not exists core;

create or replace table core.track as
select track_id, title, theme, status, start_date, end_date, budget_dkk
from staging.tracks
order by track_id;

create or replace table core.track_participant as
with listed as (
    select track_id, unnest(participants) as participant_code
    from staging.tracks
)

select distinct
    l.track_id,
    case when r.region_code is not null then 'region' else 'municipality' end
        as participant_type,
    l.participant_code
from listed as l
left join ref.region as r on r.region_code = l.participant_code
order by l.track_id, participant_type, l.participant_code;

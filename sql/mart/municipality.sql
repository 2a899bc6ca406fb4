-- mart.municipality: every municipality, its region and its place in the alliance cohort.
create schema if not exists mart;

create or replace table mart.municipality as
select
    m.municipality_code,
    m.municipality_name,
    m.region_code,
    m.region_name,
    p.municipality_code is not null as is_member,
    p.approved_on as plan_approved,
    m.is_synthetic
from ref.municipality as m
left join core.plan as p on p.municipality_code = m.municipality_code
order by m.municipality_code;

comment on table mart.municipality is 'Every municipality, its region and whether it is a member of the alliance cohort (one row per municipality).';
comment on column mart.municipality.municipality_code is 'Municipality code as text without leading zero, e.g. ''101'' (København).';
comment on column mart.municipality.municipality_name is 'Municipality name.';
comment on column mart.municipality.region_code is 'Region code, ''1081''–''1085''.';
comment on column mart.municipality.region_name is 'Region name.';
comment on column mart.municipality.is_member is 'True when the plan registry lists the municipality (a member of the alliance cohort).';
comment on column mart.municipality.plan_approved is 'Date the plan was approved as Paris-compatible; NULL if not approved or not a member.';
comment on column mart.municipality.is_synthetic is 'True for synthetic municipalities added for scale tests (synthetic_municipalities.csv); never true for the 98 real ones.';

-- mart.revisions: emission values of the inventory that a later version of the source
-- changed. Energistyrelsen revises past years every year; each version of an inventory
-- file (known by its SHA-256, core.inventory_vintage) is compared with the version before
-- it that has a value for the same municipality, year and source sector.
create schema if not exists mart;

create or replace table mart.revisions as
with vintage_value as (
    select
        sha256,
        source_file,
        first_loaded_at,
        municipality_code,
        year,
        lower(trim(source_sector)) as source_sector_key,
        source_sector,
        sector,
        value
    from core.inventory_vintage
),

with_earlier as (
    select
        *,
        lag(value) over by_version as old_t,
        lag(source_file) over by_version as old_source_file,
        lag(sha256) over by_version as old_sha256,
        lag(first_loaded_at) over by_version as old_loaded_at
    from vintage_value
    -- Versions in the order they reached the warehouse; files loaded together in name
    -- order, the order in which a later file wins (metrics.md rule 4).
    window by_version as (
        partition by municipality_code, year, source_sector_key
        order by first_loaded_at, source_file, sha256
    )
)

select
    municipality_code,
    year,
    sector,
    source_sector,
    old_t,
    value as new_t,
    value - old_t as change_t,
    case when old_t <> 0 then 100 * (value - old_t) / abs(old_t) end as change_pct,
    old_source_file,
    old_sha256,
    old_loaded_at,
    source_file as new_source_file,
    sha256 as new_sha256,
    first_loaded_at as new_loaded_at
from with_earlier
where old_sha256 is not null and value <> old_t
order by municipality_code, year, source_sector_key, new_loaded_at, new_source_file;

comment on table mart.revisions is 'Inventory emission values that changed between versions of the source files (Energistyrelsen revises past years): one row per value and pair of consecutive versions. Every file version the warehouse has loaded counts, also those no longer in the raw folder.';
comment on column mart.revisions.municipality_code is 'Municipality code.';
comment on column mart.revisions.year is 'Inventory year of the revised value.';
comment on column mart.revisions.sector is 'Sector code (waste for Affaldsdeponi and Spildevand, total for Samlet; NULL for a sector label the pipeline does not know).';
comment on column mart.revisions.source_sector is 'Sector as labelled in the newer file (e.g. Affaldsdeponi): the grain the source revises at.';
comment on column mart.revisions.old_t is 'Value in the earlier version, t CO2e.';
comment on column mart.revisions.new_t is 'Value in the newer version, t CO2e.';
comment on column mart.revisions.change_t is 'new_t − old_t, t CO2e.';
comment on column mart.revisions.change_pct is 'Change relative to the earlier value, percent (change_t / |old_t| × 100); NULL when old_t is 0.';
comment on column mart.revisions.old_source_file is 'Earlier version: the file, path relative to the raw folder, under the name it was first loaded with.';
comment on column mart.revisions.old_sha256 is 'Earlier version: SHA-256 of the file''s bytes.';
comment on column mart.revisions.old_loaded_at is 'Earlier version: when the warehouse first loaded it.';
comment on column mart.revisions.new_source_file is 'Newer version: the file, path relative to the raw folder, under the name it was first loaded with.';
comment on column mart.revisions.new_sha256 is 'Newer version: SHA-256 of the file''s bytes.';
comment on column mart.revisions.new_loaded_at is 'Newer version: when the warehouse first loaded it.';

-- core.file_version, core.inventory_vintage: every version of every raw file the warehouse
-- has loaded, known by its SHA-256, and the emission values of every inventory version.
-- The history of earlier runs arrives in ref.published_* (copied from the published
-- warehouse by klima_pipeline/history.py); this run adds the versions it loads for the
-- first time. A file whose bytes were seen before adds nothing, whatever its name now.
create table if not exists ref.published_file_version (
    sha256 varchar, source varchar, source_file varchar, size_bytes bigint,
    first_loaded_at timestamp
);
create table if not exists ref.published_inventory_vintage (
    sha256 varchar, source_file varchar, first_loaded_at timestamp, municipality_code varchar,
    year integer, source_sector varchar, sector varchar, value double
);
create schema if not exists core;

create or replace table core.file_version as
with loaded_version as (
    -- The same bytes under two names are one version: it keeps the first name.
    select
        sha256,
        arg_min(source, source_file) as source,
        min(source_file) as source_file,
        arg_min(size_bytes, source_file) as size_bytes,
        min(loaded_at) as first_loaded_at
    from staging.raw_file
    where sha256 is not null
    group by sha256
),

new_version as (
    select l.sha256, l.source, l.source_file, l.size_bytes, l.first_loaded_at
    from loaded_version as l
    where not exists (
        select 1 from ref.published_file_version as p where p.sha256 = l.sha256
    )
)

select sha256, source, source_file, size_bytes, first_loaded_at
from ref.published_file_version
union all
select sha256, source, source_file, size_bytes, first_loaded_at
from new_version
order by first_loaded_at, source_file, sha256;

create or replace table core.inventory_vintage as
with new_inventory_version as (
    -- Read under its name in this run's raw folder; recorded under its first name.
    select f.sha256, min(f.source_file) as loaded_as
    from staging.raw_file as f
    where f.source = 'klimaregnskab'
      and f.sha256 is not null
      and not exists (
          select 1 from ref.published_inventory_vintage as p where p.sha256 = f.sha256
      )
    group by f.sha256
),

new_value as (
    select
        n.sha256,
        v.source_file,
        v.first_loaded_at,
        i.municipality_code,
        i.year,
        i.source_sector,
        i.sector,
        i.value
    from new_inventory_version as n
    join core.file_version as v on v.sha256 = n.sha256
    join staging.inventory as i on i.source_file = n.loaded_as
    where i.measure = 'emissions'
)

select
    sha256, source_file, first_loaded_at, municipality_code, year, source_sector, sector, value
from ref.published_inventory_vintage
union all
select
    sha256, source_file, first_loaded_at, municipality_code, year, source_sector, sector, value
from new_value
order by first_loaded_at, source_file, municipality_code, year, source_sector;

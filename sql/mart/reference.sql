-- mart.sector, mart.region, mart.indicator_catalogue, mart.dataset_part, mart.source_file:
-- the lookups and provenance an analyst needs beside the numbers.
create schema if not exists mart;

create or replace table mart.sector as
select sector, name_da, name_en, in_total, sort_order
from ref.sector
order by sort_order;

create or replace table mart.region as
select region_code, region_name, region_name_en
from ref.region
order by region_code;

create or replace table mart.indicator_catalogue as
select indicator, name_da, name_en, sector, unit, better, source, level
from ref.indicator
order by indicator;

create or replace table mart.dataset_part as
select source, kind, description_da, description_en
from staging.manifest
order by source;

create or replace table mart.source_file as
select source, source_file, sha256, size_bytes, modified_at, loaded_at, encoding, rows
from staging.raw_file
order by source, source_file;

comment on table mart.sector is 'The sectors of the inventory and of the actions, with Danish and English names.';
comment on column mart.sector.sector is 'Sector code.';
comment on column mart.sector.name_da is 'Danish name.';
comment on column mart.sector.name_en is 'English name.';
comment on column mart.sector.in_total is 'True for the five sectors that make up gross_t.';
comment on column mart.sector.sort_order is 'Display order.';
comment on table mart.region is 'The five regions.';
comment on column mart.region.region_code is 'Region code, ''1081''–''1085''.';
comment on column mart.region.region_name is 'Danish name.';
comment on column mart.region.region_name_en is 'English name.';
comment on table mart.indicator_catalogue is 'The indicator catalogue: what each indicator measures and which direction is better.';
comment on column mart.indicator_catalogue.indicator is 'Indicator id.';
comment on column mart.indicator_catalogue.name_da is 'Danish name.';
comment on column mart.indicator_catalogue.name_en is 'English name.';
comment on column mart.indicator_catalogue.sector is 'Sector the indicator belongs to (total for economy-wide ones).';
comment on column mart.indicator_catalogue.unit is 'Unit of the values.';
comment on column mart.indicator_catalogue.better is 'higher or lower: the direction in which the indicator improves.';
comment on column mart.indicator_catalogue.source is 'Where the values come from.';
comment on column mart.indicator_catalogue.level is 'municipality or region: the level the source delivers.';
comment on table mart.dataset_part is 'Which parts of the loaded data are real, derived or invented sample data (from the raw folder''s MANIFEST.json; empty for real deliveries without one).';
comment on column mart.dataset_part.source is 'Source folder or table, e.g. klimaregnskab, plans, statbank/FOLK1A.';
comment on column mart.dataset_part.kind is 'real, derived or sample.';
comment on column mart.dataset_part.description_da is 'What the part is, in Danish.';
comment on column mart.dataset_part.description_en is 'What the part is, in English.';
comment on table mart.source_file is 'Provenance: every raw file loaded into this version of the warehouse.';
comment on column mart.source_file.source is 'Which export: klimaregnskab, statbank, plans, actions, regions, tracks, synthetic.';
comment on column mart.source_file.source_file is 'Path relative to the raw folder.';
comment on column mart.source_file.sha256 is 'SHA-256 of the file''s bytes.';
comment on column mart.source_file.size_bytes is 'File size in bytes.';
comment on column mart.source_file.modified_at is 'File modification time.';
comment on column mart.source_file.loaded_at is 'When this run read the file.';
comment on column mart.source_file.encoding is 'Encoding the file was read with (utf-8, utf-8-sig, cp1252, xlsx, json).';
comment on column mart.source_file.rows is 'Rows read from the file.';

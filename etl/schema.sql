-- The warehouse schema: the one place its tables and views are declared.
-- Layers (dbt style): staging = what the parser read (fact_cell, fact_check, as loaded);
-- dims = agencies, regions, reports; marts = views the dashboard reads (v_*).
-- No foreign keys (DuckDB FKs block delete-and-reload); tests/test_warehouse_contract.py
-- enforces uniqueness, not-nulls and orphan-free facts instead.

create table if not exists dim_region (
    region_code  varchar primary key,   -- official 6-digit division code (GB/T 2260 as shipped by cpca)
    name         varchar not null,      -- 江苏省 / 淮安市 / 洪泽区
    level        varchar not null,      -- province | city | county
    parent_code  varchar,               -- null for provinces
    province     varchar not null,
    city         varchar,               -- null for provinces and province-level municipalities' own row
    county       varchar
);
comment on table dim_region is '行政区划: province → city → county, from the cpca gazetteer plus data/agency_overrides.csv';

create table if not exists dim_agency (
    agency_id    varchar primary key,   -- stable id: sha1 of the canonical name, 12 hex
    name         varchar not null,      -- canonical agency name, e.g. 淮安市洪泽区人民政府
    region_code  varchar,               -- most specific region the agency belongs to
    province     varchar,
    city         varchar,
    county       varchar,
    level        varchar not null,      -- province | city | county | township
    kind         varchar not null,      -- government (人民政府/管委会/办公厅…) | department
    is_synthetic boolean not null default false,
    name_source  varchar                -- gazetteer | override | unplaced
);
comment on table dim_agency is '机构: one row per agency, placed in its region and classified by level and kind';

create table if not exists dim_report (
    report_id       varchar primary key, -- first 16 hex of the source file's sha256
    agency_id       varchar not null,
    agency_name     varchar not null,    -- as parsed (canonical)
    year            smallint not null,   -- reporting year (not the publication year)
    template        varchar not null,    -- '2019' | '2021' (from table 二's labels)
    other_as_single_row boolean not null,-- table 三 prints （六）其他处理 as one row
    title           varchar,
    source_path     varchar not null,    -- path as given to ingest
    source_name     varchar not null,    -- file name only
    source_sha256   varchar not null,
    source_format   varchar not null,    -- txt | md | html | docx | pdf | json
    source_bytes    bigint,
    parser_version  varchar not null,
    loaded_at       timestamp not null,
    is_current      boolean not null,    -- false once a newer file of the same agency-year replaced it
    superseded_by   varchar,             -- report_id that replaced it
    is_synthetic    boolean not null default false,
    n_cells         integer not null,
    n_uncertain     integer not null,
    n_checks_failed integer not null
);
comment on table dim_report is '年报: one row per loaded source file; history kept, is_current marks the live one per agency-year';

create table if not exists fact_cell (
    report_id    varchar not null,
    table_key    varchar not null,       -- t2 | t3 | t4
    row_key      varchar not null,
    col_key      varchar not null,
    cell_key     varchar not null,       -- table_key.row_key.col_key
    value        double,                 -- null = not applicable ('/', '—', '无') or unknown
    value_raw    varchar,                -- the text as printed ('' for a blank cell)
    semantic     varchar not null,       -- number | blank (blank read as 0) | na | unknown
    uncertain    boolean not null,
    uncertain_reason varchar,
    method       varchar not null,       -- cell | split | order | text: how the value was read
    source_table integer,                -- index of the table in the source document
    source_row   integer,
    source_col   integer,
    page         integer
);
comment on table fact_cell is '单元格: one row per printed cell of tables 二/三/四, with provenance';

create table if not exists fact_check (
    report_id    varchar not null,
    check_id     varchar not null,       -- e.g. I1.t3.natural_person
    identity     varchar not null,       -- I1 … I8 as numbered in the spec
    scope        varchar not null,       -- human description of where
    lhs          double,
    rhs          double,
    delta        double,                 -- lhs - rhs
    status       varchar not null,       -- pass | fail | not_assessable | warn
    detail       varchar
);
comment on table fact_check is '勾稽校验: per-report identity checks with both sides and the difference';

create table if not exists fact_cross_check (
    agency_id    varchar not null,
    year         smallint not null,      -- the later year Y
    check_id     varchar not null,       -- I6.<col> (carry-over) or I8.<row> (stock, warning only)
    identity     varchar not null,
    scope        varchar not null,
    lhs          double,
    rhs          double,
    delta        double,
    status       varchar not null,
    detail       varchar
);
comment on table fact_cross_check is '跨年校验: recomputed over current reports at every publish';

create table if not exists load_log (
    batch_id     varchar not null,
    at           timestamp not null,
    source_path  varchar not null,
    status       varchar not null,       -- loaded | replaced | unchanged | failed
    report_id    varchar,
    reason       varchar
);
comment on table load_log is '导入日志: one row per file per ingest batch';

-- ---------------------------------------------------------------- marts (views the dashboard reads)

create or replace view v_report as
select r.*, a.province, a.city, a.county, a.region_code, a.level, a.kind, a.name as agency_canonical
from dim_report r left join dim_agency a using (agency_id)
where r.is_current;

create or replace view v_cell as
select c.*, r.agency_id, r.agency_name, r.year, r.template, r.province, r.city, r.county,
       r.level, r.kind, r.is_synthetic, r.source_name
from fact_cell c join v_report r using (report_id);

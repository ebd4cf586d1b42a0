-- The warehouse schema: the one place its tables and views are declared.
-- Layers (dbt style): staging = what the parser read (fact_cell, fact_check, as loaded);
-- dims = agencies, regions, reports; marts = views the dashboard reads (v_*).
-- No foreign keys (DuckDB FKs block delete-and-reload); tests/test_warehouse_contract.py
-- enforces uniqueness, not-nulls and orphan-free facts instead.
-- Written only by etl/warehouse.py, which builds a copy and publishes it by os.replace;
-- readers open the file read_only (etl.warehouse.connect_readonly).
-- dim_agency.level may also be 'unknown' (name_source = 'unplaced': place not settled).

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
    n_checks_failed integer not null,
    read_by_ocr     boolean not null default false -- text recognised from page images (scans)
);
alter table dim_report add column if not exists read_by_ocr boolean default false;
comment on table dim_report is '年报: one row per loaded source file; history kept, is_current marks the live one per agency-year';
-- crawl provenance (python -m etl crawl → ingest of the archive; etl/archive.py); null for files
-- ingested from disk.  Added by ALTER so that warehouses built before keep working.
alter table dim_report add column if not exists source_url varchar;          -- URL of the file used
alter table dim_report add column if not exists page_url varchar;            -- the report's page (its attachments' referrer)
alter table dim_report add column if not exists published_at date;           -- publication date read from the page
alter table dim_report add column if not exists published_at_method varchar; -- meta:pubdate | label:发布日期 | url:… | page:… | header:last-modified
alter table dim_report add column if not exists fetched_at timestamptz;
alter table dim_report add column if not exists source_version integer;      -- 1 = first content fetched at source_url
alter table dim_report add column if not exists first_fetched_at timestamptz;-- when version 1 was fetched
alter table dim_report add column if not exists source_choice varchar;       -- page or attachment used, and what the other gave

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
    method       varchar not null,       -- cell | split | order | sum | narrative | text | ocr | label: how the value was read
    source_table integer,                -- index of the table in the source document
    source_row   integer,
    source_col   integer,
    page         integer,
    confidence   double                  -- OCR recognition confidence (0-1); null if not OCR'd
);
alter table fact_cell add column if not exists confidence double;
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
    "at"         timestamp not null,     -- quoted: AT is a keyword in DuckDB 2.0
    source_path  varchar not null,
    status       varchar not null,       -- loaded | replaced | unchanged | failed
    report_id    varchar,
    reason       varchar
);
comment on table load_log is '导入日志: one row per file per ingest batch';

create table if not exists report_warning (
    report_id    varchar not null,
    source       varchar not null,       -- parser | agency (name canonicalisation) | loader
    message      varchar not null
);
create table if not exists report_conflict (
    batch_id     varchar not null,
    agency_id    varchar not null,
    year         integer not null,
    chosen_id    varchar not null,       -- the version that is current after this batch
    other_id     varchar not null,       -- the version kept as history (is_current = false)
    chosen_path  varchar,
    other_path   varchar,
    rule         varchar not null        -- why chosen_id won (etl.warehouse.preference, NOTES.md)
);
comment on table report_conflict is '版本冲突: two files with different figures for one agency-year in one batch';

comment on table report_warning is '导入提示: parser and loader warnings per report (agency name fixes, OCR suspicions, …)';

-- ---------------------------------------------------------------- text and assessment (年报评估, etl/assess.py)
create table if not exists report_section (
    report_id    varchar not null,
    ord          smallint not null,      -- printed order, 0 = preamble when there is one
    section_key  varchar not null,       -- preamble | general | proactive | requests | review | problems | other
    heading      varchar,                -- as printed
    text         varchar not null,       -- the section's text as printed (tables' rows included)
    position     integer,                -- character offset of the heading in the document text
    page         integer,
    level        varchar                 -- top (X、) | sub (（X）) | line | none
);
comment on table report_section is '年报正文: the six sections of each report as printed (search: ILIKE; DuckDB fts is not bundled with the wheel)';

create table if not exists report_assessment_input (
    report_id    varchar not null,
    original_id  varchar,                -- report id of the original file (its sha256, 16 hex): other reports' findings name it
    findings     varchar not null        -- JSON: text findings shipped without text (bundled reports)
);
comment on table report_assessment_input is '随结构化年报提供的文字指标结果（数字与位置，无原文）';

create table if not exists report_section_band (
    report_id    varchar not null,
    year         smallint not null,
    section_key  varchar not null,
    band         smallint not null,      -- LSH band number (etl.similarity.band_hashes)
    hash         bigint not null         -- the band's key: sections sharing (year, section, band, hash) are peer candidates
);
comment on table report_section_band is '雷同索引: MinHash LSH band keys per compared section, written at load; a publish finds the peers of the sections it touches with one join';

create table if not exists publish_meta (
    key          varchar primary key,    -- derived_version: what the derived tables were built with
    value        varchar not null
);
comment on table publish_meta is '发布元数据: a publish updates derived tables incrementally only when they were built with the same version and similarity parameters';

create table if not exists fact_assessment (
    report_id    varchar not null,
    indicator    varchar not null,       -- completeness | text_tables | similarity | timeliness | mechanical | problems | checks
    item         varchar not null,       -- e.g. section.problems, claim.new_received, previous.general
    status       varchar not null,       -- fail | pass | unknown
    points_lost  double not null,
    message      varchar not null,       -- Chinese, figures only
    section_key  varchar,
    position     integer,                -- character offset in the section's text
    length       integer,
    quote        varchar,                -- the report's words (only when its text was ingested)
    cell_key     varchar,
    cell_value   double,
    stated_value double,
    other_report_id varchar,
    other_year   smallint,
    similarity   double,
    passages     varchar,                -- JSON [[offset here, offset there, length], ...]
    origin       varchar not null        -- computed | bundled
);
comment on table fact_assessment is '年报评估: every finding (pass, fail, unknown) with its evidence; recomputed at every publish';

create table if not exists fact_score (
    report_id    varchar not null,
    indicator    varchar not null,
    max_points   double not null,
    points_lost  double not null,        -- capped at max_points
    status       varchar not null,       -- fail | pass | unknown
    rubric       varchar not null
);
comment on table fact_score is '年报评估得分: one row per report and indicator';

-- ---------------------------------------------------------------- 复核: corrections (etl/corrections.py)
-- Corrections are data, not edits: fact_cell / fact_check keep what the parser read; the
-- published views read v_fact_cell (fact_cell overlaid by applied corrections) and
-- v_fact_check (the checks re-run on corrected reports replace the parsed ones).
create table if not exists correction (
    correction_id  varchar primary key,  -- uuid hex
    report_id      varchar not null,     -- the report (file) it was made against
    agency_id      varchar not null,
    year           smallint not null,
    cell_key       varchar not null,
    old_value      double,               -- the value the reviewer saw (effective value at that version)
    old_value_raw  varchar,              -- the text as printed
    new_value      double,               -- the reviewed value (= old_value when the printing is kept)
    reason         varchar not null,     -- required when an identity through the cell still fails
    reviewer       varchar not null,
    created_at     timestamp not null,
    evidence       varchar,              -- e.g. page/line looked at, a URL
    source_sha256  varchar not null,     -- sha256 of the report file it was made against
    status         varchar not null,     -- applied | to_recheck (the file was replaced) | superseded
    version        integer not null,     -- 1, 2, … per report_id × cell_key
    keeps_failure  boolean not null default false, -- an identity through the cell still fails (reason says why)
    recheck_report_id varchar            -- status to_recheck: the report that replaced it
);
comment on table correction is '人工复核: one row per correction of a cell; applied on top of fact_cell in v_fact_cell';

create table if not exists audit_log (
    "at"     timestamp not null,
    actor    varchar not null,           -- reviewer / uploader, or 'system' (a publish reopened it)
    action   varchar not null,           -- correct | refuse | reopen | upload | account
    target   varchar not null,           -- report_id.cell_key, file name, …
    detail   varchar
);
comment on table audit_log is '操作日志: every write by a person (who, when, what)';

-- checks re-run on reports with applied corrections (replace their fact_check rows in v_fact_check)
create table if not exists fact_check_reviewed as select * from fact_check limit 0;
create table if not exists report_reviewed (
    report_id       varchar primary key,
    n_uncertain     integer not null,
    n_checks_failed integer not null,
    n_corrected     integer not null,
    reviewed_at     timestamp not null   -- the latest applied correction
);

create or replace view v_fact_cell as
select c.* replace (
           case when k.report_id is null then c.value else k.new_value end as value,
           case when k.report_id is null then c.semantic
                when k.new_value is null then 'na' else 'number' end as semantic,
           c.uncertain and k.report_id is null as uncertain,
           case when k.report_id is null then c.uncertain_reason end as uncertain_reason,
           case when k.report_id is null then c.method else 'review' end as method),
       k.report_id is not null as corrected, k.reviewer as corrected_by, k.created_at as corrected_at,
       k.reason as correction_reason, c.value as parsed_value
from fact_cell c left join correction k
  on k.status = 'applied' and k.report_id = c.report_id and k.cell_key = c.cell_key;

create or replace view v_fact_check as
select * from fact_check where report_id not in (select report_id from report_reviewed)
union all
select * from fact_check_reviewed;

-- ---------------------------------------------------------------- marts (views the dashboard reads)

create or replace view v_report as
select r.* replace (coalesce(x.n_uncertain, r.n_uncertain) as n_uncertain,
                    coalesce(x.n_checks_failed, r.n_checks_failed) as n_checks_failed),
       coalesce(x.n_corrected, 0) as n_corrected,
       a.province, a.city, a.county, a.region_code, a.level, a.kind, a.name as agency_canonical
from dim_report r left join dim_agency a using (agency_id) left join report_reviewed x using (report_id)
where r.is_current;

create or replace view v_cell as
select c.*, r.agency_id, r.agency_name, r.year, r.template, r.province, r.city, r.county,
       r.level, r.kind, r.is_synthetic, r.source_name
from v_fact_cell c join v_report r using (report_id);


-- per-report checks with report context (current reports only)
create or replace view v_check as
select k.*, r.agency_id, r.agency_name, r.year, r.template, r.province, r.city, r.level, r.kind,
       r.is_synthetic, r.source_name
from v_fact_check k join v_report r using (report_id);

-- cross-year checks with the agency's name
create or replace view v_cross_check as
select x.*, a.name as agency_name, a.province, a.city, a.level, a.kind, a.is_synthetic
from fact_cross_check x left join dim_agency a using (agency_id);

-- ---------------------------------------------------------------- marts: pre-aggregates for scale
-- Materialised at every publish as mart_<name> (etl.warehouse.materialize_marts: create table
-- mart_x as select * from v_x); the read model (app.queries) reads the table when it exists, else (a warehouse
-- from an older version) runs its plain query over fact_cell / fact_check.  The *_by_group marts sum over reports that share every sidebar filter column
-- except the agency (year, template, province, city, county, level, kind, is_synthetic): their
-- size is bounded by geography × years, not by the number of reports; a query with an agency
-- filter reads fact_cell/fact_check instead.  The other two keep only the rare rows pages list
-- (failing checks, uncertain cells) with the report's context.  tests/test_marts.py checks
-- that each materialised mart equals its view and that queries give the same answers.

-- cells summed per filter group (table 二/三/四 pages: q_t2_by_year, q_t3_rows, q_applicants)
create or replace view v_cell_by_group as
select r.year, r.template, r.province, r.city, r.county, r.level, r.kind, r.is_synthetic,
       c.table_key, c.row_key, c.col_key, c.cell_key,
       sum(c.value) as value, count(c.value) as n_values, count(*) as n_cells
from v_fact_cell c join v_report r using (report_id)
group by all;

-- check outcomes counted per filter group (数据质量: q_check_summary)
create or replace view v_check_by_group as
select r.year, r.template, r.province, r.city, r.county, r.level, r.kind, r.is_synthetic,
       k.identity, k.status, count(*) as n
from v_fact_check k join v_report r using (report_id)
group by all;

-- failing per-report checks with report context (数据质量: q_check_failures)
create or replace view v_check_failure as
select r.agency_id, r.agency_name, r.year, r.template, r.province, r.city, r.county, r.level, r.kind,
       r.is_synthetic, r.report_id, r.source_name,
       k.identity, k.check_id, k.scope, k.lhs, k.rhs, k.delta, k.detail
from v_fact_check k join v_report r using (report_id)
where k.status = 'fail';

-- uncertain cells with report context (数据质量: q_uncertain_cells)
create or replace view v_uncertain_cell as
select r.agency_id, r.agency_name, r.year, r.template, r.province, r.city, r.county, r.level, r.kind,
       r.is_synthetic, r.report_id, r.source_name,
       c.cell_key, c.value, c.value_raw, c.uncertain_reason, c.method, c.page,
       c.source_table, c.source_row, c.source_col
from v_fact_cell c join v_report r using (report_id)
where c.uncertain;

-- per current report: score = full points − points lost (capped per indicator), with report context
create or replace view v_assessment_score as
select r.report_id, r.agency_id, r.agency_name, r.year, r.template, r.province, r.city, r.county,
       r.level, r.kind, r.is_synthetic, r.source_name, r.source_format,
       sum(s.max_points) - sum(s.points_lost) as score, sum(s.max_points) as max_score,
       count(*) filter (where s.status = 'unknown') as n_unknown, any_value(s.rubric) as rubric,
       sum(s.points_lost) filter (where s.indicator = 'completeness') as lost_completeness,
       sum(s.points_lost) filter (where s.indicator = 'text_tables') as lost_text_tables,
       sum(s.points_lost) filter (where s.indicator = 'similarity') as lost_similarity,
       sum(s.points_lost) filter (where s.indicator = 'timeliness') as lost_timeliness,
       sum(s.points_lost) filter (where s.indicator = 'mechanical') as lost_mechanical,
       sum(s.points_lost) filter (where s.indicator = 'problems') as lost_problems,
       sum(s.points_lost) filter (where s.indicator = 'checks') as lost_checks
from fact_score s join v_report r using (report_id)
group by all;

-- ---------------------------------------------------------------- marts: dashboard (owned by dashboard)
-- Everything below is owned by the schema (generated by etl.metrics.metrics_view_sql();
-- tests/test_warehouse_contract.py checks the two agree).  One row per current report with the key figures
-- (table 三 总计 column, applicant columns of 新收, table 四, table 二 key cells) plus derived sums.
-- At publish, materialise it for speed:  create table mart_report_metrics as select * from v_report_metrics;
-- (the read model (app.queries) reads mart_report_metrics when it exists, else this view.)
-- Keep this block last.
create or replace view v_report_metrics as
with pivoted as (
    select cur.report_id,
        max(value) filter (where cell_key = 't3.new_received.total') as new_received,
        max(value) filter (where cell_key = 't3.carried_over_from_prior.total') as carried_over_from_prior,
        max(value) filter (where cell_key = 't3.granted.total') as granted,
        max(value) filter (where cell_key = 't3.partially_granted.total') as partially_granted,
        max(value) filter (where cell_key = 't3.denied_state_secret.total') as denied_state_secret,
        max(value) filter (where cell_key = 't3.denied_prohibited_by_law.total') as denied_prohibited_by_law,
        max(value) filter (where cell_key = 't3.denied_security_stability.total') as denied_security_stability,
        max(value) filter (where cell_key = 't3.denied_third_party_rights.total') as denied_third_party_rights,
        max(value) filter (where cell_key = 't3.denied_internal_affairs.total') as denied_internal_affairs,
        max(value) filter (where cell_key = 't3.denied_process_info.total') as denied_process_info,
        max(value) filter (where cell_key = 't3.denied_enforcement_file.total') as denied_enforcement_file,
        max(value) filter (where cell_key = 't3.denied_admin_query.total') as denied_admin_query,
        max(value) filter (where cell_key = 't3.unavailable_not_held.total') as unavailable_not_held,
        max(value) filter (where cell_key = 't3.unavailable_needs_creation.total') as unavailable_needs_creation,
        max(value) filter (where cell_key = 't3.unavailable_unclear_after_correction.total') as unavailable_unclear_after_correction,
        max(value) filter (where cell_key = 't3.not_processed_petition_complaint.total') as not_processed_petition_complaint,
        max(value) filter (where cell_key = 't3.not_processed_duplicate.total') as not_processed_duplicate,
        max(value) filter (where cell_key = 't3.not_processed_publication.total') as not_processed_publication,
        max(value) filter (where cell_key = 't3.not_processed_excessive.total') as not_processed_excessive,
        max(value) filter (where cell_key = 't3.not_processed_confirmation.total') as not_processed_confirmation,
        max(value) filter (where cell_key = 't3.other_total.total') as other_total,
        max(value) filter (where cell_key = 't3.other_no_correction.total') as other_no_correction,
        max(value) filter (where cell_key = 't3.other_fee_unpaid.total') as other_fee_unpaid,
        max(value) filter (where cell_key = 't3.other_other.total') as other_other,
        max(value) filter (where cell_key = 't3.result_total.total') as result_total,
        max(value) filter (where cell_key = 't3.carried_to_next.total') as carried_to_next,
        max(value) filter (where cell_key = 't3.new_received.natural_person') as new_natural_person,
        max(value) filter (where cell_key = 't3.new_received.commercial_enterprise') as new_commercial_enterprise,
        max(value) filter (where cell_key = 't3.new_received.research_institution') as new_research_institution,
        max(value) filter (where cell_key = 't3.new_received.social_welfare_org') as new_social_welfare_org,
        max(value) filter (where cell_key = 't3.new_received.legal_service_org') as new_legal_service_org,
        max(value) filter (where cell_key = 't3.new_received.other_org') as new_other_org,
        max(value) filter (where cell_key = 't4.admin_reconsideration.upheld') as recon_upheld,
        max(value) filter (where cell_key = 't4.admin_reconsideration.corrected') as recon_corrected,
        max(value) filter (where cell_key = 't4.admin_reconsideration.other') as recon_other,
        max(value) filter (where cell_key = 't4.admin_reconsideration.pending') as recon_pending,
        max(value) filter (where cell_key = 't4.admin_reconsideration.total') as recon_total,
        max(value) filter (where cell_key = 't4.litigation_direct.upheld') as litd_upheld,
        max(value) filter (where cell_key = 't4.litigation_direct.corrected') as litd_corrected,
        max(value) filter (where cell_key = 't4.litigation_direct.other') as litd_other,
        max(value) filter (where cell_key = 't4.litigation_direct.pending') as litd_pending,
        max(value) filter (where cell_key = 't4.litigation_direct.total') as litd_total,
        max(value) filter (where cell_key = 't4.litigation_after_reconsideration.upheld') as lita_upheld,
        max(value) filter (where cell_key = 't4.litigation_after_reconsideration.corrected') as lita_corrected,
        max(value) filter (where cell_key = 't4.litigation_after_reconsideration.other') as lita_other,
        max(value) filter (where cell_key = 't4.litigation_after_reconsideration.pending') as lita_pending,
        max(value) filter (where cell_key = 't4.litigation_after_reconsideration.total') as lita_total,
        max(value) filter (where cell_key = 't2.regulations.newly_made_count') as regs_made,
        max(value) filter (where cell_key = 't2.regulations.total_published_count') as regs_total_published,
        max(value) filter (where cell_key = 't2.regulations.issued_count') as regs_issued,
        max(value) filter (where cell_key = 't2.regulations.repealed_count') as regs_repealed,
        max(value) filter (where cell_key = 't2.regulations.in_force_count') as regs_in_force,
        max(value) filter (where cell_key = 't2.normative_documents.newly_made_count') as norm_made,
        max(value) filter (where cell_key = 't2.normative_documents.total_published_count') as norm_total_published,
        max(value) filter (where cell_key = 't2.normative_documents.issued_count') as norm_issued,
        max(value) filter (where cell_key = 't2.normative_documents.repealed_count') as norm_repealed,
        max(value) filter (where cell_key = 't2.normative_documents.in_force_count') as norm_in_force,
        max(value) filter (where cell_key = 't2.admin_licensing.decision_count') as licensing_decisions,
        max(value) filter (where cell_key = 't2.admin_penalty.decision_count') as penalty_decisions,
        max(value) filter (where cell_key = 't2.admin_coercion.decision_count') as coercion_decisions,
        max(value) filter (where cell_key = 't2.centralized_procurement.procurement_project_count') as procurement_projects,
        max(value) filter (where cell_key = 't2.centralized_procurement.procurement_amount_wan_yuan') as procurement_wan_yuan,
        max(value) filter (where cell_key = 't2.admin_fees.fee_amount_wan_yuan') as fee_wan_yuan
    from dim_report cur left join v_fact_cell c on c.report_id = cur.report_id and c.cell_key in ('t3.new_received.total', 't3.carried_over_from_prior.total', 't3.granted.total', 't3.partially_granted.total', 't3.denied_state_secret.total', 't3.denied_prohibited_by_law.total', 't3.denied_security_stability.total', 't3.denied_third_party_rights.total', 't3.denied_internal_affairs.total', 't3.denied_process_info.total', 't3.denied_enforcement_file.total', 't3.denied_admin_query.total', 't3.unavailable_not_held.total', 't3.unavailable_needs_creation.total', 't3.unavailable_unclear_after_correction.total', 't3.not_processed_petition_complaint.total', 't3.not_processed_duplicate.total', 't3.not_processed_publication.total', 't3.not_processed_excessive.total', 't3.not_processed_confirmation.total', 't3.other_total.total', 't3.other_no_correction.total', 't3.other_fee_unpaid.total', 't3.other_other.total', 't3.result_total.total', 't3.carried_to_next.total', 't3.new_received.natural_person', 't3.new_received.commercial_enterprise', 't3.new_received.research_institution', 't3.new_received.social_welfare_org', 't3.new_received.legal_service_org', 't3.new_received.other_org', 't4.admin_reconsideration.upheld', 't4.admin_reconsideration.corrected', 't4.admin_reconsideration.other', 't4.admin_reconsideration.pending', 't4.admin_reconsideration.total', 't4.litigation_direct.upheld', 't4.litigation_direct.corrected', 't4.litigation_direct.other', 't4.litigation_direct.pending', 't4.litigation_direct.total', 't4.litigation_after_reconsideration.upheld', 't4.litigation_after_reconsideration.corrected', 't4.litigation_after_reconsideration.other', 't4.litigation_after_reconsideration.pending', 't4.litigation_after_reconsideration.total', 't2.regulations.newly_made_count', 't2.regulations.total_published_count', 't2.regulations.issued_count', 't2.regulations.repealed_count', 't2.regulations.in_force_count', 't2.normative_documents.newly_made_count', 't2.normative_documents.total_published_count', 't2.normative_documents.issued_count', 't2.normative_documents.repealed_count', 't2.normative_documents.in_force_count', 't2.admin_licensing.decision_count', 't2.admin_penalty.decision_count', 't2.admin_coercion.decision_count', 't2.centralized_procurement.procurement_project_count', 't2.centralized_procurement.procurement_amount_wan_yuan', 't2.admin_fees.fee_amount_wan_yuan')
    where cur.is_current
    group by cur.report_id
)
select p.report_id, r.agency_id, r.agency_name, r.year, r.template, r.other_as_single_row,
       r.province, r.city, r.county, r.region_code, r.level, r.kind, r.is_synthetic,
       r.source_name, r.n_cells, r.n_uncertain, r.n_checks_failed, r.n_corrected,
       p.* exclude (report_id),
    case when denied_state_secret is null and denied_prohibited_by_law is null and denied_security_stability is null and denied_third_party_rights is null and denied_internal_affairs is null and denied_process_info is null and denied_enforcement_file is null and denied_admin_query is null then null else coalesce(denied_state_secret, 0) + coalesce(denied_prohibited_by_law, 0) + coalesce(denied_security_stability, 0) + coalesce(denied_third_party_rights, 0) + coalesce(denied_internal_affairs, 0) + coalesce(denied_process_info, 0) + coalesce(denied_enforcement_file, 0) + coalesce(denied_admin_query, 0) end as denied_total,
    case when unavailable_not_held is null and unavailable_needs_creation is null and unavailable_unclear_after_correction is null then null else coalesce(unavailable_not_held, 0) + coalesce(unavailable_needs_creation, 0) + coalesce(unavailable_unclear_after_correction, 0) end as unavailable_total,
    case when not_processed_petition_complaint is null and not_processed_duplicate is null and not_processed_publication is null and not_processed_excessive is null and not_processed_confirmation is null then null else coalesce(not_processed_petition_complaint, 0) + coalesce(not_processed_duplicate, 0) + coalesce(not_processed_publication, 0) + coalesce(not_processed_excessive, 0) + coalesce(not_processed_confirmation, 0) end as not_processed_total,
    coalesce(other_total, case when other_no_correction is null and other_fee_unpaid is null and other_other is null then null else coalesce(other_no_correction, 0) + coalesce(other_fee_unpaid, 0) + coalesce(other_other, 0) end) as other_all,
    new_received + carried_over_from_prior as accepted,
    case when new_commercial_enterprise is null and new_research_institution is null and new_social_welfare_org is null and new_legal_service_org is null and new_other_org is null then null else coalesce(new_commercial_enterprise, 0) + coalesce(new_research_institution, 0) + coalesce(new_social_welfare_org, 0) + coalesce(new_legal_service_org, 0) + coalesce(new_other_org, 0) end as new_legal_person,
    recon_total - recon_pending as recon_decided,
    litd_total + lita_total as lit_total,
    litd_corrected + lita_corrected as lit_corrected,
    litd_total - litd_pending + lita_total - lita_pending as lit_decided
from pivoted p join v_report r using (report_id);

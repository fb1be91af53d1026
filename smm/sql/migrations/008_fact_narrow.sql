-- Fact rows are kept in two tables, read together as the view `fact`: `fact_wide` has every column; `fact_narrow`
-- only those of a paid-ads performance report (smm.schema.FACT_NARROW_COLUMNS: no content, creator or social
-- columns). smm.ingest writes a file whose rows fill no other column to fact_narrow, any other to fact_wide.
-- Why: DuckDB writes and compresses every column of every row, empty or not, at ~12 ms per million rows for each
-- column; the 16 columns such a report leaves empty made a third of the cost of writing it (bench/ingest.py).
-- `fact` has fact_wide's columns in fact_wide's order; the columns fact_narrow lacks read NULL (from_snapshot and
-- first_snapshot read false, their default). Everything reads `fact` or `fact_active`; only writers name the two
-- tables. The condition below makes a second run (test_store) skip the rename: `fact` is a view by then.
-- only if: SELECT count(*) = 1 FROM information_schema.tables WHERE table_schema = 'main' AND table_name = 'fact' AND table_type = 'BASE TABLE'
ALTER TABLE fact RENAME TO fact_wide;

-- fact_narrow: those columns of fact_wide, of the same types and constraints.
CREATE TABLE IF NOT EXISTS fact_narrow AS
SELECT batch_id, row_key, superseded_by, src_row, platform, profile, account, campaign, ad_group, ad, date,
       period_start, period_end, currency, spend, impressions, reach, clicks, conversions, orders, revenue, flags
FROM fact_wide WHERE false;
ALTER TABLE fact_narrow ALTER batch_id SET NOT NULL;
ALTER TABLE fact_narrow ALTER row_key SET NOT NULL;
ALTER TABLE fact_narrow ALTER platform SET NOT NULL;
ALTER TABLE fact_narrow ALTER profile SET NOT NULL;
ALTER TABLE fact_narrow ALTER date SET NOT NULL;
ALTER TABLE fact_narrow ALTER currency SET NOT NULL;

CREATE OR REPLACE VIEW fact AS
SELECT * FROM fact_wide
UNION ALL
SELECT batch_id, row_key, superseded_by, src_row, platform, profile, account, campaign, ad_group, ad,
       NULL::VARCHAR AS content_id, NULL::VARCHAR AS content_title, NULL::VARCHAR AS content_type,
       NULL::VARCHAR AS content_url, NULL::VARCHAR AS theme, NULL::TIMESTAMP AS published_at, NULL::VARCHAR AS kol,
       date, period_start, period_end, currency, spend, impressions, reach,
       NULL::DOUBLE AS views, clicks, NULL::DOUBLE AS likes, NULL::DOUBLE AS comments, NULL::DOUBLE AS shares,
       NULL::DOUBLE AS saves, NULL::DOUBLE AS follows, conversions, orders, revenue, NULL::DOUBLE AS watch_hours,
       false AS from_snapshot, false AS first_snapshot, flags
FROM fact_narrow;

CREATE OR REPLACE VIEW fact_active AS SELECT * FROM fact WHERE superseded_by IS NULL;

-- Daily rollups of the active facts (owned by smm/rollups.py; maintained inside every load and delete
-- transaction by smm.ingest, so it always equals an aggregation of fact_active).
-- One row per (date, platform, campaign, content_type, kol, currency). Money stays in the original currency
-- (converted after summing, at query time). Besides plain sums it keeps, for every ratio the registry
-- pairs, the numerator and denominator summed over only the rows that report both (pn_<num>__<den>,
-- pd_<num>__<den>), so a ratio from the rollup equals the ratio from the base rows exactly.

CREATE TABLE IF NOT EXISTS fact_daily (
    date           DATE NOT NULL,
    platform       VARCHAR NOT NULL,
    campaign       VARCHAR,
    content_type   VARCHAR,
    kol            VARCHAR,
    currency       VARCHAR NOT NULL,
    n_rows         BIGINT NOT NULL,
    spend          DOUBLE,
    revenue        DOUBLE,
    impressions    DOUBLE,
    reach          DOUBLE,
    views          DOUBLE,
    clicks         DOUBLE,
    likes          DOUBLE,
    comments       DOUBLE,
    shares         DOUBLE,
    saves          DOUBLE,
    follows        DOUBLE,
    conversions    DOUBLE,
    orders         DOUBLE,
    exposure       DOUBLE,
    interactions   DOUBLE,
    pn_clicks__impressions DOUBLE, pd_clicks__impressions DOUBLE,
    pn_conversions__clicks DOUBLE, pd_conversions__clicks DOUBLE,
    pn_conversions__impressions DOUBLE, pd_conversions__impressions DOUBLE,
    pn_interactions__impressions DOUBLE, pd_interactions__impressions DOUBLE,
    pn_interactions__reach DOUBLE, pd_interactions__reach DOUBLE,
    pn_interactions__views DOUBLE, pd_interactions__views DOUBLE,
    pn_spend__impressions DOUBLE, pd_spend__impressions DOUBLE,
    pn_spend__clicks DOUBLE, pd_spend__clicks DOUBLE,
    pn_spend__interactions DOUBLE, pd_spend__interactions DOUBLE,
    pn_spend__conversions DOUBLE, pd_spend__conversions DOUBLE,
    pn_spend__follows DOUBLE, pd_spend__follows DOUBLE,
    pn_revenue__orders DOUBLE, pd_revenue__orders DOUBLE,
    pn_revenue__conversions DOUBLE, pd_revenue__conversions DOUBLE
);

-- The same per (date, platform, currency): what an Overview without campaign, content-type or KOL
-- filters reads (a few thousand rows for two years). Always the sum of fact_daily's rows.
CREATE TABLE IF NOT EXISTS fact_daily_platform (
    date           DATE NOT NULL,
    platform       VARCHAR NOT NULL,
    currency       VARCHAR NOT NULL,
    n_rows         BIGINT NOT NULL,
    spend          DOUBLE,
    revenue        DOUBLE,
    impressions    DOUBLE,
    reach          DOUBLE,
    views          DOUBLE,
    clicks         DOUBLE,
    likes          DOUBLE,
    comments       DOUBLE,
    shares         DOUBLE,
    saves          DOUBLE,
    follows        DOUBLE,
    conversions    DOUBLE,
    orders         DOUBLE,
    exposure       DOUBLE,
    interactions   DOUBLE,
    pn_clicks__impressions DOUBLE, pd_clicks__impressions DOUBLE,
    pn_conversions__clicks DOUBLE, pd_conversions__clicks DOUBLE,
    pn_conversions__impressions DOUBLE, pd_conversions__impressions DOUBLE,
    pn_interactions__impressions DOUBLE, pd_interactions__impressions DOUBLE,
    pn_interactions__reach DOUBLE, pd_interactions__reach DOUBLE,
    pn_interactions__views DOUBLE, pd_interactions__views DOUBLE,
    pn_spend__impressions DOUBLE, pd_spend__impressions DOUBLE,
    pn_spend__clicks DOUBLE, pd_spend__clicks DOUBLE,
    pn_spend__interactions DOUBLE, pd_spend__interactions DOUBLE,
    pn_spend__conversions DOUBLE, pd_spend__conversions DOUBLE,
    pn_spend__follows DOUBLE, pd_spend__follows DOUBLE,
    pn_revenue__orders DOUBLE, pd_revenue__orders DOUBLE,
    pn_revenue__conversions DOUBLE, pd_revenue__conversions DOUBLE
);

-- What fact_daily must hold for any set of dates: the one definition of the rollup.
-- exposure and interactions repeat the per-row definitions of fact_rc (smm/sql/views.sql); a test
-- checks both paths agree.
CREATE OR REPLACE VIEW fact_daily_source AS
WITH rows AS (
    SELECT f.*,
           coalesce(f.impressions, f.views, f.reach) AS exposure,
           CASE WHEN coalesce(f.likes, f.comments, f.shares, f.saves) IS NULL THEN NULL
                ELSE coalesce(f.likes, 0) + coalesce(f.comments, 0) + coalesce(f.shares, 0) + coalesce(f.saves, 0)
           END AS interactions
    FROM fact_active f
)
SELECT date, platform, campaign, content_type, kol, currency,
       count(*) AS n_rows,
       sum(spend) AS spend,
       sum(revenue) AS revenue,
       sum(impressions) AS impressions,
       sum(reach) AS reach,
       sum(views) AS views,
       sum(clicks) AS clicks,
       sum(likes) AS likes,
       sum(comments) AS comments,
       sum(shares) AS shares,
       sum(saves) AS saves,
       sum(follows) AS follows,
       sum(conversions) AS conversions,
       sum(orders) AS orders,
       sum(exposure) AS exposure,
       sum(interactions) AS interactions,
       sum(clicks) FILTER (WHERE clicks IS NOT NULL AND impressions IS NOT NULL) AS pn_clicks__impressions,
       sum(impressions) FILTER (WHERE clicks IS NOT NULL AND impressions IS NOT NULL) AS pd_clicks__impressions,
       sum(conversions) FILTER (WHERE conversions IS NOT NULL AND clicks IS NOT NULL) AS pn_conversions__clicks,
       sum(clicks) FILTER (WHERE conversions IS NOT NULL AND clicks IS NOT NULL) AS pd_conversions__clicks,
       sum(conversions) FILTER (WHERE conversions IS NOT NULL AND impressions IS NOT NULL) AS pn_conversions__impressions,
       sum(impressions) FILTER (WHERE conversions IS NOT NULL AND impressions IS NOT NULL) AS pd_conversions__impressions,
       sum(interactions) FILTER (WHERE interactions IS NOT NULL AND impressions IS NOT NULL) AS pn_interactions__impressions,
       sum(impressions) FILTER (WHERE interactions IS NOT NULL AND impressions IS NOT NULL) AS pd_interactions__impressions,
       sum(interactions) FILTER (WHERE interactions IS NOT NULL AND reach IS NOT NULL) AS pn_interactions__reach,
       sum(reach) FILTER (WHERE interactions IS NOT NULL AND reach IS NOT NULL) AS pd_interactions__reach,
       sum(interactions) FILTER (WHERE interactions IS NOT NULL AND views IS NOT NULL) AS pn_interactions__views,
       sum(views) FILTER (WHERE interactions IS NOT NULL AND views IS NOT NULL) AS pd_interactions__views,
       sum(spend) FILTER (WHERE spend IS NOT NULL AND impressions IS NOT NULL) AS pn_spend__impressions,
       sum(impressions) FILTER (WHERE spend IS NOT NULL AND impressions IS NOT NULL) AS pd_spend__impressions,
       sum(spend) FILTER (WHERE spend IS NOT NULL AND clicks IS NOT NULL) AS pn_spend__clicks,
       sum(clicks) FILTER (WHERE spend IS NOT NULL AND clicks IS NOT NULL) AS pd_spend__clicks,
       sum(spend) FILTER (WHERE spend IS NOT NULL AND interactions IS NOT NULL) AS pn_spend__interactions,
       sum(interactions) FILTER (WHERE spend IS NOT NULL AND interactions IS NOT NULL) AS pd_spend__interactions,
       sum(spend) FILTER (WHERE spend IS NOT NULL AND conversions IS NOT NULL) AS pn_spend__conversions,
       sum(conversions) FILTER (WHERE spend IS NOT NULL AND conversions IS NOT NULL) AS pd_spend__conversions,
       sum(spend) FILTER (WHERE spend IS NOT NULL AND follows IS NOT NULL) AS pn_spend__follows,
       sum(follows) FILTER (WHERE spend IS NOT NULL AND follows IS NOT NULL) AS pd_spend__follows,
       sum(revenue) FILTER (WHERE revenue IS NOT NULL AND orders IS NOT NULL) AS pn_revenue__orders,
       sum(orders) FILTER (WHERE revenue IS NOT NULL AND orders IS NOT NULL) AS pd_revenue__orders,
       sum(revenue) FILTER (WHERE revenue IS NOT NULL AND conversions IS NOT NULL) AS pn_revenue__conversions,
       sum(conversions) FILTER (WHERE revenue IS NOT NULL AND conversions IS NOT NULL) AS pd_revenue__conversions
FROM rows
GROUP BY date, platform, campaign, content_type, kol, currency;

-- What fact_daily_platform must hold: fact_daily added up per (date, platform, currency).
CREATE OR REPLACE VIEW fact_daily_platform_source AS
SELECT date, platform, currency,
       sum(n_rows)::BIGINT AS n_rows,
       sum(spend) AS spend,
       sum(revenue) AS revenue,
       sum(impressions) AS impressions,
       sum(reach) AS reach,
       sum(views) AS views,
       sum(clicks) AS clicks,
       sum(likes) AS likes,
       sum(comments) AS comments,
       sum(shares) AS shares,
       sum(saves) AS saves,
       sum(follows) AS follows,
       sum(conversions) AS conversions,
       sum(orders) AS orders,
       sum(exposure) AS exposure,
       sum(interactions) AS interactions,
       sum(pn_clicks__impressions) AS pn_clicks__impressions,
       sum(pd_clicks__impressions) AS pd_clicks__impressions,
       sum(pn_conversions__clicks) AS pn_conversions__clicks,
       sum(pd_conversions__clicks) AS pd_conversions__clicks,
       sum(pn_conversions__impressions) AS pn_conversions__impressions,
       sum(pd_conversions__impressions) AS pd_conversions__impressions,
       sum(pn_interactions__impressions) AS pn_interactions__impressions,
       sum(pd_interactions__impressions) AS pd_interactions__impressions,
       sum(pn_interactions__reach) AS pn_interactions__reach,
       sum(pd_interactions__reach) AS pd_interactions__reach,
       sum(pn_interactions__views) AS pn_interactions__views,
       sum(pd_interactions__views) AS pd_interactions__views,
       sum(pn_spend__impressions) AS pn_spend__impressions,
       sum(pd_spend__impressions) AS pd_spend__impressions,
       sum(pn_spend__clicks) AS pn_spend__clicks,
       sum(pd_spend__clicks) AS pd_spend__clicks,
       sum(pn_spend__interactions) AS pn_spend__interactions,
       sum(pd_spend__interactions) AS pd_spend__interactions,
       sum(pn_spend__conversions) AS pn_spend__conversions,
       sum(pd_spend__conversions) AS pd_spend__conversions,
       sum(pn_spend__follows) AS pn_spend__follows,
       sum(pd_spend__follows) AS pd_spend__follows,
       sum(pn_revenue__orders) AS pn_revenue__orders,
       sum(pd_revenue__orders) AS pd_revenue__orders,
       sum(pn_revenue__conversions) AS pn_revenue__conversions,
       sum(pd_revenue__conversions) AS pd_revenue__conversions
FROM fact_daily GROUP BY date, platform, currency;

-- Existing stores: fill from what is loaded (idempotent: a re-run rebuilds it).
DELETE FROM fact_daily;
INSERT INTO fact_daily SELECT * FROM fact_daily_source ORDER BY date, platform;
DELETE FROM fact_daily_platform;
INSERT INTO fact_daily_platform SELECT * FROM fact_daily_platform_source ORDER BY date, platform;

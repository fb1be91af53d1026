-- Initial schema. Every loaded table carries batch_id (which upload wrote the row), row_key (the
-- natural key hashed) and superseded_by (the later batch that replaced the row; NULL = active).

CREATE SEQUENCE IF NOT EXISTS batch_seq START 1;

-- One row per uploaded file (or page edit) that was loaded; deleted batches stay as history.
CREATE TABLE IF NOT EXISTS load_batches (
    batch_id      INTEGER PRIMARY KEY,
    file_name     VARCHAR NOT NULL,
    sha256        VARCHAR NOT NULL,
    profile       VARCHAR NOT NULL,
    platform      VARCHAR,
    kind          VARCHAR NOT NULL,
    rows_loaded   INTEGER NOT NULL DEFAULT 0,
    rows_rejected INTEGER NOT NULL DEFAULT 0,
    rows_summary  INTEGER NOT NULL DEFAULT 0,
    date_min      DATE,
    date_max      DATE,
    as_of         DATE,
    currency      VARCHAR,
    loaded_at     TIMESTAMP NOT NULL DEFAULT current_timestamp,
    status        VARCHAR NOT NULL DEFAULT 'loaded',   -- loaded | deleted
    is_sample     BOOLEAN NOT NULL DEFAULT false,
    notes         VARCHAR
);

-- One row per (platform, profile, account, campaign, ad_group, ad, content_id, kol, date) per batch.
CREATE TABLE IF NOT EXISTS fact (
    batch_id       INTEGER NOT NULL,
    row_key        VARCHAR NOT NULL,
    superseded_by  INTEGER,
    src_row        INTEGER,
    platform       VARCHAR NOT NULL,
    profile        VARCHAR NOT NULL,
    account        VARCHAR,
    campaign       VARCHAR,
    ad_group       VARCHAR,
    ad             VARCHAR,
    content_id     VARCHAR,
    content_title  VARCHAR,
    content_type   VARCHAR,
    content_url    VARCHAR,
    theme          VARCHAR,
    published_at   TIMESTAMP,
    kol            VARCHAR,
    date           DATE NOT NULL,
    period_start   DATE,
    period_end     DATE,
    currency       VARCHAR NOT NULL,
    spend          DOUBLE,
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
    revenue        DOUBLE,
    watch_hours    DOUBLE,
    from_snapshot  BOOLEAN NOT NULL DEFAULT false,  -- a weekly difference of two cumulative snapshots
    first_snapshot BOOLEAN NOT NULL DEFAULT false,  -- first snapshot of a post: counted whole
    flags          VARCHAR
);

-- One row per post per snapshot (cumulative lifetime figures as of `as_of`).
CREATE TABLE IF NOT EXISTS snapshots (
    batch_id       INTEGER NOT NULL,
    row_key        VARCHAR NOT NULL,   -- post key + as_of
    post_key       VARCHAR NOT NULL,   -- platform, profile, account, content_id, kol
    superseded_by  INTEGER,
    src_row        INTEGER,
    platform       VARCHAR NOT NULL,
    profile        VARCHAR NOT NULL,
    account        VARCHAR,
    campaign       VARCHAR,
    content_id     VARCHAR NOT NULL,
    content_title  VARCHAR,
    content_type   VARCHAR,
    content_url    VARCHAR,
    theme          VARCHAR,
    published_at   TIMESTAMP,
    kol            VARCHAR,
    as_of          DATE NOT NULL,
    currency       VARCHAR NOT NULL,
    spend DOUBLE, impressions DOUBLE, reach DOUBLE, views DOUBLE, clicks DOUBLE, likes DOUBLE,
    comments DOUBLE, shares DOUBLE, saves DOUBLE, follows DOUBLE, conversions DOUBLE, orders DOUBLE,
    revenue DOUBLE, watch_hours DOUBLE,
    flags          VARCHAR
);

-- One row per KOL per platform per roster date.
CREATE TABLE IF NOT EXISTS kol_roster (
    batch_id INTEGER NOT NULL, row_key VARCHAR NOT NULL, superseded_by INTEGER, src_row INTEGER,
    kol VARCHAR NOT NULL, platform VARCHAR NOT NULL, followers DOUBLE, fee DOUBLE, posts DOUBLE,
    category VARCHAR, currency VARCHAR NOT NULL, as_of DATE NOT NULL
);

-- One row per planning period x platform x budget category.
CREATE TABLE IF NOT EXISTS budget_plan (
    batch_id INTEGER NOT NULL, row_key VARCHAR NOT NULL, superseded_by INTEGER, src_row INTEGER,
    period_start DATE NOT NULL, period_end DATE NOT NULL, platform VARCHAR NOT NULL,
    category VARCHAR NOT NULL, planned DOUBLE NOT NULL, currency VARCHAR NOT NULL
);

-- One row per cost item outside paid ads (KOL fees, content production, staff, other).
CREATE TABLE IF NOT EXISTS other_costs (
    batch_id INTEGER NOT NULL, row_key VARCHAR NOT NULL, superseded_by INTEGER, src_row INTEGER,
    date DATE NOT NULL, platform VARCHAR NOT NULL, category VARCHAR NOT NULL, amount DOUBLE NOT NULL,
    note VARCHAR, currency VARCHAR NOT NULL, kol VARCHAR
);

-- One row per currency: how many CNY one unit is worth (editable on the Data page).
CREATE TABLE IF NOT EXISTS fx_rates (
    currency     VARCHAR PRIMARY KEY,
    cny_per_unit DOUBLE NOT NULL CHECK (cny_per_unit > 0),
    updated_at   TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Column mappings saved by users for formats we do not ship (a profile as JSON).
CREATE TABLE IF NOT EXISTS user_profiles (
    profile_id VARCHAR PRIMARY KEY,
    definition VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Small key/value settings stored with the data (e.g. theme rules), as JSON text.
CREATE TABLE IF NOT EXISTS settings (
    key VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL,
    updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

INSERT INTO fx_rates (currency, cny_per_unit) VALUES
    ('CNY', 1.0), ('USD', 7.10), ('EUR', 7.70), ('GBP', 9.00), ('HKD', 0.91), ('JPY', 0.047),
    ('KRW', 0.0051), ('SGD', 5.30), ('IDR', 0.00045), ('TWD', 0.22), ('AUD', 4.65), ('CAD', 5.15),
    ('MYR', 1.55), ('THB', 0.20), ('VND', 0.00028), ('PHP', 0.12), ('INR', 0.084), ('BRL', 1.30),
    ('MXN', 0.38)
ON CONFLICT DO NOTHING;

CREATE OR REPLACE VIEW fact_active AS SELECT * FROM fact WHERE superseded_by IS NULL;
CREATE OR REPLACE VIEW snapshots_active AS SELECT * FROM snapshots WHERE superseded_by IS NULL;
CREATE OR REPLACE VIEW kol_roster_active AS SELECT * FROM kol_roster WHERE superseded_by IS NULL;
CREATE OR REPLACE VIEW budget_plan_active AS SELECT * FROM budget_plan WHERE superseded_by IS NULL;
CREATE OR REPLACE VIEW other_costs_active AS SELECT * FROM other_costs WHERE superseded_by IS NULL;

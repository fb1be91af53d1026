-- Budget what-if scenarios saved on the Budget page (owned by smm/whatif.py).
-- One row per saved scenario: a named allocation of a period's paid budget per platform, in `currency`.
-- Outcomes are not stored: they are recomputed from the current response curves when compared.

CREATE SEQUENCE IF NOT EXISTS scenario_seq START 1;

CREATE TABLE IF NOT EXISTS budget_scenarios (
    scenario_id   INTEGER PRIMARY KEY,
    name          VARCHAR NOT NULL,
    currency      VARCHAR NOT NULL,
    period_start  DATE NOT NULL,
    period_end    DATE NOT NULL,
    objective     VARCHAR NOT NULL DEFAULT 'conversions',   -- conversions | revenue
    created_at    TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- One row per scenario × platform: the paid budget for the period.
CREATE TABLE IF NOT EXISTS budget_scenario_lines (
    scenario_id   INTEGER NOT NULL,
    platform      VARCHAR NOT NULL,
    budget        DOUBLE NOT NULL CHECK (budget >= 0),
    PRIMARY KEY (scenario_id, platform)
);

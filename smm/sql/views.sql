-- name: fact_rc
-- One row per active fact row, with spend and revenue converted to the reporting currency `rc`
-- (NULL and fx_missing = true when either rate is missing: never summed silently).
CREATE OR REPLACE MACRO fact_rc(rc) AS TABLE
SELECT f.*,
       coalesce(f.impressions, f.views, f.reach) AS exposure,
       CASE WHEN coalesce(f.likes, f.comments, f.shares, f.saves) IS NULL THEN NULL
            ELSE coalesce(f.likes, 0) + coalesce(f.comments, 0) + coalesce(f.shares, 0) + coalesce(f.saves, 0)
       END AS interactions,
       f.spend * r.cny_per_unit / t.cny_per_unit   AS spend_rc,
       f.revenue * r.cny_per_unit / t.cny_per_unit AS revenue_rc,
       (r.cny_per_unit IS NULL OR t.cny_per_unit IS NULL) AND (f.spend IS NOT NULL OR f.revenue IS NOT NULL) AS fx_missing
FROM fact_active f
LEFT JOIN fx_rates r ON r.currency = f.currency
LEFT JOIN fx_rates t ON t.currency = rc;

-- name: other_costs_rc
-- One row per active cost item, amount in the reporting currency.
CREATE OR REPLACE MACRO other_costs_rc(rc) AS TABLE
SELECT c.*, c.amount * r.cny_per_unit / t.cny_per_unit AS amount_rc,
       r.cny_per_unit IS NULL OR t.cny_per_unit IS NULL AS fx_missing
FROM other_costs_active c
LEFT JOIN fx_rates r ON r.currency = c.currency
LEFT JOIN fx_rates t ON t.currency = rc;

-- name: budget_plan_rc
-- One row per active plan line, planned amount in the reporting currency.
CREATE OR REPLACE MACRO budget_plan_rc(rc) AS TABLE
SELECT b.*, b.planned * r.cny_per_unit / t.cny_per_unit AS planned_rc,
       r.cny_per_unit IS NULL OR t.cny_per_unit IS NULL AS fx_missing
FROM budget_plan_active b
LEFT JOIN fx_rates r ON r.currency = b.currency
LEFT JOIN fx_rates t ON t.currency = rc;

-- name: kol_roster_rc
-- One row per active roster line, fee in the reporting currency.
CREATE OR REPLACE MACRO kol_roster_rc(rc) AS TABLE
SELECT k.*, k.fee * r.cny_per_unit / t.cny_per_unit AS fee_rc,
       r.cny_per_unit IS NULL OR t.cny_per_unit IS NULL AS fx_missing
FROM kol_roster_active k
LEFT JOIN fx_rates r ON r.currency = k.currency
LEFT JOIN fx_rates t ON t.currency = rc;

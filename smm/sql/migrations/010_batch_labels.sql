-- What the load history shows of a batch, kept with the batch so that it still reads after its rows or its format
-- are gone:
-- - platforms: the platforms a file with a platform column of its own loaded (generic template, roster, plan,
--   costs; `platform` is NULL for such a file), comma-separated ids in order. The history used to read them from
--   the batch's rows on every view, so a deleted batch (or one whose rows later files all replaced) showed none.
-- - profile_name: the name of the saved format (user_…) that read the file; a deleted format's batches showed
--   only its id. Built-in formats are named by the code, in the user's language.
-- Filled here for every batch whose rows or format are still stored; smm.ingest records both for each new load.
ALTER TABLE load_batches ADD COLUMN IF NOT EXISTS platforms VARCHAR;
ALTER TABLE load_batches ADD COLUMN IF NOT EXISTS profile_name VARCHAR;
UPDATE load_batches AS b SET platforms = r.platforms
FROM (
    SELECT batch_id, string_agg(DISTINCT platform, ',' ORDER BY platform) AS platforms
    FROM (SELECT batch_id, platform FROM fact
          UNION ALL SELECT batch_id, platform FROM snapshots
          UNION ALL SELECT batch_id, platform FROM kol_roster
          UNION ALL SELECT batch_id, platform FROM budget_plan
          UNION ALL SELECT batch_id, platform FROM other_costs)
    GROUP BY batch_id
) AS r
WHERE b.batch_id = r.batch_id AND b.platform IS NULL AND b.platforms IS NULL;
UPDATE load_batches AS b SET profile_name = json_extract_string(u.definition, '$.label_en')
FROM user_profiles AS u
WHERE u.profile_id = b.profile AND b.profile_name IS NULL;

-- Row keys become numbers: md5_number() of the same natural key shifted right by one (127 bits, a HUGEINT:
-- UHUGEINT has no NumPy conversion), instead of md5()'s 32 hex digits. As safe from collisions, and a
-- million-row load no longer builds, stores and compares a million hex strings. md5_number is the digest
-- read as a little-endian integer, so each stored key converts in place (the hex pairs in reverse order), and
-- an old row keeps matching the new rows of the same key (smm.ingest._KEY). A key that is a number already is
-- kept, so running this again changes nothing. (Only while `fact` is a table: migration 008 made it a view.)
-- only if: SELECT count(*) = 1 FROM information_schema.tables WHERE table_schema = 'main' AND table_name = 'fact' AND table_type = 'BASE TABLE'
CREATE OR REPLACE TEMP MACRO smm__md5_hex_to_number(k) AS
    CASE WHEN typeof(k) = 'VARCHAR' THEN CAST(CAST(('0x' || substr(CAST(k AS VARCHAR), 31, 2) || substr(CAST(k AS VARCHAR), 29, 2) || substr(CAST(k AS VARCHAR), 27, 2) || substr(CAST(k AS VARCHAR), 25, 2) || substr(CAST(k AS VARCHAR), 23, 2) || substr(CAST(k AS VARCHAR), 21, 2) || substr(CAST(k AS VARCHAR), 19, 2) || substr(CAST(k AS VARCHAR), 17, 2) || substr(CAST(k AS VARCHAR), 15, 2) || substr(CAST(k AS VARCHAR), 13, 2) || substr(CAST(k AS VARCHAR), 11, 2) || substr(CAST(k AS VARCHAR), 9, 2) || substr(CAST(k AS VARCHAR), 7, 2) || substr(CAST(k AS VARCHAR), 5, 2) || substr(CAST(k AS VARCHAR), 3, 2) || substr(CAST(k AS VARCHAR), 1, 2)) AS UHUGEINT) >> 1 AS HUGEINT) ELSE CAST(k AS HUGEINT) END;
ALTER TABLE fact ALTER row_key SET DATA TYPE HUGEINT USING smm__md5_hex_to_number(row_key);
ALTER TABLE snapshots ALTER row_key SET DATA TYPE HUGEINT USING smm__md5_hex_to_number(row_key);
ALTER TABLE kol_roster ALTER row_key SET DATA TYPE HUGEINT USING smm__md5_hex_to_number(row_key);
ALTER TABLE budget_plan ALTER row_key SET DATA TYPE HUGEINT USING smm__md5_hex_to_number(row_key);
ALTER TABLE other_costs ALTER row_key SET DATA TYPE HUGEINT USING smm__md5_hex_to_number(row_key);
DROP MACRO smm__md5_hex_to_number;

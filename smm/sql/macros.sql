-- smm value-cleaning macros: the one implementation of every parsing rule (see docs/architecture.md,
-- "Value contract"). Installed by smm.values.install_macros(), which splits this file at the
-- "-- name:" lines, so every statement MUST start with one and there must be nothing else between
-- statements. Input `s` is always raw cell text (VARCHAR, may be NULL, may carry whitespace).
--
-- DuckDB facts this file relies on (checked on duckdb 2.0.0):
-- * macro arguments are substituted textually: a parameter used n times is evaluated n times, and
--   the optimiser does not share common subexpressions inside CASE branches. Expensive values
--   (regexp_extract) are therefore bound once with `list_transform([expr], lambda smm__x: ...)[1]`.
-- * COALESCE and CASE evaluate later arguments/branches only on the rows still undecided, so a
--   cheap TRY_CAST fast path in front keeps plain numbers cheap.
-- * TRY_CAST(s AS DOUBLE) accepts surrounding whitespace, 'inf', 'infinity', 'nan', '1_000' and
--   '1e400' (= inf): the fast path rejects non-finite values and underscores.
-- * trim(s) strips only spaces (also U+3000 / U+00A0), not tabs or newlines: use smm__trim.
-- * E'...' strings know \t \n \r but NOT \uXXXX (it silently becomes the letters uXXXX): use chr(n).
-- * try_strptime needs a constant format (a list is allowed); '%Y' accepts 1-4 digit years and
--   '%b' does not accept full month names, so every form is guarded by a regex first.
-- * regexp_extract with capture groups costs ~10x a regexp_full_match of the same pattern, so smm_num tries,
--   each only on the rows the previous step left NULL: plain TRY_CAST; 1,234,567; 1.2万 / 3.3k / 12.5%;
--   then the full pattern (a cheap full match first, the group extraction only for rows that match).
-- * AND/OR inside a projected boolean do not protect a CAST from erroring on other rows (only CASE WHEN
--   does): every cast of extracted text is a TRY_CAST.
-- * private helpers start with smm__ and are not part of the contract.

-- name: smm__trim
-- Returns s without surrounding whitespace (ASCII incl. tabs/newlines, NBSP, ideographic and other Unicode spaces, BOM, zero-width space).
CREATE OR REPLACE MACRO smm__trim(s) AS
    CASE WHEN regexp_matches(s, '^[\s\p{Z}\x{000B}\x{0085}\x{FEFF}\x{200B}]|[\s\p{Z}\x{000B}\x{0085}\x{FEFF}\x{200B}]$')
         THEN regexp_replace(s, '^[\s\p{Z}\x{000B}\x{0085}\x{FEFF}\x{200B}]+|[\s\p{Z}\x{000B}\x{0085}\x{FEFF}\x{200B}]+$', '', 'g')
         ELSE s END;

-- name: smm__is_null_token
-- Returns TRUE when the (already trimmed) text t is empty or a null token (-, --, —, N/A, NA, null, None, nan, /, #N/A); NULL for NULL.
CREATE OR REPLACE MACRO smm__is_null_token(t) AS
    lower(t) IN ('', '-', '--', '---', '—', '——', '–', '－', 'n/a', 'na', '#n/a', 'null', 'none', 'nan', '/');

-- name: smm__is_masked
-- Returns TRUE when the (already trimmed) text t is a masked small count such as <5, < 10, <=5 or <1%.
CREATE OR REPLACE MACRO smm__is_masked(t) AS
    regexp_full_match(t, '[<＜][\s\p{Z}\x{FEFF}\x{200B}]*=?[\s\p{Z}\x{FEFF}\x{200B}]*\d+(?:\.\d+)?[\s\p{Z}\x{FEFF}\x{200B}]*[%％]?');

-- name: smm__num_fast
-- Returns TRY_CAST(s AS DOUBLE) when that is finite and s has no underscore (the cheap path for plain numbers), else NULL. A comma or a non-ASCII character (1,234 / 1.2万) fails the cast anyway, and a failing cast costs ~10x a contains() or length(), so those are tested first.
CREATE OR REPLACE MACRO smm__num_fast(s) AS
    CASE WHEN NOT contains(s, ',') AND strlen(s) = length(s) AND isfinite(TRY_CAST(s AS DOUBLE)) AND NOT contains(s, '_')
         THEN TRY_CAST(s AS DOUBLE) END;

-- name: smm__num_wan
-- Returns s as a DOUBLE when s is a plain number followed by 万 (15.39万, how Chinese exports write counts of 10万 and more), else NULL. The value of smm_num's unit branch (the same text is cast), without its regular expression: a third of the time on a 万 column.
CREATE OR REPLACE MACRO smm__num_wan(s) AS
    CASE WHEN suffix(s, '万') AND NOT contains(s, ',') AND NOT contains(s, '_')
              AND isfinite(TRY_CAST(left(s, -1) || 'e4' AS DOUBLE))
         THEN TRY_CAST(left(s, -1) || 'e4' AS DOUBLE) END;

-- name: smm__unit_exp
-- Returns the power of ten of a unit or percent sign u ('' 0, k/K/千 3, w/W/万 4, m/M 6, 亿 8, b/B 9, %/％ -2); NULL for anything else.
CREATE OR REPLACE MACRO smm__unit_exp(u) AS
    CASE lower(u) WHEN '' THEN 0 WHEN 'k' THEN 3 WHEN '千' THEN 3 WHEN 'w' THEN 4 WHEN '万' THEN 4
                  WHEN 'm' THEN 6 WHEN '亿' THEN 8 WHEN 'b' THEN 9 WHEN '%' THEN -2 WHEN '％' THEN -2 END;

-- name: smm__num_from_parts
-- Returns the DOUBLE for regexp parts p (lp sg m e u pl pc rp) and the plain mantissa mant ('1234.5'); NULL when inconsistent or not finite.
CREATE OR REPLACE MACRO smm__num_from_parts(p, mant) AS
    CASE
        WHEN p.m = '' THEN NULL
        WHEN (p.lp = '') <> (p.rp = '') THEN NULL
        WHEN p.lp <> '' AND p.sg <> '' THEN NULL
        WHEN p.u <> '' AND p.pc <> '' THEN NULL
        ELSE list_filter([
            TRY_CAST(mant || 'e' || CAST(
                  CASE WHEN p.e = '' THEN 0 ELSE TRY_CAST(substr(p.e, 2) AS INTEGER) END
                + smm__unit_exp(p.u) + smm__unit_exp(p.pc) AS VARCHAR) AS DOUBLE)
            * CASE WHEN p.lp <> '' OR p.sg IN ('-', '−') THEN -1.0 ELSE 1.0 END
        ], lambda smm__v: isfinite(smm__v))[1]
    END;

-- name: smm__re_num
-- Returns the regex (8 groups: lp sg m e u pl pc rp) of a dot-decimal number with optional ( ), sign, currency, 1,234 / 1 234 groups, exponent, unit, +, %.
CREATE OR REPLACE MACRO smm__re_num() AS
    '^[\s\p{Z}\x{FEFF}\x{200B}]*([(（]?)[\s\p{Z}\x{FEFF}\x{200B}]*(?:(?i:US\$|HK\$|CNY|RMB|USD|IDR|EUR|GBP|HKD)|[¥￥$€£])?[\s\p{Z}\x{FEFF}\x{200B}]*([+\-−]?)[\s\p{Z}\x{FEFF}\x{200B}]*(?:(?i:US\$|HK\$|CNY|RMB|USD|IDR|EUR|GBP|HKD)|[¥￥$€£])?[\s\p{Z}\x{FEFF}\x{200B}]*(\d{1,3}(?:[ \x{00A0}\x{202F}]\d{3})+(?:\.\d*)?|\d+(?:[,，]\d{3})*(?:\.\d*)?|\.\d+)([eE][+\-]?\d+)?[\s\p{Z}\x{FEFF}\x{200B}]*(万|亿|千|[wWkKmMbB]?)[\s\p{Z}\x{FEFF}\x{200B}]*(\+?)[\s\p{Z}\x{FEFF}\x{200B}]*([%％]?)[\s\p{Z}\x{FEFF}\x{200B}]*(?:(?i:US\$|HK\$|CNY|RMB|USD|IDR|EUR|GBP|HKD)|[¥￥$€£元])?[\s\p{Z}\x{FEFF}\x{200B}]*([)）]?)[\s\p{Z}\x{FEFF}\x{200B}]*$';

-- name: smm__re_num_eu
-- Returns the regex of smm__re_num for a comma-decimal locale (groups 1.234 / 1 234, decimal comma).
CREATE OR REPLACE MACRO smm__re_num_eu() AS
    '^[\s\p{Z}\x{FEFF}\x{200B}]*([(（]?)[\s\p{Z}\x{FEFF}\x{200B}]*(?:(?i:US\$|HK\$|CNY|RMB|USD|IDR|EUR|GBP|HKD)|[¥￥$€£])?[\s\p{Z}\x{FEFF}\x{200B}]*([+\-−]?)[\s\p{Z}\x{FEFF}\x{200B}]*(?:(?i:US\$|HK\$|CNY|RMB|USD|IDR|EUR|GBP|HKD)|[¥￥$€£])?[\s\p{Z}\x{FEFF}\x{200B}]*(\d{1,3}(?:[ \x{00A0}\x{202F}]\d{3})+(?:,\d*)?|\d+(?:\.\d{3})*(?:,\d*)?|,\d+)([eE][+\-]?\d+)?[\s\p{Z}\x{FEFF}\x{200B}]*(万|亿|千|[wWkKmMbB]?)[\s\p{Z}\x{FEFF}\x{200B}]*(\+?)[\s\p{Z}\x{FEFF}\x{200B}]*([%％]?)[\s\p{Z}\x{FEFF}\x{200B}]*(?:(?i:US\$|HK\$|CNY|RMB|USD|IDR|EUR|GBP|HKD)|[¥￥$€£元])?[\s\p{Z}\x{FEFF}\x{200B}]*([)）]?)[\s\p{Z}\x{FEFF}\x{200B}]*$';

-- name: smm_num
-- Returns s as a DOUBLE (1,234 / ¥ $ CNY / 1.2万 3亿 2.3w / 3.3k 475.8m 29.0b / 10万+ / (12.00) / 12.5% → 0.125 / 1.2E+05); NULL for null tokens, masked <5 and anything else.
CREATE OR REPLACE MACRO smm_num(s) AS
    coalesce(
        smm__num_fast(s),
        smm__num_wan(s),
        CASE WHEN regexp_full_match(s, '[+\-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?') THEN TRY_CAST(replace(s, ',', '') AS DOUBLE) END,
        CASE WHEN regexp_full_match(s, '[+\-]?(?:\d+(?:\.\d*)?|\.\d+)[万亿千wWkKmMbB%％]')
             THEN TRY_CAST(left(s, -1) || 'e' || CAST(smm__unit_exp(right(s, 1)) AS VARCHAR) AS DOUBLE) END,
        CASE WHEN regexp_full_match(s, smm__re_num()) THEN list_transform(
            [regexp_extract(s, smm__re_num(), ['lp', 'sg', 'm', 'e', 'u', 'pl', 'pc', 'rp'])],
            lambda smm__p: smm__num_from_parts(smm__p, replace(replace(replace(replace(replace(
                smm__p.m, ',', ''), '，', ''), ' ', ''), chr(160), ''), chr(8239), ''))
        )[1] END
    );

-- name: smm_num_eu
-- Returns s as a DOUBLE read with a comma decimal and dot/space groups (1.234,56 → 1234.56, 12,5 → 12.5, 1 234,5 → 1234.5); same units, signs, % and null rules as smm_num.
CREATE OR REPLACE MACRO smm_num_eu(s) AS
    coalesce(
        CASE WHEN NOT contains(s, '.') THEN smm__num_fast(s) END,
        CASE WHEN regexp_full_match(s, '[+\-]?\d+(?:\.\d{3})*(?:,\d+)?')
             THEN TRY_CAST(replace(replace(s, '.', ''), ',', '.') AS DOUBLE) END,
        CASE WHEN regexp_full_match(s, smm__re_num_eu()) THEN list_transform(
            [regexp_extract(s, smm__re_num_eu(), ['lp', 'sg', 'm', 'e', 'u', 'pl', 'pc', 'rp'])],
            lambda smm__p: smm__num_from_parts(smm__p, replace(replace(replace(replace(replace(
                smm__p.m, '.', ''), ' ', ''), chr(160), ''), chr(8239), ''), ',', '.'))
        )[1] END
    );

-- name: smm_num_bad
-- Returns TRUE when s is non-NULL, not a null token or masked value, and smm_num(s) is NULL (text that is not a number, incl. 1.234,56 and 12,5); FALSE otherwise.
CREATE OR REPLACE MACRO smm_num_bad(s) AS
    CASE
        WHEN s IS NULL THEN false
        WHEN smm_num(s) IS NOT NULL THEN false
        WHEN smm__is_null_token(smm__trim(s)) OR smm__is_masked(smm__trim(s)) THEN false
        ELSE true
    END;

-- name: smm_num_eu_bad
-- Returns TRUE when s is non-NULL, not a null token or masked value, and smm_num_eu(s) is NULL; FALSE otherwise.
CREATE OR REPLACE MACRO smm_num_eu_bad(s) AS
    CASE
        WHEN s IS NULL THEN false
        WHEN smm_num_eu(s) IS NOT NULL THEN false
        WHEN smm__is_null_token(smm__trim(s)) OR smm__is_masked(smm__trim(s)) THEN false
        ELSE true
    END;

-- name: smm_num_flag
-- Returns 'masked' for <5-style values, 'lower_bound' for numbers ending in + (10万+, 100k+, 999+), else NULL.
CREATE OR REPLACE MACRO smm_num_flag(s) AS
    CASE
        WHEN smm__is_masked(smm__trim(s)) THEN 'masked'
        WHEN suffix(smm__trim(s), '+') AND coalesce(smm_num(s), smm_num_eu(s)) IS NOT NULL THEN 'lower_bound'
    END;

-- name: smm_pct
-- Returns a ratio: 12.5% → 0.125 always; a bare 12.5 → 0.125 when bare_is_percent, else 12.5.
CREATE OR REPLACE MACRO smm_pct(s, bare_is_percent) AS
    smm_num(s) / CASE WHEN coalesce(bare_is_percent, false) AND NOT (contains(s, '%') OR contains(s, '％'))
                      THEN 100.0 ELSE 1.0 END;

-- name: smm__dt_split
-- Returns struct(d, h, mi, sec, frac, ap, off): the date text and the optional time parts (H:MM[:SS[.f]] [am|pm] [Z|UTC|GMT|±hh[:mm]]) of s; all '' when no match.
CREATE OR REPLACE MACRO smm__dt_split(s) AS
    regexp_extract(s, '^[\s\p{Z}\x{FEFF}\x{200B}]*(.+?)(?:(?:[\s\p{Z}\x{FEFF}\x{200B}]*[Tt][\s\p{Z}\x{FEFF}\x{200B}]*|[\s\p{Z}\x{FEFF}\x{200B}]+)(\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?[\s\p{Z}\x{FEFF}\x{200B}]*((?i:am|pm)?)[\s\p{Z}\x{FEFF}\x{200B}]*((?i:z|utc|gmt)|[+\-−]\d{2}(?::?\d{2})?)?)?[\s\p{Z}\x{FEFF}\x{200B}]*$',
                   ['d', 'h', 'mi', 'sec', 'frac', 'ap', 'off']);

-- name: smm__off_min
-- Returns the UTC offset in minutes of an offset text (''/Z/UTC/GMT → 0, +0800 / +08:00 / +08 → 480, -05:00 → -300); NULL when malformed or beyond ±14:59.
CREATE OR REPLACE MACRO smm__off_min(o) AS
    CASE
        WHEN o = '' OR lower(o) IN ('z', 'utc', 'gmt') THEN 0
        WHEN TRY_CAST(substr(o, 2, 2) AS INTEGER) <= 14
             AND (length(replace(o, ':', '')) = 3 OR TRY_CAST(right(o, 2) AS INTEGER) <= 59)
            THEN (CASE WHEN left(o, 1) = '+' THEN 1 ELSE -1 END)
                 * (TRY_CAST(substr(o, 2, 2) AS INTEGER) * 60
                    + CASE WHEN length(replace(o, ':', '')) = 5 THEN TRY_CAST(right(o, 2) AS INTEGER) ELSE 0 END)
    END;

-- name: smm__time_ok
-- Returns TRUE when the time parts of a smm__dt_split struct x are absent or valid (hour 0-23, or 0-12 with am/pm; minute and second 0-59; offset within ±14:59).
CREATE OR REPLACE MACRO smm__time_ok(x) AS
    CASE
        WHEN x.h = '' THEN true
        WHEN TRY_CAST(x.h AS INTEGER) > CASE WHEN x.ap = '' THEN 23 ELSE 12 END THEN false
        WHEN TRY_CAST(x.mi AS INTEGER) > 59 THEN false
        WHEN coalesce(TRY_CAST(x.sec AS INTEGER), 0) > 59 THEN false
        ELSE smm__off_min(x.off) IS NOT NULL
    END;

-- name: smm__time_sec
-- Returns the seconds since midnight (with fraction) written in the time parts of a smm__dt_split struct x, minus its UTC offset; 0 when there is no time.
CREATE OR REPLACE MACRO smm__time_sec(x) AS
    CASE WHEN x.h = '' THEN 0.0 ELSE
        ((CASE lower(x.ap) WHEN 'pm' THEN TRY_CAST(x.h AS INTEGER) % 12 + 12
                           WHEN 'am' THEN TRY_CAST(x.h AS INTEGER) % 12
                           ELSE TRY_CAST(x.h AS INTEGER) END) * 60
          + TRY_CAST(x.mi AS INTEGER)) * 60
        + coalesce(TRY_CAST(x.sec AS INTEGER), 0)
        + coalesce(TRY_CAST('0' || x.frac AS DOUBLE), 0)
        - smm__off_min(x.off) * 60
    END;

-- name: smm__mon_norm
-- Returns a month-name date text normalised for strptime: ordinals (5th) dropped, Sept → Sep, runs of spaces , . - → one space.
CREATE OR REPLACE MACRO smm__mon_norm(d) AS
    regexp_replace(
        regexp_replace(regexp_replace(d, '(?i)(\d)(?:st|nd|rd|th)', '\1', 'g'), '(?i)\bsept\b', 'Sep', 'g'),
        '[\s\p{Z}\x{FEFF}\x{200B},.\-]+', ' ', 'g');

-- name: smm__serial_days
-- Returns the Excel serial day number in the trimmed text d when d is a bare number from 20000 to 80000 (optionally with a fraction), else NULL.
CREATE OR REPLACE MACRO smm__serial_days(d) AS
    CASE WHEN regexp_full_match(d, '\d{5}(?:\.\d+)?') AND TRY_CAST(d AS DOUBLE) BETWEEN 20000 AND 80000
         THEN TRY_CAST(d AS DOUBLE) END;

-- name: smm__date_core
-- Returns the DATE written in the trimmed date-only text d (ISO-like, 年月日, yyyymmdd, Excel serial, d/m/yyyy forms by ord, English month names); NULL otherwise.
CREATE OR REPLACE MACRO smm__date_core(d, ord) AS
    CASE
        WHEN regexp_full_match(d, '\d{4}[-/.]\d{1,2}[-/.]\d{1,2}')
            THEN CAST(try_strptime(regexp_replace(d, '[/.]', '-', 'g'), '%Y-%m-%d') AS DATE)
        WHEN regexp_full_match(d, '\d{4}[\s\p{Z}\x{FEFF}\x{200B}]*年[\s\p{Z}]*\d{1,2}[\s\p{Z}]*月[\s\p{Z}]*\d{1,2}[\s\p{Z}]*[日号]?')
            THEN CAST(try_strptime(regexp_replace(d, '[^0-9年月]', '', 'g'), '%Y年%m月%d') AS DATE)
        WHEN regexp_full_match(d, '\d{8}')
            THEN CAST(try_strptime(d, '%Y%m%d') AS DATE)
        WHEN regexp_full_match(d, '\d{5}(?:\.\d+)?')
            THEN DATE '1899-12-30' + CAST(floor(smm__serial_days(d)) AS INTEGER)
        WHEN regexp_full_match(d, '\d{1,2}[-/.]\d{1,2}[-/.]\d{4}')
            THEN CASE lower(ord)
                     WHEN 'mdy' THEN CAST(try_strptime(regexp_replace(d, '[/.]', '-', 'g'), '%m-%d-%Y') AS DATE)
                     WHEN 'dmy' THEN CAST(try_strptime(regexp_replace(d, '[/.]', '-', 'g'), '%d-%m-%Y') AS DATE)
                 END
        WHEN regexp_full_match(d, '(?i)[a-z]{3,9}\.?[\s\p{Z}]+\d{1,2}(?:st|nd|rd|th)?[\s\p{Z}]*,?[\s\p{Z}]*\d{4}|\d{1,2}(?:st|nd|rd|th)?[\s\p{Z}\-]+[a-z]{3,9}\.?,?[\s\p{Z}\-]+\d{4}')
            THEN CAST(try_strptime(smm__mon_norm(d), ['%b %d %Y', '%B %d %Y', '%d %b %Y', '%d %B %Y']) AS DATE)
    END;

-- name: smm__iso_fast
-- Returns TRUE when s is exactly yyyy-mm-dd, optionally followed by [ T]HH:MM[:SS[.ffffff]] with a valid time: the forms TRY_CAST parses as written.
CREATE OR REPLACE MACRO smm__iso_fast(s) AS
    regexp_full_match(s, '\d{4}-\d\d-\d\d(?:[ T](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,6})?)?)?');

-- name: smm_date
-- Returns the DATE of s (ISO, 2026/03/05, 2026.03.05, 2026年3月5日, 20260305, timestamps → their written date, Excel serials, Mar 5, 2026 / 5 March 2026; 03/05/2026-style forms by ord 'mdy' | 'dmy', NULL for 'ymd'); NULL otherwise.
CREATE OR REPLACE MACRO smm_date(s, ord) AS
    coalesce(
        CASE WHEN smm__iso_fast(s) THEN TRY_CAST(s AS DATE) END,
        CASE WHEN contains(s, ':')
             THEN list_transform([smm__dt_split(s)], lambda smm__x:
                      CASE WHEN smm__time_ok(smm__x) THEN smm__date_core(smm__x.d, ord) END)[1]
             ELSE list_transform([smm__trim(s)], lambda smm__d: smm__date_core(smm__d, ord))[1]
        END);

-- name: smm_date_bad
-- Returns TRUE when s is non-NULL, not empty or a null token, and smm_date(s, ord) is NULL; FALSE otherwise.
CREATE OR REPLACE MACRO smm_date_bad(s, ord) AS
    CASE
        WHEN s IS NULL THEN false
        WHEN smm_date(s, ord) IS NOT NULL THEN false
        ELSE NOT smm__is_null_token(smm__trim(s))
    END;

-- name: smm_date_noyear
-- Returns the DATE in year yr for a month-day text without a year (August 31, Aug 31, 31 Aug, 08-06, 8/6, 8月6日, 08月06日); NULL otherwise.
CREATE OR REPLACE MACRO smm_date_noyear(s, yr) AS
    list_transform([smm__trim(s)], lambda smm__t: CASE
        WHEN regexp_full_match(smm__t, '\d{1,2}[\s\p{Z}]*[-/月][\s\p{Z}]*\d{1,2}[\s\p{Z}]*[日号]?')
            THEN try(make_date(CAST(yr AS INTEGER),
                               TRY_CAST(regexp_extract(smm__t, '^(\d+)', 1) AS INTEGER),
                               TRY_CAST(regexp_extract(smm__t, '(\d+)\D*$', 1) AS INTEGER)))
        WHEN regexp_full_match(smm__t, '(?i)[a-z]{3,9}\.?[\s\p{Z}]+\d{1,2}(?:st|nd|rd|th)?|\d{1,2}(?:st|nd|rd|th)?[\s\p{Z}\-]+[a-z]{3,9}\.?')
            THEN CAST(try_strptime(smm__mon_norm(smm__t) || ' ' || CAST(CAST(yr AS INTEGER) AS VARCHAR),
                                   ['%b %d %Y', '%B %d %Y', '%d %b %Y', '%d %B %Y']) AS DATE)
    END)[1];

-- name: smm_ts
-- Returns the naive TIMESTAMP of s (smm_date forms plus H:MM[:SS[.f]] [am|pm]); a trailing offset (Z, UTC, +0000, +08:00) is converted to UTC, none → as written; a date alone → midnight.
CREATE OR REPLACE MACRO smm_ts(s, ord) AS
    coalesce(
        CASE WHEN smm__iso_fast(s) THEN TRY_CAST(s AS TIMESTAMP) END,
        CASE WHEN contains(s, ':')
             THEN list_transform([smm__dt_split(s)], lambda smm__x: CASE WHEN smm__time_ok(smm__x) THEN
                      CAST(smm__date_core(smm__x.d, ord) AS TIMESTAMP)
                      + to_microseconds(CAST(round(smm__time_sec(smm__x) * 1000000) AS BIGINT)) END)[1]
             ELSE list_transform([smm__trim(s)], lambda smm__d: coalesce(
                      TIMESTAMP '1899-12-30 00:00:00'
                          + to_microseconds(CAST(round(smm__serial_days(smm__d) * 86400000) AS BIGINT) * 1000),
                      CAST(smm__date_core(smm__d, ord) AS TIMESTAMP)))[1]
        END);

-- name: smm_duration
-- Returns a duration in seconds: 00:03:25 / 3:25 → 205, 1:02:03 → 3723, 3分25秒 → 205, 1小时2分 → 3720, 1h 2m 3s, 125s → 125, a bare 12.5 → 12.5; NULL otherwise.
CREATE OR REPLACE MACRO smm_duration(s) AS
    coalesce(
        CASE WHEN smm__num_fast(s) >= 0 THEN smm__num_fast(s) END,
        list_transform(
            [regexp_extract(s, '^[\s\p{Z}\x{FEFF}\x{200B}]*(\d+):(\d{2})(?::(\d{2}))?(\.\d+)?[\s\p{Z}\x{FEFF}\x{200B}]*$', ['a', 'b', 'c', 'f'])],
            lambda smm__p: CASE
                WHEN smm__p.a = '' THEN NULL
                WHEN smm__p.c = '' THEN
                    CASE WHEN TRY_CAST(smm__p.b AS INTEGER) < 60
                         THEN TRY_CAST(smm__p.a AS DOUBLE) * 60 + TRY_CAST(smm__p.b AS INTEGER)
                              + coalesce(TRY_CAST('0' || smm__p.f AS DOUBLE), 0) END
                WHEN TRY_CAST(smm__p.b AS INTEGER) < 60 AND TRY_CAST(smm__p.c AS INTEGER) < 60
                    THEN TRY_CAST(smm__p.a AS DOUBLE) * 3600 + TRY_CAST(smm__p.b AS INTEGER) * 60 + TRY_CAST(smm__p.c AS INTEGER)
                         + coalesce(TRY_CAST('0' || smm__p.f AS DOUBLE), 0)
            END)[1],
        list_transform(
            [regexp_extract(s, '(?i)^[\s\p{Z}\x{FEFF}\x{200B}]*(?:(\d+(?:\.\d+)?)[\s\p{Z}\x{FEFF}\x{200B}]*(?:小时|时|hours?|hrs?|h)[\s\p{Z}\x{FEFF}\x{200B}]*)?(?:(\d+(?:\.\d+)?)[\s\p{Z}\x{FEFF}\x{200B}]*(?:分钟|分|minutes?|mins?|m)[\s\p{Z}\x{FEFF}\x{200B}]*)?(?:(\d+(?:\.\d+)?)[\s\p{Z}\x{FEFF}\x{200B}]*(?:秒钟|秒|seconds?|secs?|s))?[\s\p{Z}\x{FEFF}\x{200B}]*$',
                            ['h', 'm', 's'])],
            lambda smm__p: CASE WHEN smm__p.h <> '' OR smm__p.m <> '' OR smm__p.s <> '' THEN
                  coalesce(TRY_CAST(smm__p.h AS DOUBLE), 0) * 3600
                + coalesce(TRY_CAST(smm__p.m AS DOUBLE), 0) * 60
                + coalesce(TRY_CAST(smm__p.s AS DOUBLE), 0) END)[1]
    );

-- name: smm_duration_bad
-- Returns TRUE when s is non-NULL, not empty or a null token, and smm_duration(s) is NULL; FALSE otherwise.
CREATE OR REPLACE MACRO smm_duration_bad(s) AS
    CASE
        WHEN s IS NULL THEN false
        WHEN smm__is_null_token(smm__trim(s)) THEN false
        ELSE smm_duration(s) IS NULL
    END;

-- name: smm_text
-- Returns s trimmed, NULL when empty or a null token (-, --, N/A, …); any other text is returned unchanged.
CREATE OR REPLACE MACRO smm_text(s) AS
    CASE WHEN smm__is_null_token(smm__trim(s)) THEN NULL ELSE smm__trim(s) END;

-- name: smm_is_summary
-- Returns TRUE when s is a summary-row label (Total, Totals, Total:, Total: Account, Total - …, Grand total, Summary, 合计, 总计, 汇总, 总和, 全部, 小计); FALSE otherwise and for NULL.
CREATE OR REPLACE MACRO smm_is_summary(s) AS
    coalesce(regexp_full_match(lower(smm__trim(s)),
        '(?:totals?|grand[\s\p{Z}\x{FEFF}\x{200B}]*totals?|summary|合计|合計|总计|總計|汇总|彙總|總和|总和|全部|小计|小計)[\s\p{Z}\x{FEFF}\x{200B}]*[:：]?|total[\s\p{Z}\x{FEFF}\x{200B}]*(?:[:：(（]|[\-–—]).*'),
        false);

-- name: smm_neutralize
-- Returns s with an apostrophe in front when a spreadsheet would run it as a formula (it starts with = + - @, a tab or a CR and is not a plain number: optional sign, digits, decimal point, exponent); otherwise s unchanged. The rule of smm.export.neutralize, for exports written by DuckDB.
CREATE OR REPLACE MACRO smm_neutralize(s) AS
    CASE WHEN left(s, 1) IN ('=', '+', '-', '@', chr(9), chr(13))
              AND NOT regexp_full_match(s, '[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?')
         THEN '''' || s ELSE s END;

-- Six headline metrics written by hand in DuckDB SQL, independently of imx (portfolio values).
-- Inputs: views `raw_events`, `sites` and `holidays(calendar, day)` (the schema's holiday lists),
-- and the variable `as_of` (the data cut). Statements are separated by "-- name" lines; the
-- `setup` statement builds the clean events and the business-day calendar the others share.

-- name: setup
CREATE OR REPLACE TEMP TABLE ev AS
SELECT DISTINCT *
FROM raw_events
WHERE "at" IS NOT NULL AND "at" <= getvariable('as_of') AND study IS NOT NULL;

CREATE OR REPLACE TEMP TABLE cal AS
WITH days AS (
    SELECT c.calendar, c.zone, d::DATE AS day
    FROM (VALUES ('us', 'America/New_York'), ('eu', 'Europe/Berlin'), ('jp', 'Asia/Tokyo')) c(calendar, zone),
         generate_series(DATE '2023-01-01', DATE '2028-12-31', INTERVAL 1 DAY) g(d)
)
SELECT calendar, zone, day,
       sum(CASE WHEN isodow(day) < 6 AND NOT EXISTS (
               SELECT 1 FROM holidays h WHERE h.calendar = days.calendar AND h.day = days.day)
           THEN 1 ELSE 0 END) OVER (PARTITION BY calendar ORDER BY day) AS idx
FROM days;

CREATE OR REPLACE TEMP TABLE tp AS
SELECT e.study, e.site, e.subject, e.timepoint,
       min("at") FILTER (WHERE event = 'scan_acquired') AS acquired,
       min("at") FILTER (WHERE event = 'images_received') AS received,
       count(*) FILTER (WHERE event = 'timepoint_cancelled') > 0 AS cancelled,
       min("at") FILTER (WHERE event = 'qc_passed') AS qc_pass,
       min("at") FILTER (WHERE event = 'qc_failed') AS qc_fail,
       count(*) FILTER (WHERE event = 'query_opened') AS queries,
       count(*) FILTER (WHERE event = 'read_completed') AS reads,
       count(*) FILTER (WHERE event = 'discordance_flagged') > 0 AS discordant,
       coalesce(any_value(s.calendar), 'us') AS calendar,
       CASE coalesce(any_value(s.calendar), 'us') WHEN 'eu' THEN 'Europe/Berlin'
           WHEN 'jp' THEN 'Asia/Tokyo' ELSE 'America/New_York' END AS zone
FROM ev e LEFT JOIN sites s ON s.study = e.study AND s.site = e.site
GROUP BY e.study, e.site, e.subject, e.timepoint;

-- name: XFER-CT
WITH t AS (
    SELECT b.idx - a.idx AS bd
    FROM tp
    JOIN cal a ON a.calendar = tp.calendar AND a.day = CAST(tp.acquired AT TIME ZONE tp.zone AS DATE)
    JOIN cal b ON b.calendar = tp.calendar AND b.day = CAST(tp.received AT TIME ZONE tp.zone AS DATE)
    WHERE acquired IS NOT NULL AND NOT cancelled AND received IS NOT NULL
)
SELECT quantile_cont(bd, 0.5) AS value FROM t WHERE bd >= 0;

-- name: XFER-OT
-- The window is 3 business days, 2 for oncology studies and 1 for phase 3 oncology studies (the
-- stdlib's `oncology` and `onc-ph3` variants).
WITH t AS (
    SELECT tp.received, b.idx - a.idx AS bd,
           CASE WHEN st.therapeutic_area = 'oncology' AND st.phase = '3' THEN 1
                WHEN st.therapeutic_area = 'oncology' THEN 2 ELSE 3 END AS window_bd
    FROM tp
    LEFT JOIN studies st ON st.study = tp.study
    JOIN cal a ON a.calendar = tp.calendar AND a.day = CAST(tp.acquired AT TIME ZONE tp.zone AS DATE)
    JOIN cal b ON b.calendar = tp.calendar
        AND b.day = CAST(coalesce(tp.received, getvariable('as_of')) AT TIME ZONE tp.zone AS DATE)
    WHERE acquired IS NOT NULL AND NOT cancelled
      AND (received IS NULL OR received >= acquired)  -- negative durations are left out (rule 4)
)
SELECT count(*) FILTER (WHERE received IS NOT NULL AND bd <= window_bd)
     / count(*) FILTER (WHERE bd > window_bd OR received IS NOT NULL) AS value
FROM t;

-- name: QC-FPR
SELECT avg(CASE WHEN qc_fail IS NULL OR qc_pass <= qc_fail THEN 1.0 ELSE 0.0 END) AS value
FROM tp WHERE qc_pass IS NOT NULL OR qc_fail IS NOT NULL;

-- name: QRY-RATE
SELECT 100.0 * sum(queries) / count(*) AS value FROM tp WHERE received IS NOT NULL;

-- name: ADJ-TP
SELECT avg(CASE WHEN discordant THEN 1.0 ELSE 0.0 END) AS value FROM tp WHERE reads >= 2;

-- name: QRY-AGED
WITH q AS (
    SELECT min("at") FILTER (WHERE event = 'query_opened') AS opened,
           count(*) FILTER (WHERE event = 'query_closed') AS closed
    FROM ev
    GROUP BY study, site, subject, timepoint, "query"
)
SELECT avg(CASE WHEN epoch_us(getvariable('as_of')) - epoch_us(opened) > 30 * 86400000000
           THEN 1.0 ELSE 0.0 END) AS value
FROM q WHERE opened IS NOT NULL AND closed = 0;

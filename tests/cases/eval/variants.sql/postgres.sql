-- XFER-OT
WITH "imx_facts" AS (
  SELECT
    "e"."study" AS "k0",
    "e"."site" AS "k1",
    "e"."subject" AS "k2",
    "e"."timepoint" AS "k3",
    COUNT(*) FILTER(WHERE
      "e"."event" = 'scan_acquired') AS "f0",
    MIN("e"."at") FILTER(WHERE
      "e"."event" = 'scan_acquired') AS "f1",
    MIN("e"."at") FILTER(WHERE
      "e"."event" = 'images_received') AS "f2"
  FROM "events" AS "e"
  WHERE
    (
      (
        NOT "e"."study" IS NULL
      )
      AND (
        NOT "e"."site" IS NULL
      )
      AND (
        NOT "e"."subject" IS NULL
      )
      AND (
        NOT "e"."timepoint" IS NULL
      )
    )
  GROUP BY
    "e"."study",
    "e"."site",
    "e"."subject",
    "e"."timepoint"
), "imx_dims" AS (
  SELECT
    "f".*,
    "d0"."therapeutic_area" AS "a0",
    "d0"."phase" AS "a1"
  FROM "imx_facts" AS "f"
  LEFT JOIN "studies" AS "d0"
    ON "d0"."study" = "f"."k0"
), "imx_s0" AS (
  SELECT
    *,
    'us' AS "cal",
    CASE
      WHEN (
        (
          CASE
            WHEN (
              (
                "a0" = 'oncology'
              ) AND (
                "a1" = '3'
              )
            )
            THEN CAST(1 AS BIGINT)
            ELSE CAST(0 AS BIGINT)
          END = CAST(0 AS BIGINT)
        )
        AND (
          "a0" = 'oncology'
        )
      )
      THEN 'oncology'
      WHEN (
        (
          "a0" = 'oncology'
        ) AND (
          "a1" = '3'
        )
      )
      THEN 'late-phase'
      ELSE 'base'
    END AS "m0_layer"
  FROM "imx_dims"
), "imx_bd" AS (
  SELECT
    "s".*,
    "c_b0"."idx" AS "b0",
    "c_b1"."idx" AS "b1",
    "c_b2"."idx" AS "b2"
  FROM "imx_s0" AS "s"
  LEFT JOIN "imx_calendar" AS "c_b0"
    ON "c_b0"."calendar" = "s"."cal"
    AND "c_b0"."date" = CAST("s"."f1" AT TIME ZONE 'America/New_York' AS DATE)
  LEFT JOIN "imx_calendar" AS "c_b1"
    ON "c_b1"."calendar" = "s"."cal"
    AND "c_b1"."date" = CAST("s"."f2" AT TIME ZONE 'America/New_York' AS DATE)
  LEFT JOIN "imx_calendar" AS "c_b2"
    ON "c_b2"."calendar" = "s"."cal"
    AND "c_b2"."date" = CAST(CURRENT_TIMESTAMP AT TIME ZONE 'America/New_York' AS DATE)
), "imx_s1" AS (
  SELECT
    *,
    CAST("k0" AS TEXT) || '/' || CAST("k1" AS TEXT) || '/' || CAST("k2" AS TEXT) || '/' || CAST("k3" AS TEXT) AS "label",
    CASE WHEN "f0" > CAST(0 AS BIGINT) THEN TRUE ELSE FALSE END AS "m0_pop",
    CAST(NULL AS BIGINT) AS "m0_uex",
    CASE
      WHEN "m0_layer" = 'oncology'
      THEN CASE
        WHEN "f1" IS NULL
        THEN 'outside'
        WHEN "f2" < "f1"
        THEN 'negative'
        WHEN (
          "b1" - "b0"
        ) <= CAST(2.0 AS DOUBLE PRECISION)
        THEN 'met'
        WHEN NOT (
          "f2" IS NULL
        )
        THEN 'missed'
        WHEN (
          "b2" - "b0"
        ) > CAST(2.0 AS DOUBLE PRECISION)
        THEN 'missed'
        ELSE 'pending'
      END
      WHEN "m0_layer" = 'late-phase'
      THEN CASE
        WHEN "f1" IS NULL
        THEN 'outside'
        WHEN "f2" < "f1"
        THEN 'negative'
        WHEN (
          "b1" - "b0"
        ) <= CAST(2.0 AS DOUBLE PRECISION)
        THEN 'met'
        WHEN NOT (
          "f2" IS NULL
        )
        THEN 'missed'
        WHEN (
          "b2" - "b0"
        ) > CAST(2.0 AS DOUBLE PRECISION)
        THEN 'missed'
        ELSE 'pending'
      END
      ELSE CASE
        WHEN "f1" IS NULL
        THEN 'outside'
        WHEN "f2" < "f1"
        THEN 'negative'
        WHEN (
          "b1" - "b0"
        ) <= CAST(3.0 AS DOUBLE PRECISION)
        THEN 'met'
        WHEN NOT (
          "f2" IS NULL
        )
        THEN 'missed'
        WHEN (
          "b2" - "b0"
        ) > CAST(3.0 AS DOUBLE PRECISION)
        THEN 'missed'
        ELSE 'pending'
      END
    END AS "m0_raw",
    CAST(NULL AS DOUBLE PRECISION) AS "m0_val"
  FROM "imx_bd"
), "imx_units" AS MATERIALIZED (
  SELECT
    *,
    CASE
      WHEN NOT "m0_pop"
      THEN CAST(NULL AS BIGINT)
      WHEN NOT (
        "m0_uex" IS NULL
      )
      THEN "m0_uex"
      WHEN "m0_raw" = 'outside'
      THEN CAST(0 AS BIGINT)
      WHEN "m0_raw" = 'negative'
      THEN CAST(1 AS BIGINT)
      ELSE CAST(NULL AS BIGINT)
    END AS "m0_excl",
    CASE
      WHEN (
        (
          NOT "m0_pop"
        )
        OR (
          NOT (
            "m0_uex" IS NULL
          )
        )
        OR (
          "m0_raw" = 'outside'
        )
        OR (
          "m0_raw" = 'negative'
        )
      )
      THEN CAST(NULL AS TEXT)
      ELSE "m0_raw"
    END AS "m0_state"
  FROM "imx_s1"
)
SELECT
  *
FROM (
  SELECT
    'XFER-OT' AS "metric",
    '__all__' AS "level",
    CAST(NULL AS TEXT) AS "study",
    CAST(NULL AS TEXT) AS "site",
    CAST(NULL AS TEXT) AS "grp",
    CAST(NULL AS TEXT) AS "grp2",
    CAST(NULL AS BIGINT) AS "period",
    CAST(MIN("m0_layer") AS TEXT) AS "layer_min",
    CAST(MAX("m0_layer") AS TEXT) AS "layer_max",
    CAST(COUNT(*) FILTER(WHERE
      "m0_pop") AS BIGINT) AS "n_pop",
    CAST(COUNT(*) FILTER(WHERE
      "m0_excl" = CAST(0 AS BIGINT)) AS BIGINT) AS "x0",
    CAST(COUNT(*) FILTER(WHERE
      "m0_excl" = CAST(1 AS BIGINT)) AS BIGINT) AS "x1",
    CAST(COUNT(*) FILTER(WHERE
      "m0_state" = 'met') AS BIGINT) AS "met",
    CAST(COUNT(*) FILTER(WHERE
      "m0_state" = 'missed') AS BIGINT) AS "missed",
    CAST(COUNT(*) FILTER(WHERE
      "m0_state" = 'pending') AS BIGINT) AS "pending",
    CAST(COUNT(*) FILTER(WHERE
      "m0_state" = 'open') AS BIGINT) AS "open",
    CAST(COUNT(*) FILTER(WHERE
      "m0_state" = 'closed') AS BIGINT) AS "n_val",
    CAST(SUM("m0_val") FILTER(WHERE
      "m0_state" = 'closed') AS DOUBLE PRECISION) AS "v_sum",
    CAST((
      ARRAY_AGG(
        DISTINCT CASE WHEN "m0_excl" = CAST(1 AS BIGINT) THEN "label" END ORDER BY CASE WHEN "m0_excl" = CAST(1 AS BIGINT) THEN "label" END
      ) FILTER(WHERE
        NOT CASE WHEN "m0_excl" = CAST(1 AS BIGINT) THEN "label" END IS NULL)
    )[1:5] AS TEXT[]) AS "example"
  FROM "imx_units"
  UNION ALL
  SELECT
    'XFER-OT' AS "metric",
    'study' AS "level",
    CAST("k0" AS TEXT) AS "study",
    CAST(NULL AS TEXT) AS "site",
    CAST(NULL AS TEXT) AS "grp",
    CAST(NULL AS TEXT) AS "grp2",
    CAST(NULL AS BIGINT) AS "period",
    CAST(MIN("m0_layer") AS TEXT) AS "layer_min",
    CAST(MAX("m0_layer") AS TEXT) AS "layer_max",
    CAST(COUNT(*) FILTER(WHERE
      "m0_pop") AS BIGINT) AS "n_pop",
    CAST(COUNT(*) FILTER(WHERE
      "m0_excl" = CAST(0 AS BIGINT)) AS BIGINT) AS "x0",
    CAST(COUNT(*) FILTER(WHERE
      "m0_excl" = CAST(1 AS BIGINT)) AS BIGINT) AS "x1",
    CAST(COUNT(*) FILTER(WHERE
      "m0_state" = 'met') AS BIGINT) AS "met",
    CAST(COUNT(*) FILTER(WHERE
      "m0_state" = 'missed') AS BIGINT) AS "missed",
    CAST(COUNT(*) FILTER(WHERE
      "m0_state" = 'pending') AS BIGINT) AS "pending",
    CAST(COUNT(*) FILTER(WHERE
      "m0_state" = 'open') AS BIGINT) AS "open",
    CAST(COUNT(*) FILTER(WHERE
      "m0_state" = 'closed') AS BIGINT) AS "n_val",
    CAST(SUM("m0_val") FILTER(WHERE
      "m0_state" = 'closed') AS DOUBLE PRECISION) AS "v_sum",
    CAST((
      ARRAY_AGG(
        DISTINCT CASE WHEN "m0_excl" = CAST(1 AS BIGINT) THEN "label" END ORDER BY CASE WHEN "m0_excl" = CAST(1 AS BIGINT) THEN "label" END
      ) FILTER(WHERE
        NOT CASE WHEN "m0_excl" = CAST(1 AS BIGINT) THEN "label" END IS NULL)
    )[1:5] AS TEXT[]) AS "example"
  FROM "imx_units"
  GROUP BY
    CAST("k0" AS TEXT)
  UNION ALL
  SELECT
    'XFER-OT' AS "metric",
    'portfolio' AS "level",
    CAST(NULL AS TEXT) AS "study",
    CAST(NULL AS TEXT) AS "site",
    CAST(NULL AS TEXT) AS "grp",
    CAST(NULL AS TEXT) AS "grp2",
    CAST(NULL AS BIGINT) AS "period",
    CAST(MIN("m0_layer") AS TEXT) AS "layer_min",
    CAST(MAX("m0_layer") AS TEXT) AS "layer_max",
    CAST(COUNT(*) FILTER(WHERE
      "m0_pop") AS BIGINT) AS "n_pop",
    CAST(COUNT(*) FILTER(WHERE
      "m0_excl" = CAST(0 AS BIGINT)) AS BIGINT) AS "x0",
    CAST(COUNT(*) FILTER(WHERE
      "m0_excl" = CAST(1 AS BIGINT)) AS BIGINT) AS "x1",
    CAST(COUNT(*) FILTER(WHERE
      "m0_state" = 'met') AS BIGINT) AS "met",
    CAST(COUNT(*) FILTER(WHERE
      "m0_state" = 'missed') AS BIGINT) AS "missed",
    CAST(COUNT(*) FILTER(WHERE
      "m0_state" = 'pending') AS BIGINT) AS "pending",
    CAST(COUNT(*) FILTER(WHERE
      "m0_state" = 'open') AS BIGINT) AS "open",
    CAST(COUNT(*) FILTER(WHERE
      "m0_state" = 'closed') AS BIGINT) AS "n_val",
    CAST(SUM("m0_val") FILTER(WHERE
      "m0_state" = 'closed') AS DOUBLE PRECISION) AS "v_sum",
    CAST((
      ARRAY_AGG(
        DISTINCT CASE WHEN "m0_excl" = CAST(1 AS BIGINT) THEN "label" END ORDER BY CASE WHEN "m0_excl" = CAST(1 AS BIGINT) THEN "label" END
      ) FILTER(WHERE
        NOT CASE WHEN "m0_excl" = CAST(1 AS BIGINT) THEN "label" END IS NULL)
    )[1:5] AS TEXT[]) AS "example"
  FROM "imx_units"
  UNION ALL
  SELECT
    'XFER-OT' AS "metric",
    'by:therapeutic_area' AS "level",
    CAST(NULL AS TEXT) AS "study",
    CAST(NULL AS TEXT) AS "site",
    CAST("a0" AS TEXT) AS "grp",
    CAST(NULL AS TEXT) AS "grp2",
    CAST(NULL AS BIGINT) AS "period",
    CAST(MIN("m0_layer") AS TEXT) AS "layer_min",
    CAST(MAX("m0_layer") AS TEXT) AS "layer_max",
    CAST(COUNT(*) FILTER(WHERE
      "m0_pop") AS BIGINT) AS "n_pop",
    CAST(COUNT(*) FILTER(WHERE
      "m0_excl" = CAST(0 AS BIGINT)) AS BIGINT) AS "x0",
    CAST(COUNT(*) FILTER(WHERE
      "m0_excl" = CAST(1 AS BIGINT)) AS BIGINT) AS "x1",
    CAST(COUNT(*) FILTER(WHERE
      "m0_state" = 'met') AS BIGINT) AS "met",
    CAST(COUNT(*) FILTER(WHERE
      "m0_state" = 'missed') AS BIGINT) AS "missed",
    CAST(COUNT(*) FILTER(WHERE
      "m0_state" = 'pending') AS BIGINT) AS "pending",
    CAST(COUNT(*) FILTER(WHERE
      "m0_state" = 'open') AS BIGINT) AS "open",
    CAST(COUNT(*) FILTER(WHERE
      "m0_state" = 'closed') AS BIGINT) AS "n_val",
    CAST(SUM("m0_val") FILTER(WHERE
      "m0_state" = 'closed') AS DOUBLE PRECISION) AS "v_sum",
    CAST((
      ARRAY_AGG(
        DISTINCT CASE WHEN "m0_excl" = CAST(1 AS BIGINT) THEN "label" END ORDER BY CASE WHEN "m0_excl" = CAST(1 AS BIGINT) THEN "label" END
      ) FILTER(WHERE
        NOT CASE WHEN "m0_excl" = CAST(1 AS BIGINT) THEN "label" END IS NULL)
    )[1:5] AS TEXT[]) AS "example"
  FROM "imx_units"
  GROUP BY
    CAST("a0" AS TEXT)
) AS "imx_raw"

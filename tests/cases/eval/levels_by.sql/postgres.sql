-- READ-OT
WITH "imx_facts" AS (
  SELECT
    "e"."study" AS "k0",
    "e"."site" AS "k1",
    "e"."subject" AS "k2",
    "e"."timepoint" AS "k3",
    "e"."reader" AS "k4",
    COUNT(*) FILTER(WHERE
      "e"."event" = 'read_assigned') AS "f0",
    MIN("e"."at") FILTER(WHERE
      "e"."event" = 'read_assigned') AS "f1",
    MIN("e"."at") FILTER(WHERE
      "e"."event" = 'read_completed') AS "f2"
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
      AND (
        NOT "e"."reader" IS NULL
      )
    )
  GROUP BY
    "e"."study",
    "e"."site",
    "e"."subject",
    "e"."timepoint",
    "e"."reader"
), "imx_dims" AS (
  SELECT
    "f".*,
    "d0"."therapeutic_area" AS "a0",
    "d0"."vendor" AS "a1",
    "d1"."country" AS "a2"
  FROM "imx_facts" AS "f"
  LEFT JOIN "studies" AS "d0"
    ON "d0"."study" = "f"."k0"
  LEFT JOIN "sites" AS "d1"
    ON "d1"."study" = "f"."k0" AND "d1"."site" = "f"."k1"
), "imx_s0" AS (
  SELECT
    *,
    CAST(NULL AS TEXT) AS "cal",
    CASE WHEN "a0" = 'neurology' THEN 'neurology' ELSE 'base' END AS "m0_layer"
  FROM "imx_dims"
), "imx_s1" AS (
  SELECT
    *,
    CAST("k0" AS TEXT) || '/' || CAST("k1" AS TEXT) || '/' || CAST("k2" AS TEXT) || '/' || CAST("k3" AS TEXT) || '/' || CAST("k4" AS TEXT) AS "label",
    CASE WHEN "f0" > CAST(0 AS BIGINT) THEN TRUE ELSE FALSE END AS "m0_pop",
    CAST(NULL AS BIGINT) AS "m0_uex",
    CASE
      WHEN "f1" IS NULL
      THEN 'outside'
      WHEN "f2" < "f1"
      THEN 'negative'
      WHEN (
        CAST(CAST(EXTRACT(EPOCH FROM "f2" - "f1") * 1000000 AS BIGINT) AS DOUBLE PRECISION) / NULLIF(
          CAST(CAST(86400000000.0 AS DOUBLE PRECISION) AS DOUBLE PRECISION),
          CAST(0.0 AS DOUBLE PRECISION)
        )
      ) <= CAST(5.0 AS DOUBLE PRECISION)
      THEN 'met'
      WHEN NOT (
        "f2" IS NULL
      )
      THEN 'missed'
      WHEN (
        CAST(CAST(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP - "f1") * 1000000 AS BIGINT) AS DOUBLE PRECISION) / NULLIF(
          CAST(CAST(86400000000.0 AS DOUBLE PRECISION) AS DOUBLE PRECISION),
          CAST(0.0 AS DOUBLE PRECISION)
        )
      ) > CAST(5.0 AS DOUBLE PRECISION)
      THEN 'missed'
      ELSE 'pending'
    END AS "m0_raw",
    CAST(NULL AS DOUBLE PRECISION) AS "m0_val"
  FROM "imx_s0"
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
    'READ-OT' AS "metric",
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
    'READ-OT' AS "metric",
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
    'READ-OT' AS "metric",
    'by:reader' AS "level",
    CAST(NULL AS TEXT) AS "study",
    CAST(NULL AS TEXT) AS "site",
    CAST("k4" AS TEXT) AS "grp",
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
    CAST("k4" AS TEXT)
  UNION ALL
  SELECT
    'READ-OT' AS "metric",
    'by:vendor+therapeutic_area' AS "level",
    CAST(NULL AS TEXT) AS "study",
    CAST(NULL AS TEXT) AS "site",
    CAST("a1" AS TEXT) AS "grp",
    CAST("a0" AS TEXT) AS "grp2",
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
    CAST("a1" AS TEXT),
    CAST("a0" AS TEXT)
  UNION ALL
  SELECT
    'READ-OT' AS "metric",
    'by:country+reader' AS "level",
    CAST(NULL AS TEXT) AS "study",
    CAST(NULL AS TEXT) AS "site",
    CAST("a2" AS TEXT) AS "grp",
    CAST("k4" AS TEXT) AS "grp2",
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
    CAST("a2" AS TEXT),
    CAST("k4" AS TEXT)
  UNION ALL
  SELECT
    'READ-OT' AS "metric",
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
) AS "imx_raw"

-- TP-READ-TWICE
WITH "imx_facts" AS (
  SELECT
    "e"."study" AS "k0",
    "e"."site" AS "k1",
    "e"."subject" AS "k2",
    "e"."timepoint" AS "k3",
    COUNT(*) FILTER(WHERE
      "e"."event" = 'read_assigned') AS "f0",
    COUNT(*) FILTER(WHERE
      "e"."event" = 'read_completed') AS "f1",
    (
      ARRAY_AGG("e"."modality" ORDER BY "e"."at" ASC, "e"."modality" IS NULL, "e"."modality") FILTER(WHERE
        "e"."event" = 'images_received')
    )[1] AS "f2"
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
    "d0"."therapeutic_area" AS "a0"
  FROM "imx_facts" AS "f"
  LEFT JOIN "studies" AS "d0"
    ON "d0"."study" = "f"."k0"
), "imx_s0" AS (
  SELECT
    *,
    CAST(NULL AS TEXT) AS "cal",
    'base' AS "m0_layer"
  FROM "imx_dims"
), "imx_s1" AS (
  SELECT
    *,
    CAST("k0" AS TEXT) || '/' || CAST("k1" AS TEXT) || '/' || CAST("k2" AS TEXT) || '/' || CAST("k3" AS TEXT) AS "label",
    CASE WHEN "f0" > CAST(0 AS BIGINT) THEN TRUE ELSE FALSE END AS "m0_pop",
    CAST(NULL AS BIGINT) AS "m0_uex",
    CASE
      WHEN "f1" >= CAST(2.0 AS DOUBLE PRECISION)
      THEN 'met'
      WHEN NOT (
        "f1" >= CAST(2.0 AS DOUBLE PRECISION)
      )
      THEN 'missed'
      ELSE 'pending'
    END AS "m0_raw",
    CAST(NULL AS DOUBLE PRECISION) AS "m0_val"
  FROM "imx_s0"
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
      ELSE CAST(NULL AS BIGINT)
    END AS "m0_excl",
    CASE
      WHEN (
        (
          NOT "m0_pop"
        ) OR (
          NOT (
            "m0_uex" IS NULL
          )
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
    'TP-READ-TWICE' AS "metric",
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
    CAST(NULL AS TEXT[]) AS "example"
  FROM "imx_units"
  UNION ALL
  SELECT
    'TP-READ-TWICE' AS "metric",
    'by:modality' AS "level",
    CAST(NULL AS TEXT) AS "study",
    CAST(NULL AS TEXT) AS "site",
    CAST("f2" AS TEXT) AS "grp",
    CAST(NULL AS TEXT) AS "grp2",
    CAST(NULL AS BIGINT) AS "period",
    CAST(MIN("m0_layer") AS TEXT) AS "layer_min",
    CAST(MAX("m0_layer") AS TEXT) AS "layer_max",
    CAST(COUNT(*) FILTER(WHERE
      "m0_pop") AS BIGINT) AS "n_pop",
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
    CAST(NULL AS TEXT[]) AS "example"
  FROM "imx_units"
  GROUP BY
    CAST("f2" AS TEXT)
  UNION ALL
  SELECT
    'TP-READ-TWICE' AS "metric",
    'by:modality+therapeutic_area' AS "level",
    CAST(NULL AS TEXT) AS "study",
    CAST(NULL AS TEXT) AS "site",
    CAST("f2" AS TEXT) AS "grp",
    CAST("a0" AS TEXT) AS "grp2",
    CAST(NULL AS BIGINT) AS "period",
    CAST(MIN("m0_layer") AS TEXT) AS "layer_min",
    CAST(MAX("m0_layer") AS TEXT) AS "layer_max",
    CAST(COUNT(*) FILTER(WHERE
      "m0_pop") AS BIGINT) AS "n_pop",
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
    CAST(NULL AS TEXT[]) AS "example"
  FROM "imx_units"
  GROUP BY
    CAST("f2" AS TEXT),
    CAST("a0" AS TEXT)
  UNION ALL
  SELECT
    'TP-READ-TWICE' AS "metric",
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
    CAST(NULL AS TEXT[]) AS "example"
  FROM "imx_units"
) AS "imx_raw"

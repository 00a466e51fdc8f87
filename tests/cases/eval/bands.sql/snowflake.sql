-- ADJ-TP
WITH "imx_facts" AS (
  SELECT
    "e"."study" AS "k0",
    "e"."site" AS "k1",
    "e"."subject" AS "k2",
    "e"."timepoint" AS "k3",
    COUNT_IF("e"."event" = 'read_completed') AS "f0",
    COUNT_IF("e"."event" = 'discordance_flagged') AS "f1"
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
    "f".*
  FROM "imx_facts" AS "f"
), "imx_s0" AS (
  SELECT
    *,
    CAST(NULL AS VARCHAR) AS "cal",
    'base' AS "m0_layer"
  FROM "imx_dims"
), "imx_s1" AS (
  SELECT
    *,
    CAST("k0" AS VARCHAR) || '/' || CAST("k1" AS VARCHAR) || '/' || CAST("k2" AS VARCHAR) || '/' || CAST("k3" AS VARCHAR) AS "label",
    CASE WHEN "f0" >= CAST(2.0 AS DOUBLE) THEN TRUE ELSE FALSE END AS "m0_pop",
    CAST(NULL AS BIGINT) AS "m0_uex",
    CASE
      WHEN "f1" > CAST(0 AS BIGINT)
      THEN 'met'
      WHEN NOT (
        "f1" > CAST(0 AS BIGINT)
      )
      THEN 'missed'
      ELSE 'pending'
    END AS "m0_raw",
    CAST(NULL AS DOUBLE) AS "m0_val"
  FROM "imx_s0"
), "imx_units" AS (
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
      THEN CAST(NULL AS VARCHAR)
      ELSE "m0_raw"
    END AS "m0_state"
  FROM "imx_s1"
)
SELECT
  *
FROM (
  SELECT
    'ADJ-TP' AS "metric",
    '__all__' AS "level",
    CAST(NULL AS VARCHAR) AS "study",
    CAST(NULL AS VARCHAR) AS "site",
    CAST(NULL AS VARCHAR) AS "grp",
    CAST(NULL AS VARCHAR) AS "grp2",
    CAST(NULL AS BIGINT) AS "period",
    CAST(MIN("m0_layer") AS VARCHAR) AS "layer_min",
    CAST(MAX("m0_layer") AS VARCHAR) AS "layer_max",
    CAST(COUNT_IF("m0_pop") AS BIGINT) AS "n_pop",
    CAST(COUNT_IF("m0_state" = 'met') AS BIGINT) AS "met",
    CAST(COUNT_IF("m0_state" = 'missed') AS BIGINT) AS "missed",
    CAST(COUNT_IF("m0_state" = 'pending') AS BIGINT) AS "pending",
    CAST(COUNT_IF("m0_state" = 'open') AS BIGINT) AS "open",
    CAST(COUNT_IF("m0_state" = 'closed') AS BIGINT) AS "n_val",
    CAST(SUM(IFF("m0_state" = 'closed', "m0_val", NULL)) AS DOUBLE) AS "v_sum",
    CAST(NULL AS ARRAY(VARCHAR)) AS "example"
  FROM "imx_units"
  UNION ALL
  SELECT
    'ADJ-TP' AS "metric",
    'study' AS "level",
    CAST("k0" AS VARCHAR) AS "study",
    CAST(NULL AS VARCHAR) AS "site",
    CAST(NULL AS VARCHAR) AS "grp",
    CAST(NULL AS VARCHAR) AS "grp2",
    CAST(NULL AS BIGINT) AS "period",
    CAST(MIN("m0_layer") AS VARCHAR) AS "layer_min",
    CAST(MAX("m0_layer") AS VARCHAR) AS "layer_max",
    CAST(COUNT_IF("m0_pop") AS BIGINT) AS "n_pop",
    CAST(COUNT_IF("m0_state" = 'met') AS BIGINT) AS "met",
    CAST(COUNT_IF("m0_state" = 'missed') AS BIGINT) AS "missed",
    CAST(COUNT_IF("m0_state" = 'pending') AS BIGINT) AS "pending",
    CAST(COUNT_IF("m0_state" = 'open') AS BIGINT) AS "open",
    CAST(COUNT_IF("m0_state" = 'closed') AS BIGINT) AS "n_val",
    CAST(SUM(IFF("m0_state" = 'closed', "m0_val", NULL)) AS DOUBLE) AS "v_sum",
    CAST(NULL AS ARRAY(VARCHAR)) AS "example"
  FROM "imx_units"
  GROUP BY
    CAST("k0" AS VARCHAR)
  UNION ALL
  SELECT
    'ADJ-TP' AS "metric",
    'portfolio' AS "level",
    CAST(NULL AS VARCHAR) AS "study",
    CAST(NULL AS VARCHAR) AS "site",
    CAST(NULL AS VARCHAR) AS "grp",
    CAST(NULL AS VARCHAR) AS "grp2",
    CAST(NULL AS BIGINT) AS "period",
    CAST(MIN("m0_layer") AS VARCHAR) AS "layer_min",
    CAST(MAX("m0_layer") AS VARCHAR) AS "layer_max",
    CAST(COUNT_IF("m0_pop") AS BIGINT) AS "n_pop",
    CAST(COUNT_IF("m0_state" = 'met') AS BIGINT) AS "met",
    CAST(COUNT_IF("m0_state" = 'missed') AS BIGINT) AS "missed",
    CAST(COUNT_IF("m0_state" = 'pending') AS BIGINT) AS "pending",
    CAST(COUNT_IF("m0_state" = 'open') AS BIGINT) AS "open",
    CAST(COUNT_IF("m0_state" = 'closed') AS BIGINT) AS "n_val",
    CAST(SUM(IFF("m0_state" = 'closed', "m0_val", NULL)) AS DOUBLE) AS "v_sum",
    CAST(NULL AS ARRAY(VARCHAR)) AS "example"
  FROM "imx_units"
) AS "imx_raw"

-- QRY-RATE
WITH "imx_facts" AS (
  SELECT
    "e"."study" AS "k0",
    "e"."site" AS "k1",
    "e"."subject" AS "k2",
    "e"."timepoint" AS "k3",
    COUNT_IF("e"."event" = 'images_received') AS "f0",
    COUNT_IF("e"."event" = 'query_opened') AS "f1"
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
    CASE WHEN "f0" > CAST(0 AS BIGINT) THEN TRUE ELSE FALSE END AS "m0_pop",
    CAST(NULL AS BIGINT) AS "m0_uex",
    CASE WHEN "f1" IS NULL THEN 'nullval' ELSE 'closed' END AS "m0_raw",
    CAST("f1" AS DOUBLE) AS "m0_val"
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
      WHEN "m0_raw" = 'nullval'
      THEN CAST(0 AS BIGINT)
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
          "m0_raw" = 'nullval'
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
    'QRY-RATE' AS "metric",
    '__all__' AS "level",
    CAST(NULL AS VARCHAR) AS "study",
    CAST(NULL AS VARCHAR) AS "site",
    CAST(NULL AS VARCHAR) AS "grp",
    CAST(NULL AS VARCHAR) AS "grp2",
    CAST(NULL AS BIGINT) AS "period",
    CAST(MIN("m0_layer") AS VARCHAR) AS "layer_min",
    CAST(MAX("m0_layer") AS VARCHAR) AS "layer_max",
    CAST(COUNT_IF("m0_pop") AS BIGINT) AS "n_pop",
    CAST(COUNT_IF("m0_excl" = CAST(0 AS BIGINT)) AS BIGINT) AS "x0",
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
    'QRY-RATE' AS "metric",
    'portfolio' AS "level",
    CAST(NULL AS VARCHAR) AS "study",
    CAST(NULL AS VARCHAR) AS "site",
    CAST(NULL AS VARCHAR) AS "grp",
    CAST(NULL AS VARCHAR) AS "grp2",
    CAST(NULL AS BIGINT) AS "period",
    CAST(MIN("m0_layer") AS VARCHAR) AS "layer_min",
    CAST(MAX("m0_layer") AS VARCHAR) AS "layer_max",
    CAST(COUNT_IF("m0_pop") AS BIGINT) AS "n_pop",
    CAST(COUNT_IF("m0_excl" = CAST(0 AS BIGINT)) AS BIGINT) AS "x0",
    CAST(COUNT_IF("m0_state" = 'met') AS BIGINT) AS "met",
    CAST(COUNT_IF("m0_state" = 'missed') AS BIGINT) AS "missed",
    CAST(COUNT_IF("m0_state" = 'pending') AS BIGINT) AS "pending",
    CAST(COUNT_IF("m0_state" = 'open') AS BIGINT) AS "open",
    CAST(COUNT_IF("m0_state" = 'closed') AS BIGINT) AS "n_val",
    CAST(SUM(IFF("m0_state" = 'closed', "m0_val", NULL)) AS DOUBLE) AS "v_sum",
    CAST(NULL AS ARRAY(VARCHAR)) AS "example"
  FROM "imx_units"
) AS "imx_raw"

-- QRY-N
WITH "imx_facts" AS (
  SELECT
    "e"."study" AS "k0",
    "e"."site" AS "k1",
    "e"."subject" AS "k2",
    "e"."timepoint" AS "k3",
    COUNT_IF("e"."event" = 'query_opened') AS "f0"
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
    TRUE AS "m0_pop",
    CAST(NULL AS BIGINT) AS "m0_uex",
    CASE WHEN "f0" IS NULL THEN 'nullval' ELSE 'closed' END AS "m0_raw",
    CAST("f0" AS DOUBLE) AS "m0_val"
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
      WHEN "m0_raw" = 'nullval'
      THEN CAST(0 AS BIGINT)
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
          "m0_raw" = 'nullval'
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
    'QRY-N' AS "metric",
    '__all__' AS "level",
    CAST(NULL AS VARCHAR) AS "study",
    CAST(NULL AS VARCHAR) AS "site",
    CAST(NULL AS VARCHAR) AS "grp",
    CAST(NULL AS VARCHAR) AS "grp2",
    CAST(NULL AS BIGINT) AS "period",
    CAST(MIN("m0_layer") AS VARCHAR) AS "layer_min",
    CAST(MAX("m0_layer") AS VARCHAR) AS "layer_max",
    CAST(COUNT_IF("m0_pop") AS BIGINT) AS "n_pop",
    CAST(COUNT_IF("m0_excl" = CAST(0 AS BIGINT)) AS BIGINT) AS "x0",
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
    'QRY-N' AS "metric",
    'portfolio' AS "level",
    CAST(NULL AS VARCHAR) AS "study",
    CAST(NULL AS VARCHAR) AS "site",
    CAST(NULL AS VARCHAR) AS "grp",
    CAST(NULL AS VARCHAR) AS "grp2",
    CAST(NULL AS BIGINT) AS "period",
    CAST(MIN("m0_layer") AS VARCHAR) AS "layer_min",
    CAST(MAX("m0_layer") AS VARCHAR) AS "layer_max",
    CAST(COUNT_IF("m0_pop") AS BIGINT) AS "n_pop",
    CAST(COUNT_IF("m0_excl" = CAST(0 AS BIGINT)) AS BIGINT) AS "x0",
    CAST(COUNT_IF("m0_state" = 'met') AS BIGINT) AS "met",
    CAST(COUNT_IF("m0_state" = 'missed') AS BIGINT) AS "missed",
    CAST(COUNT_IF("m0_state" = 'pending') AS BIGINT) AS "pending",
    CAST(COUNT_IF("m0_state" = 'open') AS BIGINT) AS "open",
    CAST(COUNT_IF("m0_state" = 'closed') AS BIGINT) AS "n_val",
    CAST(SUM(IFF("m0_state" = 'closed', "m0_val", NULL)) AS DOUBLE) AS "v_sum",
    CAST(NULL AS ARRAY(VARCHAR)) AS "example"
  FROM "imx_units"
) AS "imx_raw"

-- QRY-TP
WITH "imx_facts" AS (
  SELECT
    "e"."study" AS "k0",
    "e"."site" AS "k1",
    "e"."subject" AS "k2",
    "e"."timepoint" AS "k3",
    COUNT_IF("e"."event" = 'query_opened') AS "f0"
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
    TRUE AS "m0_pop",
    CAST(NULL AS BIGINT) AS "m0_uex",
    'closed' AS "m0_raw",
    CASE
      WHEN "f0" > CAST(0 AS BIGINT)
      THEN CAST(1.0 AS DOUBLE)
      ELSE CAST(0.0 AS DOUBLE)
    END AS "m0_val"
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
    'QRY-TP' AS "metric",
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
    'QRY-TP' AS "metric",
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

-- READS
WITH "imx_facts" AS (
  SELECT
    "e"."study" AS "k0",
    "e"."site" AS "k1",
    "e"."subject" AS "k2",
    "e"."timepoint" AS "k3",
    COUNT_IF("e"."event" = 'read_completed') AS "f0"
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
    TRUE AS "m0_pop",
    CAST(NULL AS BIGINT) AS "m0_uex",
    CASE WHEN "f0" IS NULL THEN 'nullval' ELSE 'closed' END AS "m0_raw",
    CAST("f0" AS DOUBLE) AS "m0_val"
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
      WHEN "m0_raw" = 'nullval'
      THEN CAST(0 AS BIGINT)
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
          "m0_raw" = 'nullval'
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
    'READS' AS "metric",
    '__all__' AS "level",
    CAST(NULL AS VARCHAR) AS "study",
    CAST(NULL AS VARCHAR) AS "site",
    CAST(NULL AS VARCHAR) AS "grp",
    CAST(NULL AS VARCHAR) AS "grp2",
    CAST(NULL AS BIGINT) AS "period",
    CAST(MIN("m0_layer") AS VARCHAR) AS "layer_min",
    CAST(MAX("m0_layer") AS VARCHAR) AS "layer_max",
    CAST(COUNT_IF("m0_pop") AS BIGINT) AS "n_pop",
    CAST(COUNT_IF("m0_excl" = CAST(0 AS BIGINT)) AS BIGINT) AS "x0",
    CAST(COUNT_IF("m0_state" = 'met') AS BIGINT) AS "met",
    CAST(COUNT_IF("m0_state" = 'missed') AS BIGINT) AS "missed",
    CAST(COUNT_IF("m0_state" = 'pending') AS BIGINT) AS "pending",
    CAST(COUNT_IF("m0_state" = 'open') AS BIGINT) AS "open",
    CAST(COUNT_IF("m0_state" = 'closed') AS BIGINT) AS "n_val",
    CAST(SUM(IFF("m0_state" = 'closed', "m0_val", NULL)) AS DOUBLE) AS "v_sum",
    CAST(NULL AS DOUBLE) AS "st0",
    CAST(NULL AS ARRAY(VARCHAR)) AS "example"
  FROM "imx_units"
  UNION ALL
  SELECT
    'READS' AS "metric",
    'portfolio' AS "level",
    CAST(NULL AS VARCHAR) AS "study",
    CAST(NULL AS VARCHAR) AS "site",
    CAST(NULL AS VARCHAR) AS "grp",
    CAST(NULL AS VARCHAR) AS "grp2",
    CAST(NULL AS BIGINT) AS "period",
    CAST(MIN("m0_layer") AS VARCHAR) AS "layer_min",
    CAST(MAX("m0_layer") AS VARCHAR) AS "layer_max",
    CAST(COUNT_IF("m0_pop") AS BIGINT) AS "n_pop",
    CAST(COUNT_IF("m0_excl" = CAST(0 AS BIGINT)) AS BIGINT) AS "x0",
    CAST(COUNT_IF("m0_state" = 'met') AS BIGINT) AS "met",
    CAST(COUNT_IF("m0_state" = 'missed') AS BIGINT) AS "missed",
    CAST(COUNT_IF("m0_state" = 'pending') AS BIGINT) AS "pending",
    CAST(COUNT_IF("m0_state" = 'open') AS BIGINT) AS "open",
    CAST(COUNT_IF("m0_state" = 'closed') AS BIGINT) AS "n_val",
    CAST(SUM(IFF("m0_state" = 'closed', "m0_val", NULL)) AS DOUBLE) AS "v_sum",
    CAST(NULL AS DOUBLE) AS "st0",
    CAST(NULL AS ARRAY(VARCHAR)) AS "example"
  FROM "imx_units"
) AS "imx_raw"

-- QC-FPR
WITH "imx_facts" AS (
  SELECT
    "e"."study" AS "k0",
    "e"."site" AS "k1",
    "e"."subject" AS "k2",
    "e"."timepoint" AS "k3",
    COUNT_IF("e"."event" = 'qc_passed') AS "f0",
    COUNT_IF("e"."event" = 'qc_failed') AS "f1",
    MIN(IFF("e"."event" = 'qc_passed', "e"."at", NULL)) AS "f2",
    MIN(IFF("e"."event" = 'qc_failed', "e"."at", NULL)) AS "f3"
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
    CASE
      WHEN (
        (
          "f0" > CAST(0 AS BIGINT)
        ) OR (
          "f1" > CAST(0 AS BIGINT)
        )
      )
      THEN TRUE
      ELSE FALSE
    END AS "m0_pop",
    CAST(NULL AS BIGINT) AS "m0_uex",
    CASE
      WHEN CASE
        WHEN (
          (
            NOT (
              "f2" IS NULL
            )
          )
          AND (
            (
              "f3" IS NULL
            ) OR (
              "f2" <= "f3"
            )
          )
        )
        THEN 'qc_passed'
        WHEN (
          (
            NOT (
              "f3" IS NULL
            )
          )
          AND (
            (
              "f2" IS NULL
            ) OR (
              "f3" < "f2"
            )
          )
        )
        THEN 'qc_failed'
        ELSE CAST(NULL AS VARCHAR)
      END = 'qc_passed'
      THEN 'met'
      WHEN NOT (
        CASE
          WHEN (
            (
              NOT (
                "f2" IS NULL
              )
            )
            AND (
              (
                "f3" IS NULL
              ) OR (
                "f2" <= "f3"
              )
            )
          )
          THEN 'qc_passed'
          WHEN (
            (
              NOT (
                "f3" IS NULL
              )
            )
            AND (
              (
                "f2" IS NULL
              ) OR (
                "f3" < "f2"
              )
            )
          )
          THEN 'qc_failed'
          ELSE CAST(NULL AS VARCHAR)
        END = 'qc_passed'
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
    'QC-FPR' AS "metric",
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
    'QC-FPR' AS "metric",
    'site' AS "level",
    CAST("k0" AS VARCHAR) AS "study",
    CAST("k1" AS VARCHAR) AS "site",
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
    CAST("k0" AS VARCHAR),
    CAST("k1" AS VARCHAR)
  UNION ALL
  SELECT
    'QC-FPR' AS "metric",
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

-- QC-BACKLOG
WITH "imx_firsts" AS (
  SELECT
    "e"."study" AS "k0",
    "e"."site" AS "k1",
    "e"."subject" AS "k2",
    "e"."timepoint" AS "k3",
    MIN("e"."at") FILTER(WHERE
      "e"."event" = 'images_received') AS "f0",
    MIN("e"."at") FILTER(WHERE
      "e"."event" = 'qc_passed') AS "f1",
    MIN("e"."at") AS "imx_b"
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
), "imx_facts" AS (
  SELECT
    "r"."k0",
    "r"."k1",
    "r"."k2",
    "r"."k3",
    CASE WHEN "r"."f0" <= "c"."cut" THEN "r"."f0" END AS "f0",
    CASE WHEN "r"."f1" <= "c"."cut" THEN "r"."f1" END AS "f1",
    "c"."pk" AS "imx_cut_pk",
    "c"."cut" AS "imx_cut"
  FROM "imx_firsts" AS "r"
  INNER JOIN "imx_cuts" AS "c"
    ON "c"."grain" = 'month' AND "c"."cut" >= "r"."imx_b"
), "imx_dims" AS (
  SELECT
    "f".*
  FROM "imx_facts" AS "f"
), "imx_s0" AS (
  SELECT
    *,
    'eu' AS "cal",
    'base' AS "m0_layer"
  FROM "imx_dims"
), "imx_s1" AS (
  SELECT
    *,
    CAST("k0" AS TEXT) || '/' || CAST("k1" AS TEXT) || '/' || CAST("k2" AS TEXT) || '/' || CAST("k3" AS TEXT) AS "label",
    CASE
      WHEN (
        (
          NOT (
            "f0" IS NULL
          )
        )
        AND (
          NOT (
            NOT (
              "f1" IS NULL
            )
          )
        )
      )
      THEN TRUE
      ELSE FALSE
    END AS "m0_pop",
    CAST(NULL AS BIGINT) AS "m0_uex",
    'closed' AS "m0_raw",
    CASE
      WHEN (
        CAST(CAST(EXTRACT(EPOCH FROM "imx_cut" - "f0") * 1000000 AS BIGINT) AS DOUBLE PRECISION) / NULLIF(
          CAST(CAST(86400000000.0 AS DOUBLE PRECISION) AS DOUBLE PRECISION),
          CAST(0.0 AS DOUBLE PRECISION)
        )
      ) > CAST(5.0 AS DOUBLE PRECISION)
      THEN CAST(1.0 AS DOUBLE PRECISION)
      ELSE CAST(0.0 AS DOUBLE PRECISION)
    END AS "m0_val",
    "imx_cut_pk" AS "m0_pk"
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
    'QC-BACKLOG' AS "metric",
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
  WHERE
    "imx_cut_pk" IS NULL
  UNION ALL
  SELECT
    'QC-BACKLOG' AS "metric",
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
  WHERE
    "imx_cut_pk" IS NULL
  GROUP BY
    CAST("k0" AS TEXT)
  UNION ALL
  SELECT
    'QC-BACKLOG' AS "metric",
    'study' AS "level",
    CAST("k0" AS TEXT) AS "study",
    CAST(NULL AS TEXT) AS "site",
    CAST(NULL AS TEXT) AS "grp",
    CAST(NULL AS TEXT) AS "grp2",
    "m0_pk" AS "period",
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
  WHERE
    NOT "m0_pk" IS NULL
  GROUP BY
    CAST("k0" AS TEXT),
    "m0_pk"
  UNION ALL
  SELECT
    'QC-BACKLOG' AS "metric",
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
  WHERE
    "imx_cut_pk" IS NULL
  UNION ALL
  SELECT
    'QC-BACKLOG' AS "metric",
    'portfolio' AS "level",
    CAST(NULL AS TEXT) AS "study",
    CAST(NULL AS TEXT) AS "site",
    CAST(NULL AS TEXT) AS "grp",
    CAST(NULL AS TEXT) AS "grp2",
    "m0_pk" AS "period",
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
  WHERE
    NOT "m0_pk" IS NULL
  GROUP BY
    "m0_pk"
) AS "imx_raw"

-- RECV-OT
WITH "imx_firsts" AS (
  SELECT
    "e"."study" AS "k0",
    "e"."site" AS "k1",
    "e"."subject" AS "k2",
    "e"."timepoint" AS "k3",
    MIN("e"."at") FILTER(WHERE
      "e"."event" = 'scan_acquired') AS "f0",
    MIN("e"."at") FILTER(WHERE
      "e"."event" = 'images_received') AS "f1",
    MIN("e"."at") AS "imx_b"
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
), "imx_facts" AS (
  SELECT
    "r"."k0",
    "r"."k1",
    "r"."k2",
    "r"."k3",
    CASE WHEN "r"."f0" <= "c"."cut" THEN "r"."f0" END AS "f0",
    CASE WHEN "r"."f1" <= "c"."cut" THEN "r"."f1" END AS "f1",
    "c"."pk" AS "imx_cut_pk",
    "c"."cut" AS "imx_cut"
  FROM "imx_firsts" AS "r"
  INNER JOIN "imx_cuts" AS "c"
    ON "c"."grain" = 'month' AND "c"."cut" >= "r"."imx_b"
), "imx_dims" AS (
  SELECT
    "f".*
  FROM "imx_facts" AS "f"
), "imx_s0" AS (
  SELECT
    *,
    'eu' AS "cal",
    'base' AS "m0_layer"
  FROM "imx_dims"
), "imx_s1" AS (
  SELECT
    *,
    CAST("k0" AS TEXT) || '/' || CAST("k1" AS TEXT) || '/' || CAST("k2" AS TEXT) || '/' || CAST("k3" AS TEXT) AS "label",
    CASE WHEN NOT (
      "f0" IS NULL
    ) THEN TRUE ELSE FALSE END AS "m0_pop",
    CAST(NULL AS BIGINT) AS "m0_uex",
    CASE
      WHEN "f0" IS NULL
      THEN 'outside'
      WHEN "f1" < "f0"
      THEN 'negative'
      WHEN (
        CAST(CAST(EXTRACT(EPOCH FROM "f1" - "f0") * 1000000 AS BIGINT) AS DOUBLE PRECISION) / NULLIF(
          CAST(CAST(86400000000.0 AS DOUBLE PRECISION) AS DOUBLE PRECISION),
          CAST(0.0 AS DOUBLE PRECISION)
        )
      ) <= CAST(3.0 AS DOUBLE PRECISION)
      THEN 'met'
      WHEN NOT (
        "f1" IS NULL
      )
      THEN 'missed'
      WHEN (
        CAST(CAST(EXTRACT(EPOCH FROM "imx_cut" - "f0") * 1000000 AS BIGINT) AS DOUBLE PRECISION) / NULLIF(
          CAST(CAST(86400000000.0 AS DOUBLE PRECISION) AS DOUBLE PRECISION),
          CAST(0.0 AS DOUBLE PRECISION)
        )
      ) > CAST(3.0 AS DOUBLE PRECISION)
      THEN 'missed'
      ELSE 'pending'
    END AS "m0_raw",
    CAST(NULL AS DOUBLE PRECISION) AS "m0_val",
    "imx_cut_pk" AS "m0_pk"
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
    'RECV-OT' AS "metric",
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
  WHERE
    "imx_cut_pk" IS NULL
  UNION ALL
  SELECT
    'RECV-OT' AS "metric",
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
  WHERE
    "imx_cut_pk" IS NULL
  GROUP BY
    CAST("k0" AS TEXT)
  UNION ALL
  SELECT
    'RECV-OT' AS "metric",
    'study' AS "level",
    CAST("k0" AS TEXT) AS "study",
    CAST(NULL AS TEXT) AS "site",
    CAST(NULL AS TEXT) AS "grp",
    CAST(NULL AS TEXT) AS "grp2",
    "m0_pk" AS "period",
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
  WHERE
    NOT "m0_pk" IS NULL
  GROUP BY
    CAST("k0" AS TEXT),
    "m0_pk"
  UNION ALL
  SELECT
    'RECV-OT' AS "metric",
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
  WHERE
    "imx_cut_pk" IS NULL
  UNION ALL
  SELECT
    'RECV-OT' AS "metric",
    'portfolio' AS "level",
    CAST(NULL AS TEXT) AS "study",
    CAST(NULL AS TEXT) AS "site",
    CAST(NULL AS TEXT) AS "grp",
    CAST(NULL AS TEXT) AS "grp2",
    "m0_pk" AS "period",
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
  WHERE
    NOT "m0_pk" IS NULL
  GROUP BY
    "m0_pk"
) AS "imx_raw"

-- QC-TIME
WITH "imx_firsts" AS (
  SELECT
    "e"."study" AS "k0",
    "e"."site" AS "k1",
    "e"."subject" AS "k2",
    "e"."timepoint" AS "k3",
    MIN("e"."at") FILTER(WHERE
      "e"."event" = 'images_received') AS "f0",
    MIN("e"."at") FILTER(WHERE
      "e"."event" = 'qc_passed') AS "f1",
    MIN("e"."at") AS "imx_b"
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
), "imx_facts" AS (
  SELECT
    "r"."k0",
    "r"."k1",
    "r"."k2",
    "r"."k3",
    CASE WHEN "r"."f0" <= "c"."cut" THEN "r"."f0" END AS "f0",
    CASE WHEN "r"."f1" <= "c"."cut" THEN "r"."f1" END AS "f1",
    "c"."pk" AS "imx_cut_pk",
    "c"."cut" AS "imx_cut"
  FROM "imx_firsts" AS "r"
  INNER JOIN "imx_cuts" AS "c"
    ON "c"."grain" = 'month' AND "c"."cut" >= "r"."imx_b"
), "imx_dims" AS (
  SELECT
    "f".*
  FROM "imx_facts" AS "f"
), "imx_s0" AS (
  SELECT
    *,
    'eu' AS "cal",
    'base' AS "m0_layer"
  FROM "imx_dims"
), "imx_s1" AS (
  SELECT
    *,
    CAST("k0" AS TEXT) || '/' || CAST("k1" AS TEXT) || '/' || CAST("k2" AS TEXT) || '/' || CAST("k3" AS TEXT) AS "label",
    TRUE AS "m0_pop",
    CAST(NULL AS BIGINT) AS "m0_uex",
    CASE
      WHEN "f0" IS NULL
      THEN 'outside'
      WHEN "f1" IS NULL
      THEN 'open'
      WHEN "f1" < "f0"
      THEN 'negative'
      ELSE 'closed'
    END AS "m0_raw",
    CAST(EXTRACT(EPOCH FROM "f1" - "f0") * 1000000 AS BIGINT) AS "m0_val",
    "imx_cut_pk" AS "m0_pk"
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
    'QC-TIME' AS "metric",
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
    CAST(PERCENTILE_CONT(CAST(0.5 AS DOUBLE PRECISION)) WITHIN GROUP (ORDER BY
      "m0_val") FILTER(WHERE
      "m0_state" = 'closed') AS DOUBLE PRECISION) AS "st0",
    CAST((
      ARRAY_AGG(
        DISTINCT CASE WHEN "m0_excl" = CAST(1 AS BIGINT) THEN "label" END ORDER BY CASE WHEN "m0_excl" = CAST(1 AS BIGINT) THEN "label" END
      ) FILTER(WHERE
        NOT CASE WHEN "m0_excl" = CAST(1 AS BIGINT) THEN "label" END IS NULL)
    )[1:5] AS TEXT[]) AS "example"
  FROM "imx_units"
  WHERE
    "imx_cut_pk" IS NULL
  UNION ALL
  SELECT
    'QC-TIME' AS "metric",
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
    CAST(PERCENTILE_CONT(CAST(0.5 AS DOUBLE PRECISION)) WITHIN GROUP (ORDER BY
      "m0_val") FILTER(WHERE
      "m0_state" = 'closed') AS DOUBLE PRECISION) AS "st0",
    CAST((
      ARRAY_AGG(
        DISTINCT CASE WHEN "m0_excl" = CAST(1 AS BIGINT) THEN "label" END ORDER BY CASE WHEN "m0_excl" = CAST(1 AS BIGINT) THEN "label" END
      ) FILTER(WHERE
        NOT CASE WHEN "m0_excl" = CAST(1 AS BIGINT) THEN "label" END IS NULL)
    )[1:5] AS TEXT[]) AS "example"
  FROM "imx_units"
  WHERE
    "imx_cut_pk" IS NULL
  UNION ALL
  SELECT
    'QC-TIME' AS "metric",
    'portfolio' AS "level",
    CAST(NULL AS TEXT) AS "study",
    CAST(NULL AS TEXT) AS "site",
    CAST(NULL AS TEXT) AS "grp",
    CAST(NULL AS TEXT) AS "grp2",
    "m0_pk" AS "period",
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
    CAST(PERCENTILE_CONT(CAST(0.5 AS DOUBLE PRECISION)) WITHIN GROUP (ORDER BY
      "m0_val") FILTER(WHERE
      "m0_state" = 'closed') AS DOUBLE PRECISION) AS "st0",
    CAST((
      ARRAY_AGG(
        DISTINCT CASE WHEN "m0_excl" = CAST(1 AS BIGINT) THEN "label" END ORDER BY CASE WHEN "m0_excl" = CAST(1 AS BIGINT) THEN "label" END
      ) FILTER(WHERE
        NOT CASE WHEN "m0_excl" = CAST(1 AS BIGINT) THEN "label" END IS NULL)
    )[1:5] AS TEXT[]) AS "example"
  FROM "imx_units"
  WHERE
    NOT "m0_pk" IS NULL
  GROUP BY
    "m0_pk"
) AS "imx_raw"

-- QC-PASSES
WITH "imx_buckets" AS (
  SELECT
    "e"."study" AS "k0",
    "e"."site" AS "k1",
    "e"."subject" AS "k2",
    "e"."timepoint" AS "k3",
    COUNT(*) FILTER(WHERE
      "e"."event" = 'qc_passed') AS "f0",
    (
      CAST(EXTRACT(YEAR FROM "e"."at" AT TIME ZONE 'Europe/Berlin') AS BIGINT) * CAST(100 AS BIGINT) + CAST(EXTRACT(MONTH FROM "e"."at" AT TIME ZONE 'Europe/Berlin') AS BIGINT)
    ) AS "imx_b"
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
    "e"."timepoint",
    (
      CAST(EXTRACT(YEAR FROM "e"."at" AT TIME ZONE 'Europe/Berlin') AS BIGINT) * CAST(100 AS BIGINT) + CAST(EXTRACT(MONTH FROM "e"."at" AT TIME ZONE 'Europe/Berlin') AS BIGINT)
    )
), "imx_runs" AS (
  SELECT
    "k0",
    "k1",
    "k2",
    "k3",
    "imx_b",
    LEAD("imx_b") OVER (PARTITION BY "k0", "k1", "k2", "k3" ORDER BY "imx_b") AS "imx_next",
    CAST(SUM("f0") OVER (
      PARTITION BY "k0", "k1", "k2", "k3"
      ORDER BY "imx_b"
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS BIGINT) AS "f0"
  FROM "imx_buckets"
), "imx_facts" AS (
  SELECT
    "r"."k0",
    "r"."k1",
    "r"."k2",
    "r"."k3",
    "r"."f0",
    "c"."pk" AS "imx_cut_pk",
    "c"."cut" AS "imx_cut"
  FROM "imx_runs" AS "r"
  INNER JOIN "imx_cuts" AS "c"
    ON "c"."grain" = 'month'
    AND (
      "c"."bucket" >= "r"."imx_b"
      AND (
        "r"."imx_next" IS NULL OR "c"."bucket" < "r"."imx_next"
      )
    )
), "imx_dims" AS (
  SELECT
    "f".*
  FROM "imx_facts" AS "f"
), "imx_s0" AS (
  SELECT
    *,
    'eu' AS "cal",
    'base' AS "m0_layer"
  FROM "imx_dims"
), "imx_s1" AS (
  SELECT
    *,
    CAST("k0" AS TEXT) || '/' || CAST("k1" AS TEXT) || '/' || CAST("k2" AS TEXT) || '/' || CAST("k3" AS TEXT) AS "label",
    TRUE AS "m0_pop",
    CAST(NULL AS BIGINT) AS "m0_uex",
    CASE WHEN "f0" IS NULL THEN 'nullval' ELSE 'closed' END AS "m0_raw",
    CAST("f0" AS DOUBLE PRECISION) AS "m0_val",
    "imx_cut_pk" AS "m0_pk"
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
      THEN CAST(NULL AS TEXT)
      ELSE "m0_raw"
    END AS "m0_state"
  FROM "imx_s1"
)
SELECT
  *
FROM (
  SELECT
    'QC-PASSES' AS "metric",
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
  WHERE
    "imx_cut_pk" IS NULL
  UNION ALL
  SELECT
    'QC-PASSES' AS "metric",
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
  WHERE
    "imx_cut_pk" IS NULL
  UNION ALL
  SELECT
    'QC-PASSES' AS "metric",
    'portfolio' AS "level",
    CAST(NULL AS TEXT) AS "study",
    CAST(NULL AS TEXT) AS "site",
    CAST(NULL AS TEXT) AS "grp",
    CAST(NULL AS TEXT) AS "grp2",
    "m0_pk" AS "period",
    CAST(MIN("m0_layer") AS TEXT) AS "layer_min",
    CAST(MAX("m0_layer") AS TEXT) AS "layer_max",
    CAST(COUNT(*) FILTER(WHERE
      "m0_pop") AS BIGINT) AS "n_pop",
    CAST(COUNT(*) FILTER(WHERE
      "m0_excl" = CAST(0 AS BIGINT)) AS BIGINT) AS "x0",
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
  WHERE
    NOT "m0_pk" IS NULL
  GROUP BY
    "m0_pk"
) AS "imx_raw"

-- SCAN-DAYS
WITH "imx_facts" AS (
  SELECT
    "e"."study" AS "k0",
    "e"."site" AS "k1",
    "e"."subject" AS "k2",
    "e"."timepoint" AS "k3",
    COUNT(
      DISTINCT CASE
        WHEN "e"."event" = 'scan_acquired'
        THEN CAST("e"."at" AT TIME ZONE 'Europe/Berlin' AS DATE)
      END
    ) AS "f0",
    "c"."pk" AS "imx_cut_pk",
    "c"."cut" AS "imx_cut"
  FROM "events" AS "e"
  INNER JOIN "imx_cuts" AS "c"
    ON "c"."grain" = 'month' AND "e"."at" <= "c"."cut"
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
    "e"."timepoint",
    "c"."pk",
    "c"."cut"
), "imx_dims" AS (
  SELECT
    "f".*
  FROM "imx_facts" AS "f"
), "imx_s0" AS (
  SELECT
    *,
    'eu' AS "cal",
    'base' AS "m0_layer"
  FROM "imx_dims"
), "imx_s1" AS (
  SELECT
    *,
    CAST("k0" AS TEXT) || '/' || CAST("k1" AS TEXT) || '/' || CAST("k2" AS TEXT) || '/' || CAST("k3" AS TEXT) AS "label",
    TRUE AS "m0_pop",
    CAST(NULL AS BIGINT) AS "m0_uex",
    CASE WHEN "f0" IS NULL THEN 'nullval' ELSE 'closed' END AS "m0_raw",
    CAST("f0" AS DOUBLE PRECISION) AS "m0_val",
    "imx_cut_pk" AS "m0_pk"
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
      THEN CAST(NULL AS TEXT)
      ELSE "m0_raw"
    END AS "m0_state"
  FROM "imx_s1"
)
SELECT
  *
FROM (
  SELECT
    'SCAN-DAYS' AS "metric",
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
    CAST(NULL AS DOUBLE PRECISION) AS "st0",
    CAST(NULL AS TEXT[]) AS "example"
  FROM "imx_units"
  WHERE
    "imx_cut_pk" IS NULL
  UNION ALL
  SELECT
    'SCAN-DAYS' AS "metric",
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
    CAST(NULL AS DOUBLE PRECISION) AS "st0",
    CAST(NULL AS TEXT[]) AS "example"
  FROM "imx_units"
  WHERE
    "imx_cut_pk" IS NULL
  UNION ALL
  SELECT
    'SCAN-DAYS' AS "metric",
    'portfolio' AS "level",
    CAST(NULL AS TEXT) AS "study",
    CAST(NULL AS TEXT) AS "site",
    CAST(NULL AS TEXT) AS "grp",
    CAST(NULL AS TEXT) AS "grp2",
    "m0_pk" AS "period",
    CAST(MIN("m0_layer") AS TEXT) AS "layer_min",
    CAST(MAX("m0_layer") AS TEXT) AS "layer_max",
    CAST(COUNT(*) FILTER(WHERE
      "m0_pop") AS BIGINT) AS "n_pop",
    CAST(COUNT(*) FILTER(WHERE
      "m0_excl" = CAST(0 AS BIGINT)) AS BIGINT) AS "x0",
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
    CAST(NULL AS DOUBLE PRECISION) AS "st0",
    CAST(NULL AS TEXT[]) AS "example"
  FROM "imx_units"
  WHERE
    NOT "m0_pk" IS NULL
  GROUP BY
    "m0_pk"
) AS "imx_raw"

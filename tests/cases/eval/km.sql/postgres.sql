-- TAT
WITH "imx_facts" AS (
  SELECT
    "e"."study" AS "k0",
    "e"."site" AS "k1",
    "e"."subject" AS "k2",
    "e"."timepoint" AS "k3",
    MIN("e"."at") FILTER(WHERE
      "e"."event" = 'scan_acquired') AS "f0",
    MIN("e"."at") FILTER(WHERE
      "e"."event" = 'images_received') AS "f1"
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
    CAST(NULL AS TEXT) AS "cal",
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
    CAST(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP - "f0") * 1000000 AS BIGINT) AS "m0_cen"
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
    'TAT' AS "metric",
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
    CAST(MIN("imx_km_t") FILTER(WHERE
      "imx_km_e" = 1
      AND (
        "imx_km_z" = 1 OR "imx_km_ls" <= CAST(-0.6931471785599453 AS DOUBLE PRECISION)
      )) AS DOUBLE PRECISION) AS "st0",
    CAST(PERCENTILE_CONT(CAST(0.5 AS DOUBLE PRECISION)) WITHIN GROUP (ORDER BY
      "m0_val") FILTER(WHERE
      "m0_state" = 'closed') AS DOUBLE PRECISION) AS "st1",
    CAST(MIN("imx_km_t") FILTER(WHERE
      "imx_km_e" = 1
      AND (
        "imx_km_z" = 1 OR "imx_km_ls" <= CAST(-2.302585082994046 AS DOUBLE PRECISION)
      )) AS DOUBLE PRECISION) AS "st2",
    CAST((
      ARRAY_AGG(
        DISTINCT CASE WHEN "m0_excl" = CAST(1 AS BIGINT) THEN "label" END ORDER BY CASE WHEN "m0_excl" = CAST(1 AS BIGINT) THEN "label" END
      ) FILTER(WHERE
        NOT CASE WHEN "m0_excl" = CAST(1 AS BIGINT) THEN "label" END IS NULL)
    )[1:5] AS TEXT[]) AS "example"
  FROM (
    SELECT
      *,
      SUM(
        CASE
          WHEN "imx_km_r" = 1 AND "imx_km_d" > 0 AND "imx_km_d" < "imx_km_n"
          THEN LN(
            CAST(1.0 AS DOUBLE PRECISION) - CAST("imx_km_d" AS DOUBLE PRECISION) / CAST("imx_km_n" AS DOUBLE PRECISION)
          )
          ELSE CAST(0.0 AS DOUBLE PRECISION)
        END
      ) OVER (ORDER BY "imx_km_t" ASC) AS "imx_km_ls",
      MAX(CASE WHEN "imx_km_d" > 0 AND "imx_km_d" = "imx_km_n" THEN 1 ELSE 0 END) OVER (ORDER BY "imx_km_t" ASC) AS "imx_km_z"
    FROM (
      SELECT
        *,
        COUNT("imx_km_t") OVER (ORDER BY "imx_km_t" DESC NULLS LAST) AS "imx_km_n",
        SUM("imx_km_e") OVER (PARTITION BY "imx_km_t") AS "imx_km_d",
        ROW_NUMBER() OVER (PARTITION BY "imx_km_t" ORDER BY "imx_km_t" ASC) AS "imx_km_r"
      FROM (
        SELECT
          *,
          CASE
            WHEN (
              (
                "m0_state" = 'closed'
              ) OR (
                "m0_state" = 'open'
              )
            )
            THEN CASE WHEN "m0_state" = 'open' THEN "m0_cen" ELSE "m0_val" END
          END AS "imx_km_t",
          CASE
            WHEN (
              (
                "m0_state" = 'closed'
              ) OR (
                "m0_state" = 'open'
              )
            )
            AND "m0_state" = 'closed'
            THEN 1
            ELSE 0
          END AS "imx_km_e"
        FROM "imx_units"
      ) AS "imx_km0"
    ) AS "imx_km1"
  ) AS "imx_km2"
  UNION ALL
  SELECT
    'TAT' AS "metric",
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
    CAST(MIN("imx_km_t") FILTER(WHERE
      "imx_km_e" = 1
      AND (
        "imx_km_z" = 1 OR "imx_km_ls" <= CAST(-0.6931471785599453 AS DOUBLE PRECISION)
      )) AS DOUBLE PRECISION) AS "st0",
    CAST(PERCENTILE_CONT(CAST(0.5 AS DOUBLE PRECISION)) WITHIN GROUP (ORDER BY
      "m0_val") FILTER(WHERE
      "m0_state" = 'closed') AS DOUBLE PRECISION) AS "st1",
    CAST(MIN("imx_km_t") FILTER(WHERE
      "imx_km_e" = 1
      AND (
        "imx_km_z" = 1 OR "imx_km_ls" <= CAST(-2.302585082994046 AS DOUBLE PRECISION)
      )) AS DOUBLE PRECISION) AS "st2",
    CAST((
      ARRAY_AGG(
        DISTINCT CASE WHEN "m0_excl" = CAST(1 AS BIGINT) THEN "label" END ORDER BY CASE WHEN "m0_excl" = CAST(1 AS BIGINT) THEN "label" END
      ) FILTER(WHERE
        NOT CASE WHEN "m0_excl" = CAST(1 AS BIGINT) THEN "label" END IS NULL)
    )[1:5] AS TEXT[]) AS "example"
  FROM (
    SELECT
      *,
      SUM(
        CASE
          WHEN "imx_km_r" = 1 AND "imx_km_d" > 0 AND "imx_km_d" < "imx_km_n"
          THEN LN(
            CAST(1.0 AS DOUBLE PRECISION) - CAST("imx_km_d" AS DOUBLE PRECISION) / CAST("imx_km_n" AS DOUBLE PRECISION)
          )
          ELSE CAST(0.0 AS DOUBLE PRECISION)
        END
      ) OVER (PARTITION BY CAST("k0" AS TEXT) ORDER BY "imx_km_t" ASC) AS "imx_km_ls",
      MAX(CASE WHEN "imx_km_d" > 0 AND "imx_km_d" = "imx_km_n" THEN 1 ELSE 0 END) OVER (PARTITION BY CAST("k0" AS TEXT) ORDER BY "imx_km_t" ASC) AS "imx_km_z"
    FROM (
      SELECT
        *,
        COUNT("imx_km_t") OVER (PARTITION BY CAST("k0" AS TEXT) ORDER BY "imx_km_t" DESC NULLS LAST) AS "imx_km_n",
        SUM("imx_km_e") OVER (PARTITION BY CAST("k0" AS TEXT), "imx_km_t") AS "imx_km_d",
        ROW_NUMBER() OVER (PARTITION BY CAST("k0" AS TEXT), "imx_km_t" ORDER BY "imx_km_t" ASC) AS "imx_km_r"
      FROM (
        SELECT
          *,
          CASE
            WHEN (
              (
                "m0_state" = 'closed'
              ) OR (
                "m0_state" = 'open'
              )
            )
            THEN CASE WHEN "m0_state" = 'open' THEN "m0_cen" ELSE "m0_val" END
          END AS "imx_km_t",
          CASE
            WHEN (
              (
                "m0_state" = 'closed'
              ) OR (
                "m0_state" = 'open'
              )
            )
            AND "m0_state" = 'closed'
            THEN 1
            ELSE 0
          END AS "imx_km_e"
        FROM "imx_units"
      ) AS "imx_km0"
    ) AS "imx_km1"
  ) AS "imx_km2"
  GROUP BY
    CAST("k0" AS TEXT)
  UNION ALL
  SELECT
    'TAT' AS "metric",
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
    CAST(MIN("imx_km_t") FILTER(WHERE
      "imx_km_e" = 1
      AND (
        "imx_km_z" = 1 OR "imx_km_ls" <= CAST(-0.6931471785599453 AS DOUBLE PRECISION)
      )) AS DOUBLE PRECISION) AS "st0",
    CAST(PERCENTILE_CONT(CAST(0.5 AS DOUBLE PRECISION)) WITHIN GROUP (ORDER BY
      "m0_val") FILTER(WHERE
      "m0_state" = 'closed') AS DOUBLE PRECISION) AS "st1",
    CAST(MIN("imx_km_t") FILTER(WHERE
      "imx_km_e" = 1
      AND (
        "imx_km_z" = 1 OR "imx_km_ls" <= CAST(-2.302585082994046 AS DOUBLE PRECISION)
      )) AS DOUBLE PRECISION) AS "st2",
    CAST((
      ARRAY_AGG(
        DISTINCT CASE WHEN "m0_excl" = CAST(1 AS BIGINT) THEN "label" END ORDER BY CASE WHEN "m0_excl" = CAST(1 AS BIGINT) THEN "label" END
      ) FILTER(WHERE
        NOT CASE WHEN "m0_excl" = CAST(1 AS BIGINT) THEN "label" END IS NULL)
    )[1:5] AS TEXT[]) AS "example"
  FROM (
    SELECT
      *,
      SUM(
        CASE
          WHEN "imx_km_r" = 1 AND "imx_km_d" > 0 AND "imx_km_d" < "imx_km_n"
          THEN LN(
            CAST(1.0 AS DOUBLE PRECISION) - CAST("imx_km_d" AS DOUBLE PRECISION) / CAST("imx_km_n" AS DOUBLE PRECISION)
          )
          ELSE CAST(0.0 AS DOUBLE PRECISION)
        END
      ) OVER (ORDER BY "imx_km_t" ASC) AS "imx_km_ls",
      MAX(CASE WHEN "imx_km_d" > 0 AND "imx_km_d" = "imx_km_n" THEN 1 ELSE 0 END) OVER (ORDER BY "imx_km_t" ASC) AS "imx_km_z"
    FROM (
      SELECT
        *,
        COUNT("imx_km_t") OVER (ORDER BY "imx_km_t" DESC NULLS LAST) AS "imx_km_n",
        SUM("imx_km_e") OVER (PARTITION BY "imx_km_t") AS "imx_km_d",
        ROW_NUMBER() OVER (PARTITION BY "imx_km_t" ORDER BY "imx_km_t" ASC) AS "imx_km_r"
      FROM (
        SELECT
          *,
          CASE
            WHEN (
              (
                "m0_state" = 'closed'
              ) OR (
                "m0_state" = 'open'
              )
            )
            THEN CASE WHEN "m0_state" = 'open' THEN "m0_cen" ELSE "m0_val" END
          END AS "imx_km_t",
          CASE
            WHEN (
              (
                "m0_state" = 'closed'
              ) OR (
                "m0_state" = 'open'
              )
            )
            AND "m0_state" = 'closed'
            THEN 1
            ELSE 0
          END AS "imx_km_e"
        FROM "imx_units"
      ) AS "imx_km0"
    ) AS "imx_km1"
  ) AS "imx_km2"
) AS "imx_raw"

-- HRS
WITH "imx_facts" AS (
  SELECT
    "e"."study" AS "k0",
    "e"."site" AS "k1",
    "e"."subject" AS "k2",
    "e"."timepoint" AS "k3",
    MIN("e"."at") FILTER(WHERE
      "e"."event" = 'scan_acquired') AS "f0",
    MIN("e"."at") FILTER(WHERE
      "e"."event" = 'images_received') AS "f1"
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
    CAST(NULL AS TEXT) AS "cal",
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
    CAST(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP - "f0") * 1000000 AS BIGINT) AS "m0_cen"
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
    'HRS' AS "metric",
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
    CAST(MIN("imx_km_t") FILTER(WHERE
      "imx_km_e" = 1
      AND (
        "imx_km_z" = 1 OR "imx_km_ls" <= CAST(-0.6931471785599453 AS DOUBLE PRECISION)
      )) AS DOUBLE PRECISION) AS "st0",
    CAST((
      ARRAY_AGG(
        DISTINCT CASE WHEN "m0_excl" = CAST(1 AS BIGINT) THEN "label" END ORDER BY CASE WHEN "m0_excl" = CAST(1 AS BIGINT) THEN "label" END
      ) FILTER(WHERE
        NOT CASE WHEN "m0_excl" = CAST(1 AS BIGINT) THEN "label" END IS NULL)
    )[1:5] AS TEXT[]) AS "example"
  FROM (
    SELECT
      *,
      SUM(
        CASE
          WHEN "imx_km_r" = 1 AND "imx_km_d" > 0 AND "imx_km_d" < "imx_km_n"
          THEN LN(
            CAST(1.0 AS DOUBLE PRECISION) - CAST("imx_km_d" AS DOUBLE PRECISION) / CAST("imx_km_n" AS DOUBLE PRECISION)
          )
          ELSE CAST(0.0 AS DOUBLE PRECISION)
        END
      ) OVER (ORDER BY "imx_km_t" ASC) AS "imx_km_ls",
      MAX(CASE WHEN "imx_km_d" > 0 AND "imx_km_d" = "imx_km_n" THEN 1 ELSE 0 END) OVER (ORDER BY "imx_km_t" ASC) AS "imx_km_z"
    FROM (
      SELECT
        *,
        COUNT("imx_km_t") OVER (ORDER BY "imx_km_t" DESC NULLS LAST) AS "imx_km_n",
        SUM("imx_km_e") OVER (PARTITION BY "imx_km_t") AS "imx_km_d",
        ROW_NUMBER() OVER (PARTITION BY "imx_km_t" ORDER BY "imx_km_t" ASC) AS "imx_km_r"
      FROM (
        SELECT
          *,
          CASE
            WHEN (
              (
                "m0_state" = 'closed'
              ) OR (
                "m0_state" = 'open'
              )
            )
            THEN CASE WHEN "m0_state" = 'open' THEN "m0_cen" ELSE "m0_val" END
          END AS "imx_km_t",
          CASE
            WHEN (
              (
                "m0_state" = 'closed'
              ) OR (
                "m0_state" = 'open'
              )
            )
            AND "m0_state" = 'closed'
            THEN 1
            ELSE 0
          END AS "imx_km_e"
        FROM "imx_units"
      ) AS "imx_km0"
    ) AS "imx_km1"
  ) AS "imx_km2"
  UNION ALL
  SELECT
    'HRS' AS "metric",
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
    CAST(MIN("imx_km_t") FILTER(WHERE
      "imx_km_e" = 1
      AND (
        "imx_km_z" = 1 OR "imx_km_ls" <= CAST(-0.6931471785599453 AS DOUBLE PRECISION)
      )) AS DOUBLE PRECISION) AS "st0",
    CAST((
      ARRAY_AGG(
        DISTINCT CASE WHEN "m0_excl" = CAST(1 AS BIGINT) THEN "label" END ORDER BY CASE WHEN "m0_excl" = CAST(1 AS BIGINT) THEN "label" END
      ) FILTER(WHERE
        NOT CASE WHEN "m0_excl" = CAST(1 AS BIGINT) THEN "label" END IS NULL)
    )[1:5] AS TEXT[]) AS "example"
  FROM (
    SELECT
      *,
      SUM(
        CASE
          WHEN "imx_km_r" = 1 AND "imx_km_d" > 0 AND "imx_km_d" < "imx_km_n"
          THEN LN(
            CAST(1.0 AS DOUBLE PRECISION) - CAST("imx_km_d" AS DOUBLE PRECISION) / CAST("imx_km_n" AS DOUBLE PRECISION)
          )
          ELSE CAST(0.0 AS DOUBLE PRECISION)
        END
      ) OVER (ORDER BY "imx_km_t" ASC) AS "imx_km_ls",
      MAX(CASE WHEN "imx_km_d" > 0 AND "imx_km_d" = "imx_km_n" THEN 1 ELSE 0 END) OVER (ORDER BY "imx_km_t" ASC) AS "imx_km_z"
    FROM (
      SELECT
        *,
        COUNT("imx_km_t") OVER (ORDER BY "imx_km_t" DESC NULLS LAST) AS "imx_km_n",
        SUM("imx_km_e") OVER (PARTITION BY "imx_km_t") AS "imx_km_d",
        ROW_NUMBER() OVER (PARTITION BY "imx_km_t" ORDER BY "imx_km_t" ASC) AS "imx_km_r"
      FROM (
        SELECT
          *,
          CASE
            WHEN (
              (
                "m0_state" = 'closed'
              ) OR (
                "m0_state" = 'open'
              )
            )
            THEN CASE WHEN "m0_state" = 'open' THEN "m0_cen" ELSE "m0_val" END
          END AS "imx_km_t",
          CASE
            WHEN (
              (
                "m0_state" = 'closed'
              ) OR (
                "m0_state" = 'open'
              )
            )
            AND "m0_state" = 'closed'
            THEN 1
            ELSE 0
          END AS "imx_km_e"
        FROM "imx_units"
      ) AS "imx_km0"
    ) AS "imx_km1"
  ) AS "imx_km2"
) AS "imx_raw"

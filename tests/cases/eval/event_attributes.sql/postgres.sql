-- MRI-XFER
WITH "imx_facts" AS (
  SELECT
    "e"."study" AS "k0",
    "e"."site" AS "k1",
    "e"."subject" AS "k2",
    "e"."timepoint" AS "k3",
    MIN("e"."at") FILTER(WHERE
      (
        (
          "e"."event" = 'scan_acquired'
        ) AND (
          "e"."modality" = 'MRI'
        )
      )) AS "f0",
    MIN("e"."at") FILTER(WHERE
      (
        (
          "e"."event" = 'images_received'
        ) AND (
          "e"."modality" = 'MRI'
        )
      )) AS "f1"
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
    "d0"."calendar" AS "a0"
  FROM "imx_facts" AS "f"
  LEFT JOIN "sites" AS "d0"
    ON "d0"."study" = "f"."k0" AND "d0"."site" = "f"."k1"
), "imx_s0" AS (
  SELECT
    *,
    CASE
      WHEN (
        (
          "a0" = 'utc'
        ) OR (
          "a0" = 'tokyo'
        )
      )
      THEN "a0"
      ELSE 'utc'
    END AS "cal",
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
      WHEN "f1" < "f0"
      THEN 'negative'
      WHEN (
        CAST(CAST(EXTRACT(EPOCH FROM "f1" - "f0") * 1000000 AS BIGINT) AS DOUBLE PRECISION) / NULLIF(
          CAST(CAST(86400000000.0 AS DOUBLE PRECISION) AS DOUBLE PRECISION),
          CAST(0.0 AS DOUBLE PRECISION)
        )
      ) <= CAST(2.0 AS DOUBLE PRECISION)
      THEN 'met'
      WHEN NOT (
        "f1" IS NULL
      )
      THEN 'missed'
      WHEN (
        CAST(CAST(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP - "f0") * 1000000 AS BIGINT) AS DOUBLE PRECISION) / NULLIF(
          CAST(CAST(86400000000.0 AS DOUBLE PRECISION) AS DOUBLE PRECISION),
          CAST(0.0 AS DOUBLE PRECISION)
        )
      ) > CAST(2.0 AS DOUBLE PRECISION)
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
    'MRI-XFER' AS "metric",
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
    'MRI-XFER' AS "metric",
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

-- QRY-IQ
WITH "imx_facts" AS (
  SELECT
    "e"."study" AS "k0",
    "e"."site" AS "k1",
    "e"."subject" AS "k2",
    "e"."timepoint" AS "k3",
    COUNT(*) FILTER(WHERE
      (
        (
          "e"."event" = 'query_opened'
        ) AND (
          "e"."reason" = 'image_quality'
        )
      )) AS "f0"
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
    "d0"."calendar" AS "a0"
  FROM "imx_facts" AS "f"
  LEFT JOIN "sites" AS "d0"
    ON "d0"."study" = "f"."k0" AND "d0"."site" = "f"."k1"
), "imx_s0" AS (
  SELECT
    *,
    CASE
      WHEN (
        (
          "a0" = 'utc'
        ) OR (
          "a0" = 'tokyo'
        )
      )
      THEN "a0"
      ELSE 'utc'
    END AS "cal",
    'base' AS "m0_layer"
  FROM "imx_dims"
), "imx_s1" AS (
  SELECT
    *,
    CAST("k0" AS TEXT) || '/' || CAST("k1" AS TEXT) || '/' || CAST("k2" AS TEXT) || '/' || CAST("k3" AS TEXT) AS "label",
    TRUE AS "m0_pop",
    CAST(NULL AS BIGINT) AS "m0_uex",
    CASE WHEN "f0" IS NULL THEN 'nullval' ELSE 'closed' END AS "m0_raw",
    CAST("f0" AS DOUBLE PRECISION) AS "m0_val"
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
    'QRY-IQ' AS "metric",
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
  UNION ALL
  SELECT
    'QRY-IQ' AS "metric",
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
) AS "imx_raw"

-- QRY-OTHER
WITH "imx_facts" AS (
  SELECT
    "e"."study" AS "k0",
    "e"."site" AS "k1",
    "e"."subject" AS "k2",
    "e"."timepoint" AS "k3",
    COUNT(*) FILTER(WHERE
      (
        (
          "e"."event" = 'query_opened'
        ) AND (
          "e"."reason" <> 'image_quality'
        )
      )) AS "f0"
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
    "d0"."calendar" AS "a0"
  FROM "imx_facts" AS "f"
  LEFT JOIN "sites" AS "d0"
    ON "d0"."study" = "f"."k0" AND "d0"."site" = "f"."k1"
), "imx_s0" AS (
  SELECT
    *,
    CASE
      WHEN (
        (
          "a0" = 'utc'
        ) OR (
          "a0" = 'tokyo'
        )
      )
      THEN "a0"
      ELSE 'utc'
    END AS "cal",
    'base' AS "m0_layer"
  FROM "imx_dims"
), "imx_s1" AS (
  SELECT
    *,
    CAST("k0" AS TEXT) || '/' || CAST("k1" AS TEXT) || '/' || CAST("k2" AS TEXT) || '/' || CAST("k3" AS TEXT) AS "label",
    TRUE AS "m0_pop",
    CAST(NULL AS BIGINT) AS "m0_uex",
    CASE WHEN "f0" IS NULL THEN 'nullval' ELSE 'closed' END AS "m0_raw",
    CAST("f0" AS DOUBLE PRECISION) AS "m0_val"
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
    'QRY-OTHER' AS "metric",
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
  UNION ALL
  SELECT
    'QRY-OTHER' AS "metric",
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
) AS "imx_raw"

-- DEV-MAJOR
WITH "imx_facts" AS (
  SELECT
    "e"."study" AS "k0",
    "e"."site" AS "k1",
    "e"."subject" AS "k2",
    "e"."timepoint" AS "k3",
    COUNT(*) FILTER(WHERE
      (
        (
          "e"."event" = 'protocol_deviation_found'
        )
        AND (
          (
            "e"."severity" = 'major'
          ) OR (
            "e"."severity" = 'critical'
          )
        )
      )) AS "f0"
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
    "d0"."calendar" AS "a0"
  FROM "imx_facts" AS "f"
  LEFT JOIN "sites" AS "d0"
    ON "d0"."study" = "f"."k0" AND "d0"."site" = "f"."k1"
), "imx_s0" AS (
  SELECT
    *,
    CASE
      WHEN (
        (
          "a0" = 'utc'
        ) OR (
          "a0" = 'tokyo'
        )
      )
      THEN "a0"
      ELSE 'utc'
    END AS "cal",
    'base' AS "m0_layer"
  FROM "imx_dims"
), "imx_s1" AS (
  SELECT
    *,
    CAST("k0" AS TEXT) || '/' || CAST("k1" AS TEXT) || '/' || CAST("k2" AS TEXT) || '/' || CAST("k3" AS TEXT) AS "label",
    TRUE AS "m0_pop",
    CAST(NULL AS BIGINT) AS "m0_uex",
    'closed' AS "m0_raw",
    CASE
      WHEN "f0" > CAST(0 AS BIGINT)
      THEN CAST(1.0 AS DOUBLE PRECISION)
      ELSE CAST(0.0 AS DOUBLE PRECISION)
    END AS "m0_val"
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
    'DEV-MAJOR' AS "metric",
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
    'DEV-MAJOR' AS "metric",
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

-- AUTO-QC
WITH "imx_facts" AS (
  SELECT
    "e"."study" AS "k0",
    "e"."site" AS "k1",
    "e"."subject" AS "k2",
    "e"."timepoint" AS "k3",
    COUNT(*) FILTER(WHERE
      (
        (
          "e"."event" = 'qc_passed'
        ) AND (
          "e"."actor" = 'auto'
        )
      )) AS "f0",
    COUNT(*) FILTER(WHERE
      (
        (
          "e"."event" = 'qc_failed'
        ) AND (
          "e"."actor" = 'auto'
        )
      )) AS "f1",
    MIN("e"."at") FILTER(WHERE
      (
        (
          "e"."event" = 'qc_passed'
        ) AND (
          "e"."actor" = 'auto'
        )
      )) AS "f2",
    MIN("e"."at") FILTER(WHERE
      (
        (
          "e"."event" = 'qc_failed'
        ) AND (
          "e"."actor" = 'auto'
        )
      )) AS "f3"
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
    "d0"."calendar" AS "a0"
  FROM "imx_facts" AS "f"
  LEFT JOIN "sites" AS "d0"
    ON "d0"."study" = "f"."k0" AND "d0"."site" = "f"."k1"
), "imx_s0" AS (
  SELECT
    *,
    CASE
      WHEN (
        (
          "a0" = 'utc'
        ) OR (
          "a0" = 'tokyo'
        )
      )
      THEN "a0"
      ELSE 'utc'
    END AS "cal",
    'base' AS "m0_layer"
  FROM "imx_dims"
), "imx_s1" AS (
  SELECT
    *,
    CAST("k0" AS TEXT) || '/' || CAST("k1" AS TEXT) || '/' || CAST("k2" AS TEXT) || '/' || CAST("k3" AS TEXT) AS "label",
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
        ELSE CAST(NULL AS TEXT)
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
          ELSE CAST(NULL AS TEXT)
        END = 'qc_passed'
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
    'AUTO-QC' AS "metric",
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
    'AUTO-QC' AS "metric",
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

-- MOD-MRI
WITH "imx_facts" AS (
  SELECT
    "e"."study" AS "k0",
    "e"."site" AS "k1",
    "e"."subject" AS "k2",
    "e"."timepoint" AS "k3",
    (
      ARRAY_AGG("e"."modality" ORDER BY "e"."at" ASC, "e"."modality" IS NULL, "e"."modality") FILTER(WHERE
        "e"."event" = 'scan_acquired')
    )[1] AS "f0"
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
    "d0"."calendar" AS "a0"
  FROM "imx_facts" AS "f"
  LEFT JOIN "sites" AS "d0"
    ON "d0"."study" = "f"."k0" AND "d0"."site" = "f"."k1"
), "imx_s0" AS (
  SELECT
    *,
    CASE
      WHEN (
        (
          "a0" = 'utc'
        ) OR (
          "a0" = 'tokyo'
        )
      )
      THEN "a0"
      ELSE 'utc'
    END AS "cal",
    'base' AS "m0_layer"
  FROM "imx_dims"
), "imx_s1" AS (
  SELECT
    *,
    CAST("k0" AS TEXT) || '/' || CAST("k1" AS TEXT) || '/' || CAST("k2" AS TEXT) || '/' || CAST("k3" AS TEXT) AS "label",
    TRUE AS "m0_pop",
    CAST(NULL AS BIGINT) AS "m0_uex",
    'closed' AS "m0_raw",
    CASE
      WHEN "f0" = 'MRI'
      THEN CAST(1.0 AS DOUBLE PRECISION)
      ELSE CAST(0.0 AS DOUBLE PRECISION)
    END AS "m0_val"
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
    'MOD-MRI' AS "metric",
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
    'MOD-MRI' AS "metric",
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

-- MOD-CT
WITH "imx_facts" AS (
  SELECT
    "e"."study" AS "k0",
    "e"."site" AS "k1",
    "e"."subject" AS "k2",
    "e"."timepoint" AS "k3",
    (
      ARRAY_AGG("e"."modality" ORDER BY "e"."at" ASC, "e"."modality" IS NULL, "e"."modality") FILTER(WHERE
        "e"."event" = 'scan_acquired')
    )[1] AS "f0"
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
    "d0"."calendar" AS "a0"
  FROM "imx_facts" AS "f"
  LEFT JOIN "sites" AS "d0"
    ON "d0"."study" = "f"."k0" AND "d0"."site" = "f"."k1"
), "imx_s0" AS (
  SELECT
    *,
    CASE
      WHEN (
        (
          "a0" = 'utc'
        ) OR (
          "a0" = 'tokyo'
        )
      )
      THEN "a0"
      ELSE 'utc'
    END AS "cal",
    'base' AS "m0_layer"
  FROM "imx_dims"
), "imx_s1" AS (
  SELECT
    *,
    CAST("k0" AS TEXT) || '/' || CAST("k1" AS TEXT) || '/' || CAST("k2" AS TEXT) || '/' || CAST("k3" AS TEXT) AS "label",
    TRUE AS "m0_pop",
    CAST(NULL AS BIGINT) AS "m0_uex",
    'closed' AS "m0_raw",
    CASE
      WHEN "f0" = 'CT'
      THEN CAST(1.0 AS DOUBLE PRECISION)
      ELSE CAST(0.0 AS DOUBLE PRECISION)
    END AS "m0_val"
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
    'MOD-CT' AS "metric",
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
    'MOD-CT' AS "metric",
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

-- CT-QRY
WITH "imx_facts" AS (
  SELECT
    "e"."study" AS "k0",
    "e"."site" AS "k1",
    "e"."subject" AS "k2",
    "e"."timepoint" AS "k3",
    (
      ARRAY_AGG("e"."modality" ORDER BY "e"."at" ASC, "e"."modality" IS NULL, "e"."modality") FILTER(WHERE
        "e"."event" = 'scan_acquired')
    )[1] AS "f0",
    COUNT(*) FILTER(WHERE
      "e"."event" = 'query_opened') AS "f1"
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
    "d0"."calendar" AS "a0"
  FROM "imx_facts" AS "f"
  LEFT JOIN "sites" AS "d0"
    ON "d0"."study" = "f"."k0" AND "d0"."site" = "f"."k1"
), "imx_s0" AS (
  SELECT
    *,
    CASE
      WHEN (
        (
          "a0" = 'utc'
        ) OR (
          "a0" = 'tokyo'
        )
      )
      THEN "a0"
      ELSE 'utc'
    END AS "cal",
    'base' AS "m0_layer"
  FROM "imx_dims"
), "imx_s1" AS (
  SELECT
    *,
    CAST("k0" AS TEXT) || '/' || CAST("k1" AS TEXT) || '/' || CAST("k2" AS TEXT) || '/' || CAST("k3" AS TEXT) AS "label",
    CASE WHEN "f0" = 'CT' THEN TRUE ELSE FALSE END AS "m0_pop",
    CAST(NULL AS BIGINT) AS "m0_uex",
    CASE WHEN "f1" IS NULL THEN 'nullval' ELSE 'closed' END AS "m0_raw",
    CAST("f1" AS DOUBLE PRECISION) AS "m0_val"
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
    'CT-QRY' AS "metric",
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
  UNION ALL
  SELECT
    'CT-QRY' AS "metric",
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
) AS "imx_raw"

-- READ-DAYS
WITH "imx_facts" AS (
  SELECT
    "e"."study" AS "k0",
    "e"."site" AS "k1",
    "e"."subject" AS "k2",
    "e"."timepoint" AS "k3",
    COUNT(*) FILTER(WHERE
      "e"."event" = 'read_completed') AS "f0",
    COUNT(
      DISTINCT CASE
        WHEN "e"."event" = 'read_completed'
        THEN CAST("e"."at" AT TIME ZONE 'UTC' AS DATE)
      END
    ) AS "f1",
    COUNT(
      DISTINCT CASE
        WHEN "e"."event" = 'read_completed'
        THEN CAST("e"."at" AT TIME ZONE 'Asia/Tokyo' AS DATE)
      END
    ) AS "f2"
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
    "d0"."calendar" AS "a0"
  FROM "imx_facts" AS "f"
  LEFT JOIN "sites" AS "d0"
    ON "d0"."study" = "f"."k0" AND "d0"."site" = "f"."k1"
), "imx_s0" AS (
  SELECT
    *,
    CASE
      WHEN (
        (
          "a0" = 'utc'
        ) OR (
          "a0" = 'tokyo'
        )
      )
      THEN "a0"
      ELSE 'utc'
    END AS "cal",
    'base' AS "m0_layer"
  FROM "imx_dims"
), "imx_s1" AS (
  SELECT
    *,
    CAST("k0" AS TEXT) || '/' || CAST("k1" AS TEXT) || '/' || CAST("k2" AS TEXT) || '/' || CAST("k3" AS TEXT) AS "label",
    CASE WHEN "f0" > CAST(0 AS BIGINT) THEN TRUE ELSE FALSE END AS "m0_pop",
    CAST(NULL AS BIGINT) AS "m0_uex",
    CASE
      WHEN CASE
        WHEN "cal" = 'utc'
        THEN "f1"
        WHEN "cal" = 'tokyo'
        THEN "f2"
        ELSE CAST(NULL AS BIGINT)
      END IS NULL
      THEN 'nullval'
      ELSE 'closed'
    END AS "m0_raw",
    CAST(CASE
      WHEN "cal" = 'utc'
      THEN "f1"
      WHEN "cal" = 'tokyo'
      THEN "f2"
      ELSE CAST(NULL AS BIGINT)
    END AS DOUBLE PRECISION) AS "m0_val"
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
    'READ-DAYS' AS "metric",
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
  UNION ALL
  SELECT
    'READ-DAYS' AS "metric",
    'site' AS "level",
    CAST("k0" AS TEXT) AS "study",
    CAST("k1" AS TEXT) AS "site",
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
  GROUP BY
    CAST("k0" AS TEXT),
    CAST("k1" AS TEXT)
  UNION ALL
  SELECT
    'READ-DAYS' AS "metric",
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
) AS "imx_raw"

-- READERS
WITH "imx_facts" AS (
  SELECT
    "e"."study" AS "k0",
    "e"."site" AS "k1",
    "e"."subject" AS "k2",
    "e"."timepoint" AS "k3",
    COUNT(*) FILTER(WHERE
      "e"."event" = 'read_completed') AS "f0",
    COUNT(DISTINCT CASE WHEN "e"."event" = 'read_completed' THEN "e"."reader" END) AS "f1"
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
    "d0"."calendar" AS "a0"
  FROM "imx_facts" AS "f"
  LEFT JOIN "sites" AS "d0"
    ON "d0"."study" = "f"."k0" AND "d0"."site" = "f"."k1"
), "imx_s0" AS (
  SELECT
    *,
    CASE
      WHEN (
        (
          "a0" = 'utc'
        ) OR (
          "a0" = 'tokyo'
        )
      )
      THEN "a0"
      ELSE 'utc'
    END AS "cal",
    'base' AS "m0_layer"
  FROM "imx_dims"
), "imx_s1" AS (
  SELECT
    *,
    CAST("k0" AS TEXT) || '/' || CAST("k1" AS TEXT) || '/' || CAST("k2" AS TEXT) || '/' || CAST("k3" AS TEXT) AS "label",
    CASE WHEN "f0" > CAST(0 AS BIGINT) THEN TRUE ELSE FALSE END AS "m0_pop",
    CAST(NULL AS BIGINT) AS "m0_uex",
    CASE WHEN "f1" IS NULL THEN 'nullval' ELSE 'closed' END AS "m0_raw",
    CAST("f1" AS DOUBLE PRECISION) AS "m0_val"
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
    'READERS' AS "metric",
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
  UNION ALL
  SELECT
    'READERS' AS "metric",
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
) AS "imx_raw"

-- PHANTOM
WITH "imx_facts" AS (
  SELECT
    "e"."study" AS "k0",
    "e"."site" AS "k1",
    (
      ARRAY_AGG("e"."reading" ORDER BY "e"."at" ASC, "e"."reading" IS NULL, "e"."reading") FILTER(WHERE
        "e"."event" = 'phantom_scanned')
    )[1] AS "f0",
    (
      ARRAY_AGG(
        "e"."reading" ORDER BY "e"."at" DESC NULLS LAST, "e"."reading" IS NULL, "e"."reading"
      ) FILTER(WHERE
        "e"."event" = 'phantom_scanned')
    )[1] AS "f1"
  FROM "events" AS "e"
  WHERE
    (
      (
        NOT "e"."study" IS NULL
      ) AND (
        NOT "e"."site" IS NULL
      )
    )
  GROUP BY
    "e"."study",
    "e"."site"
), "imx_dims" AS (
  SELECT
    "f".*,
    "d0"."calendar" AS "a0"
  FROM "imx_facts" AS "f"
  LEFT JOIN "sites" AS "d0"
    ON "d0"."study" = "f"."k0" AND "d0"."site" = "f"."k1"
), "imx_s0" AS (
  SELECT
    *,
    CASE
      WHEN (
        (
          "a0" = 'utc'
        ) OR (
          "a0" = 'tokyo'
        )
      )
      THEN "a0"
      ELSE 'utc'
    END AS "cal",
    'base' AS "m0_layer"
  FROM "imx_dims"
), "imx_s1" AS (
  SELECT
    *,
    CAST("k0" AS TEXT) || '/' || CAST("k1" AS TEXT) AS "label",
    CASE WHEN "f0" > CAST(40.0 AS DOUBLE PRECISION) THEN TRUE ELSE FALSE END AS "m0_pop",
    CAST(NULL AS BIGINT) AS "m0_uex",
    CASE WHEN "f1" IS NULL THEN 'nullval' ELSE 'closed' END AS "m0_raw",
    CAST("f1" AS DOUBLE PRECISION) AS "m0_val"
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
    'PHANTOM' AS "metric",
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
    CAST(PERCENTILE_CONT(CAST(0.5 AS DOUBLE PRECISION)) WITHIN GROUP (ORDER BY
      "m0_val") FILTER(WHERE
      "m0_state" = 'closed') AS DOUBLE PRECISION) AS "st0",
    CAST(NULL AS TEXT[]) AS "example"
  FROM "imx_units"
  UNION ALL
  SELECT
    'PHANTOM' AS "metric",
    'site' AS "level",
    CAST("k0" AS TEXT) AS "study",
    CAST("k1" AS TEXT) AS "site",
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
    CAST(PERCENTILE_CONT(CAST(0.5 AS DOUBLE PRECISION)) WITHIN GROUP (ORDER BY
      "m0_val") FILTER(WHERE
      "m0_state" = 'closed') AS DOUBLE PRECISION) AS "st0",
    CAST(NULL AS TEXT[]) AS "example"
  FROM "imx_units"
  GROUP BY
    CAST("k0" AS TEXT),
    CAST("k1" AS TEXT)
  UNION ALL
  SELECT
    'PHANTOM' AS "metric",
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
    CAST(PERCENTILE_CONT(CAST(0.5 AS DOUBLE PRECISION)) WITHIN GROUP (ORDER BY
      "m0_val") FILTER(WHERE
      "m0_state" = 'closed') AS DOUBLE PRECISION) AS "st0",
    CAST(NULL AS TEXT[]) AS "example"
  FROM "imx_units"
) AS "imx_raw"

-- PHANTOM-LOW
WITH "imx_facts" AS (
  SELECT
    "e"."study" AS "k0",
    "e"."site" AS "k1",
    COUNT(*) FILTER(WHERE
      (
        (
          "e"."event" = 'phantom_scanned'
        )
        AND (
          "e"."reading" < CAST(40.0 AS DOUBLE PRECISION)
        )
      )) AS "f0"
  FROM "events" AS "e"
  WHERE
    (
      (
        NOT "e"."study" IS NULL
      ) AND (
        NOT "e"."site" IS NULL
      )
    )
  GROUP BY
    "e"."study",
    "e"."site"
), "imx_dims" AS (
  SELECT
    "f".*,
    "d0"."calendar" AS "a0"
  FROM "imx_facts" AS "f"
  LEFT JOIN "sites" AS "d0"
    ON "d0"."study" = "f"."k0" AND "d0"."site" = "f"."k1"
), "imx_s0" AS (
  SELECT
    *,
    CASE
      WHEN (
        (
          "a0" = 'utc'
        ) OR (
          "a0" = 'tokyo'
        )
      )
      THEN "a0"
      ELSE 'utc'
    END AS "cal",
    'base' AS "m0_layer"
  FROM "imx_dims"
), "imx_s1" AS (
  SELECT
    *,
    CAST("k0" AS TEXT) || '/' || CAST("k1" AS TEXT) AS "label",
    TRUE AS "m0_pop",
    CAST(NULL AS BIGINT) AS "m0_uex",
    CASE WHEN "f0" IS NULL THEN 'nullval' ELSE 'closed' END AS "m0_raw",
    CAST("f0" AS DOUBLE PRECISION) AS "m0_val"
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
    'PHANTOM-LOW' AS "metric",
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
  UNION ALL
  SELECT
    'PHANTOM-LOW' AS "metric",
    'site' AS "level",
    CAST("k0" AS TEXT) AS "study",
    CAST("k1" AS TEXT) AS "site",
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
  GROUP BY
    CAST("k0" AS TEXT),
    CAST("k1" AS TEXT)
  UNION ALL
  SELECT
    'PHANTOM-LOW' AS "metric",
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
) AS "imx_raw"

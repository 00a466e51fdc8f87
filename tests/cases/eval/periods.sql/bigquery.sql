-- RECV
WITH `imx_facts` AS (
  SELECT
    `e`.`study` AS `k0`,
    `e`.`site` AS `k1`,
    `e`.`subject` AS `k2`,
    `e`.`timepoint` AS `k3`,
    COUNTIF(`e`.`event` = 'scan_acquired') AS `f0`,
    COUNTIF(`e`.`event` = 'images_received') AS `f1`,
    MIN(IF(`e`.`event` = 'scan_acquired', `e`.`at`, NULL)) AS `f2`
  FROM `events` AS `e`
  WHERE
    (
      (
        NOT `e`.`study` IS NULL
      )
      AND (
        NOT `e`.`site` IS NULL
      )
      AND (
        NOT `e`.`subject` IS NULL
      )
      AND (
        NOT `e`.`timepoint` IS NULL
      )
    )
  GROUP BY
    `e`.`study`,
    `e`.`site`,
    `e`.`subject`,
    `e`.`timepoint`
), `imx_dims` AS (
  SELECT
    `f`.*
  FROM `imx_facts` AS `f`
), `imx_s0` AS (
  SELECT
    *,
    CAST(NULL AS STRING) AS `cal`,
    'base' AS `m0_layer`
  FROM `imx_dims`
), `imx_s1` AS (
  SELECT
    *,
    CAST(`k0` AS STRING) || '/' || CAST(`k1` AS STRING) || '/' || CAST(`k2` AS STRING) || '/' || CAST(`k3` AS STRING) AS `label`,
    CASE WHEN `f0` > CAST(0 AS INT64) THEN TRUE ELSE FALSE END AS `m0_pop`,
    CAST(NULL AS INT64) AS `m0_uex`,
    CASE
      WHEN `f1` > CAST(0 AS INT64)
      THEN 'met'
      WHEN NOT (
        `f1` > CAST(0 AS INT64)
      )
      THEN 'missed'
      ELSE 'pending'
    END AS `m0_raw`,
    CAST(NULL AS FLOAT64) AS `m0_val`,
    (
      CAST(EXTRACT(YEAR FROM TIMESTAMP(DATETIME(`f2`, 'UTC'))) AS INT64) * CAST(100 AS INT64) + CAST(EXTRACT(MONTH FROM TIMESTAMP(DATETIME(`f2`, 'UTC'))) AS INT64)
    ) AS `m0_pk`
  FROM `imx_s0`
), `imx_units` AS (
  SELECT
    *,
    CASE
      WHEN NOT `m0_pop`
      THEN CAST(NULL AS INT64)
      WHEN NOT (
        `m0_uex` IS NULL
      )
      THEN `m0_uex`
      ELSE CAST(NULL AS INT64)
    END AS `m0_excl`,
    CASE
      WHEN (
        (
          NOT `m0_pop`
        ) OR (
          NOT (
            `m0_uex` IS NULL
          )
        )
      )
      THEN CAST(NULL AS STRING)
      ELSE `m0_raw`
    END AS `m0_state`
  FROM `imx_s1`
)
SELECT
  *
FROM (
  SELECT
    'RECV' AS `metric`,
    '__all__' AS `level`,
    CAST(NULL AS STRING) AS `study`,
    CAST(NULL AS STRING) AS `site`,
    CAST(NULL AS STRING) AS `grp`,
    CAST(NULL AS STRING) AS `grp2`,
    CAST(NULL AS INT64) AS `period`,
    CAST(MIN(`m0_layer`) AS STRING) AS `layer_min`,
    CAST(MAX(`m0_layer`) AS STRING) AS `layer_max`,
    CAST(COUNTIF(`m0_pop`) AS INT64) AS `n_pop`,
    CAST(COUNTIF(`m0_state` = 'met') AS INT64) AS `met`,
    CAST(COUNTIF(`m0_state` = 'missed') AS INT64) AS `missed`,
    CAST(COUNTIF(`m0_state` = 'pending') AS INT64) AS `pending`,
    CAST(COUNTIF(`m0_state` = 'open') AS INT64) AS `open`,
    CAST(COUNTIF(`m0_state` = 'closed') AS INT64) AS `n_val`,
    CAST(SUM(IF(`m0_state` = 'closed', `m0_val`, NULL)) AS FLOAT64) AS `v_sum`,
    CAST(NULL AS ARRAY<STRING>) AS `example`
  FROM `imx_units`
  UNION ALL
  SELECT
    'RECV' AS `metric`,
    'study' AS `level`,
    CAST(`k0` AS STRING) AS `study`,
    CAST(NULL AS STRING) AS `site`,
    CAST(NULL AS STRING) AS `grp`,
    CAST(NULL AS STRING) AS `grp2`,
    CAST(NULL AS INT64) AS `period`,
    CAST(MIN(`m0_layer`) AS STRING) AS `layer_min`,
    CAST(MAX(`m0_layer`) AS STRING) AS `layer_max`,
    CAST(COUNTIF(`m0_pop`) AS INT64) AS `n_pop`,
    CAST(COUNTIF(`m0_state` = 'met') AS INT64) AS `met`,
    CAST(COUNTIF(`m0_state` = 'missed') AS INT64) AS `missed`,
    CAST(COUNTIF(`m0_state` = 'pending') AS INT64) AS `pending`,
    CAST(COUNTIF(`m0_state` = 'open') AS INT64) AS `open`,
    CAST(COUNTIF(`m0_state` = 'closed') AS INT64) AS `n_val`,
    CAST(SUM(IF(`m0_state` = 'closed', `m0_val`, NULL)) AS FLOAT64) AS `v_sum`,
    CAST(NULL AS ARRAY<STRING>) AS `example`
  FROM `imx_units`
  GROUP BY
    CAST(`k0` AS STRING)
  UNION ALL
  SELECT
    'RECV' AS `metric`,
    'study' AS `level`,
    CAST(`k0` AS STRING) AS `study`,
    CAST(NULL AS STRING) AS `site`,
    CAST(NULL AS STRING) AS `grp`,
    CAST(NULL AS STRING) AS `grp2`,
    `m0_pk` AS `period`,
    CAST(MIN(`m0_layer`) AS STRING) AS `layer_min`,
    CAST(MAX(`m0_layer`) AS STRING) AS `layer_max`,
    CAST(COUNTIF(`m0_pop`) AS INT64) AS `n_pop`,
    CAST(COUNTIF(`m0_state` = 'met') AS INT64) AS `met`,
    CAST(COUNTIF(`m0_state` = 'missed') AS INT64) AS `missed`,
    CAST(COUNTIF(`m0_state` = 'pending') AS INT64) AS `pending`,
    CAST(COUNTIF(`m0_state` = 'open') AS INT64) AS `open`,
    CAST(COUNTIF(`m0_state` = 'closed') AS INT64) AS `n_val`,
    CAST(SUM(IF(`m0_state` = 'closed', `m0_val`, NULL)) AS FLOAT64) AS `v_sum`,
    CAST(NULL AS ARRAY<STRING>) AS `example`
  FROM `imx_units`
  WHERE
    NOT `m0_pk` IS NULL
  GROUP BY
    CAST(`k0` AS STRING),
    `m0_pk`
  UNION ALL
  SELECT
    'RECV' AS `metric`,
    'portfolio' AS `level`,
    CAST(NULL AS STRING) AS `study`,
    CAST(NULL AS STRING) AS `site`,
    CAST(NULL AS STRING) AS `grp`,
    CAST(NULL AS STRING) AS `grp2`,
    CAST(NULL AS INT64) AS `period`,
    CAST(MIN(`m0_layer`) AS STRING) AS `layer_min`,
    CAST(MAX(`m0_layer`) AS STRING) AS `layer_max`,
    CAST(COUNTIF(`m0_pop`) AS INT64) AS `n_pop`,
    CAST(COUNTIF(`m0_state` = 'met') AS INT64) AS `met`,
    CAST(COUNTIF(`m0_state` = 'missed') AS INT64) AS `missed`,
    CAST(COUNTIF(`m0_state` = 'pending') AS INT64) AS `pending`,
    CAST(COUNTIF(`m0_state` = 'open') AS INT64) AS `open`,
    CAST(COUNTIF(`m0_state` = 'closed') AS INT64) AS `n_val`,
    CAST(SUM(IF(`m0_state` = 'closed', `m0_val`, NULL)) AS FLOAT64) AS `v_sum`,
    CAST(NULL AS ARRAY<STRING>) AS `example`
  FROM `imx_units`
  UNION ALL
  SELECT
    'RECV' AS `metric`,
    'portfolio' AS `level`,
    CAST(NULL AS STRING) AS `study`,
    CAST(NULL AS STRING) AS `site`,
    CAST(NULL AS STRING) AS `grp`,
    CAST(NULL AS STRING) AS `grp2`,
    `m0_pk` AS `period`,
    CAST(MIN(`m0_layer`) AS STRING) AS `layer_min`,
    CAST(MAX(`m0_layer`) AS STRING) AS `layer_max`,
    CAST(COUNTIF(`m0_pop`) AS INT64) AS `n_pop`,
    CAST(COUNTIF(`m0_state` = 'met') AS INT64) AS `met`,
    CAST(COUNTIF(`m0_state` = 'missed') AS INT64) AS `missed`,
    CAST(COUNTIF(`m0_state` = 'pending') AS INT64) AS `pending`,
    CAST(COUNTIF(`m0_state` = 'open') AS INT64) AS `open`,
    CAST(COUNTIF(`m0_state` = 'closed') AS INT64) AS `n_val`,
    CAST(SUM(IF(`m0_state` = 'closed', `m0_val`, NULL)) AS FLOAT64) AS `v_sum`,
    CAST(NULL AS ARRAY<STRING>) AS `example`
  FROM `imx_units`
  WHERE
    NOT `m0_pk` IS NULL
  GROUP BY
    `m0_pk`
) AS `imx_raw`

-- RECV-TD
WITH `imx_facts` AS (
  SELECT
    `e`.`study` AS `k0`,
    `e`.`site` AS `k1`,
    `e`.`subject` AS `k2`,
    `e`.`timepoint` AS `k3`,
    COUNTIF(`e`.`event` = 'scan_acquired') AS `f0`,
    COUNTIF(`e`.`event` = 'images_received') AS `f1`,
    MIN(IF(`e`.`event` = 'scan_acquired', `e`.`at`, NULL)) AS `f2`
  FROM `events` AS `e`
  WHERE
    (
      (
        NOT `e`.`study` IS NULL
      )
      AND (
        NOT `e`.`site` IS NULL
      )
      AND (
        NOT `e`.`subject` IS NULL
      )
      AND (
        NOT `e`.`timepoint` IS NULL
      )
    )
  GROUP BY
    `e`.`study`,
    `e`.`site`,
    `e`.`subject`,
    `e`.`timepoint`
), `imx_dims` AS (
  SELECT
    `f`.*
  FROM `imx_facts` AS `f`
), `imx_s0` AS (
  SELECT
    *,
    CAST(NULL AS STRING) AS `cal`,
    'base' AS `m0_layer`
  FROM `imx_dims`
), `imx_s1` AS (
  SELECT
    *,
    CAST(`k0` AS STRING) || '/' || CAST(`k1` AS STRING) || '/' || CAST(`k2` AS STRING) || '/' || CAST(`k3` AS STRING) AS `label`,
    CASE WHEN `f0` > CAST(0 AS INT64) THEN TRUE ELSE FALSE END AS `m0_pop`,
    CAST(NULL AS INT64) AS `m0_uex`,
    CASE
      WHEN `f1` > CAST(0 AS INT64)
      THEN 'met'
      WHEN NOT (
        `f1` > CAST(0 AS INT64)
      )
      THEN 'missed'
      ELSE 'pending'
    END AS `m0_raw`,
    CAST(NULL AS FLOAT64) AS `m0_val`,
    (
      CAST(EXTRACT(YEAR FROM TIMESTAMP(DATETIME(`f2`, 'UTC'))) AS INT64) * CAST(10 AS INT64) + CAST(EXTRACT(QUARTER FROM TIMESTAMP(DATETIME(`f2`, 'UTC'))) AS INT64)
    ) AS `m0_pk`
  FROM `imx_s0`
), `imx_units` AS (
  SELECT
    *,
    CASE
      WHEN NOT `m0_pop`
      THEN CAST(NULL AS INT64)
      WHEN NOT (
        `m0_uex` IS NULL
      )
      THEN `m0_uex`
      ELSE CAST(NULL AS INT64)
    END AS `m0_excl`,
    CASE
      WHEN (
        (
          NOT `m0_pop`
        ) OR (
          NOT (
            `m0_uex` IS NULL
          )
        )
      )
      THEN CAST(NULL AS STRING)
      ELSE `m0_raw`
    END AS `m0_state`
  FROM `imx_s1`
)
SELECT
  *
FROM (
  SELECT
    'RECV-TD' AS `metric`,
    '__all__' AS `level`,
    CAST(NULL AS STRING) AS `study`,
    CAST(NULL AS STRING) AS `site`,
    CAST(NULL AS STRING) AS `grp`,
    CAST(NULL AS STRING) AS `grp2`,
    CAST(NULL AS INT64) AS `period`,
    CAST(MIN(`m0_layer`) AS STRING) AS `layer_min`,
    CAST(MAX(`m0_layer`) AS STRING) AS `layer_max`,
    CAST(COUNTIF(`m0_pop`) AS INT64) AS `n_pop`,
    CAST(COUNTIF(`m0_state` = 'met') AS INT64) AS `met`,
    CAST(COUNTIF(`m0_state` = 'missed') AS INT64) AS `missed`,
    CAST(COUNTIF(`m0_state` = 'pending') AS INT64) AS `pending`,
    CAST(COUNTIF(`m0_state` = 'open') AS INT64) AS `open`,
    CAST(COUNTIF(`m0_state` = 'closed') AS INT64) AS `n_val`,
    CAST(SUM(IF(`m0_state` = 'closed', `m0_val`, NULL)) AS FLOAT64) AS `v_sum`,
    CAST(NULL AS ARRAY<STRING>) AS `example`
  FROM `imx_units`
  UNION ALL
  SELECT
    'RECV-TD' AS `metric`,
    'portfolio' AS `level`,
    CAST(NULL AS STRING) AS `study`,
    CAST(NULL AS STRING) AS `site`,
    CAST(NULL AS STRING) AS `grp`,
    CAST(NULL AS STRING) AS `grp2`,
    CAST(NULL AS INT64) AS `period`,
    CAST(MIN(`m0_layer`) AS STRING) AS `layer_min`,
    CAST(MAX(`m0_layer`) AS STRING) AS `layer_max`,
    CAST(COUNTIF(`m0_pop`) AS INT64) AS `n_pop`,
    CAST(COUNTIF(`m0_state` = 'met') AS INT64) AS `met`,
    CAST(COUNTIF(`m0_state` = 'missed') AS INT64) AS `missed`,
    CAST(COUNTIF(`m0_state` = 'pending') AS INT64) AS `pending`,
    CAST(COUNTIF(`m0_state` = 'open') AS INT64) AS `open`,
    CAST(COUNTIF(`m0_state` = 'closed') AS INT64) AS `n_val`,
    CAST(SUM(IF(`m0_state` = 'closed', `m0_val`, NULL)) AS FLOAT64) AS `v_sum`,
    CAST(NULL AS ARRAY<STRING>) AS `example`
  FROM `imx_units`
  UNION ALL
  SELECT
    'RECV-TD' AS `metric`,
    'portfolio' AS `level`,
    CAST(NULL AS STRING) AS `study`,
    CAST(NULL AS STRING) AS `site`,
    CAST(NULL AS STRING) AS `grp`,
    CAST(NULL AS STRING) AS `grp2`,
    `imx_period` AS `period`,
    CAST(MIN(`m0_layer`) AS STRING) AS `layer_min`,
    CAST(MAX(`m0_layer`) AS STRING) AS `layer_max`,
    CAST(COUNTIF(`m0_pop`) AS INT64) AS `n_pop`,
    CAST(COUNTIF(`m0_state` = 'met') AS INT64) AS `met`,
    CAST(COUNTIF(`m0_state` = 'missed') AS INT64) AS `missed`,
    CAST(COUNTIF(`m0_state` = 'pending') AS INT64) AS `pending`,
    CAST(COUNTIF(`m0_state` = 'open') AS INT64) AS `open`,
    CAST(COUNTIF(`m0_state` = 'closed') AS INT64) AS `n_val`,
    CAST(SUM(IF(`m0_state` = 'closed', `m0_val`, NULL)) AS FLOAT64) AS `v_sum`,
    CAST(NULL AS ARRAY<STRING>) AS `example`
  FROM `imx_units`
  JOIN (
    SELECT DISTINCT
      `m0_pk` AS `imx_period`
    FROM `imx_units`
    WHERE
      NOT `m0_pk` IS NULL
  ) AS `imx_p`
    ON `m0_pk` <= `imx_period`
  GROUP BY
    `imx_period`
) AS `imx_raw`

-- READ-OT
WITH `imx_facts` AS (
  SELECT
    `e`.`study` AS `k0`,
    `e`.`site` AS `k1`,
    `e`.`subject` AS `k2`,
    `e`.`timepoint` AS `k3`,
    `e`.`reader` AS `k4`,
    COUNTIF(`e`.`event` = 'read_assigned') AS `f0`,
    MIN(IF(`e`.`event` = 'read_assigned', `e`.`at`, NULL)) AS `f1`,
    MIN(IF(`e`.`event` = 'read_completed', `e`.`at`, NULL)) AS `f2`
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
      AND (
        NOT `e`.`reader` IS NULL
      )
    )
  GROUP BY
    `e`.`study`,
    `e`.`site`,
    `e`.`subject`,
    `e`.`timepoint`,
    `e`.`reader`
), `imx_dims` AS (
  SELECT
    `f`.*,
    `d0`.`therapeutic_area` AS `a0`,
    `d0`.`vendor` AS `a1`,
    `d1`.`country` AS `a2`
  FROM `imx_facts` AS `f`
  LEFT JOIN `studies` AS `d0`
    ON `d0`.`study` = `f`.`k0`
  LEFT JOIN `sites` AS `d1`
    ON `d1`.`study` = `f`.`k0` AND `d1`.`site` = `f`.`k1`
), `imx_s0` AS (
  SELECT
    *,
    CAST(NULL AS STRING) AS `cal`,
    CASE WHEN `a0` = 'neurology' THEN 'neurology' ELSE 'base' END AS `m0_layer`
  FROM `imx_dims`
), `imx_s1` AS (
  SELECT
    *,
    CAST(`k0` AS STRING) || '/' || CAST(`k1` AS STRING) || '/' || CAST(`k2` AS STRING) || '/' || CAST(`k3` AS STRING) || '/' || CAST(`k4` AS STRING) AS `label`,
    CASE WHEN `f0` > CAST(0 AS INT64) THEN TRUE ELSE FALSE END AS `m0_pop`,
    CAST(NULL AS INT64) AS `m0_uex`,
    CASE
      WHEN `f1` IS NULL
      THEN 'outside'
      WHEN `f2` < `f1`
      THEN 'negative'
      WHEN (
        CAST(TIMESTAMP_DIFF(`f2`, `f1`, MICROSECOND) AS FLOAT64) / NULLIF(CAST(CAST(86400000000.0 AS FLOAT64) AS FLOAT64), CAST(0.0 AS FLOAT64))
      ) <= CAST(5.0 AS FLOAT64)
      THEN 'met'
      WHEN NOT (
        `f2` IS NULL
      )
      THEN 'missed'
      WHEN (
        CAST(TIMESTAMP_DIFF(CURRENT_TIMESTAMP(), `f1`, MICROSECOND) AS FLOAT64) / NULLIF(CAST(CAST(86400000000.0 AS FLOAT64) AS FLOAT64), CAST(0.0 AS FLOAT64))
      ) > CAST(5.0 AS FLOAT64)
      THEN 'missed'
      ELSE 'pending'
    END AS `m0_raw`,
    CAST(NULL AS FLOAT64) AS `m0_val`
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
      WHEN `m0_raw` = 'outside'
      THEN CAST(0 AS INT64)
      WHEN `m0_raw` = 'negative'
      THEN CAST(1 AS INT64)
      ELSE CAST(NULL AS INT64)
    END AS `m0_excl`,
    CASE
      WHEN (
        (
          NOT `m0_pop`
        )
        OR (
          NOT (
            `m0_uex` IS NULL
          )
        )
        OR (
          `m0_raw` = 'outside'
        )
        OR (
          `m0_raw` = 'negative'
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
    'READ-OT' AS `metric`,
    '__all__' AS `level`,
    CAST(NULL AS STRING) AS `study`,
    CAST(NULL AS STRING) AS `site`,
    CAST(NULL AS STRING) AS `grp`,
    CAST(NULL AS STRING) AS `grp2`,
    CAST(NULL AS INT64) AS `period`,
    CAST(MIN(`m0_layer`) AS STRING) AS `layer_min`,
    CAST(MAX(`m0_layer`) AS STRING) AS `layer_max`,
    CAST(COUNTIF(`m0_pop`) AS INT64) AS `n_pop`,
    CAST(COUNTIF(`m0_excl` = CAST(0 AS INT64)) AS INT64) AS `x0`,
    CAST(COUNTIF(`m0_excl` = CAST(1 AS INT64)) AS INT64) AS `x1`,
    CAST(COUNTIF(`m0_state` = 'met') AS INT64) AS `met`,
    CAST(COUNTIF(`m0_state` = 'missed') AS INT64) AS `missed`,
    CAST(COUNTIF(`m0_state` = 'pending') AS INT64) AS `pending`,
    CAST(COUNTIF(`m0_state` = 'open') AS INT64) AS `open`,
    CAST(COUNTIF(`m0_state` = 'closed') AS INT64) AS `n_val`,
    CAST(SUM(IF(`m0_state` = 'closed', `m0_val`, NULL)) AS FLOAT64) AS `v_sum`,
    CAST(ARRAY_SLICE(
      ARRAY_SORT(ARRAY_UNIQUE_AGG(CASE WHEN `m0_excl` = CAST(1 AS INT64) THEN `label` END)),
      1,
      5
    ) AS ARRAY<STRING>) AS `example`
  FROM `imx_units`
  UNION ALL
  SELECT
    'READ-OT' AS `metric`,
    'study' AS `level`,
    CAST(`k0` AS STRING) AS `study`,
    CAST(NULL AS STRING) AS `site`,
    CAST(NULL AS STRING) AS `grp`,
    CAST(NULL AS STRING) AS `grp2`,
    CAST(NULL AS INT64) AS `period`,
    CAST(MIN(`m0_layer`) AS STRING) AS `layer_min`,
    CAST(MAX(`m0_layer`) AS STRING) AS `layer_max`,
    CAST(COUNTIF(`m0_pop`) AS INT64) AS `n_pop`,
    CAST(COUNTIF(`m0_excl` = CAST(0 AS INT64)) AS INT64) AS `x0`,
    CAST(COUNTIF(`m0_excl` = CAST(1 AS INT64)) AS INT64) AS `x1`,
    CAST(COUNTIF(`m0_state` = 'met') AS INT64) AS `met`,
    CAST(COUNTIF(`m0_state` = 'missed') AS INT64) AS `missed`,
    CAST(COUNTIF(`m0_state` = 'pending') AS INT64) AS `pending`,
    CAST(COUNTIF(`m0_state` = 'open') AS INT64) AS `open`,
    CAST(COUNTIF(`m0_state` = 'closed') AS INT64) AS `n_val`,
    CAST(SUM(IF(`m0_state` = 'closed', `m0_val`, NULL)) AS FLOAT64) AS `v_sum`,
    CAST(ARRAY_SLICE(
      ARRAY_SORT(ARRAY_UNIQUE_AGG(CASE WHEN `m0_excl` = CAST(1 AS INT64) THEN `label` END)),
      1,
      5
    ) AS ARRAY<STRING>) AS `example`
  FROM `imx_units`
  GROUP BY
    CAST(`k0` AS STRING)
  UNION ALL
  SELECT
    'READ-OT' AS `metric`,
    'by:reader' AS `level`,
    CAST(NULL AS STRING) AS `study`,
    CAST(NULL AS STRING) AS `site`,
    CAST(`k4` AS STRING) AS `grp`,
    CAST(NULL AS STRING) AS `grp2`,
    CAST(NULL AS INT64) AS `period`,
    CAST(MIN(`m0_layer`) AS STRING) AS `layer_min`,
    CAST(MAX(`m0_layer`) AS STRING) AS `layer_max`,
    CAST(COUNTIF(`m0_pop`) AS INT64) AS `n_pop`,
    CAST(COUNTIF(`m0_excl` = CAST(0 AS INT64)) AS INT64) AS `x0`,
    CAST(COUNTIF(`m0_excl` = CAST(1 AS INT64)) AS INT64) AS `x1`,
    CAST(COUNTIF(`m0_state` = 'met') AS INT64) AS `met`,
    CAST(COUNTIF(`m0_state` = 'missed') AS INT64) AS `missed`,
    CAST(COUNTIF(`m0_state` = 'pending') AS INT64) AS `pending`,
    CAST(COUNTIF(`m0_state` = 'open') AS INT64) AS `open`,
    CAST(COUNTIF(`m0_state` = 'closed') AS INT64) AS `n_val`,
    CAST(SUM(IF(`m0_state` = 'closed', `m0_val`, NULL)) AS FLOAT64) AS `v_sum`,
    CAST(ARRAY_SLICE(
      ARRAY_SORT(ARRAY_UNIQUE_AGG(CASE WHEN `m0_excl` = CAST(1 AS INT64) THEN `label` END)),
      1,
      5
    ) AS ARRAY<STRING>) AS `example`
  FROM `imx_units`
  GROUP BY
    CAST(`k4` AS STRING)
  UNION ALL
  SELECT
    'READ-OT' AS `metric`,
    'by:vendor+therapeutic_area' AS `level`,
    CAST(NULL AS STRING) AS `study`,
    CAST(NULL AS STRING) AS `site`,
    CAST(`a1` AS STRING) AS `grp`,
    CAST(`a0` AS STRING) AS `grp2`,
    CAST(NULL AS INT64) AS `period`,
    CAST(MIN(`m0_layer`) AS STRING) AS `layer_min`,
    CAST(MAX(`m0_layer`) AS STRING) AS `layer_max`,
    CAST(COUNTIF(`m0_pop`) AS INT64) AS `n_pop`,
    CAST(COUNTIF(`m0_excl` = CAST(0 AS INT64)) AS INT64) AS `x0`,
    CAST(COUNTIF(`m0_excl` = CAST(1 AS INT64)) AS INT64) AS `x1`,
    CAST(COUNTIF(`m0_state` = 'met') AS INT64) AS `met`,
    CAST(COUNTIF(`m0_state` = 'missed') AS INT64) AS `missed`,
    CAST(COUNTIF(`m0_state` = 'pending') AS INT64) AS `pending`,
    CAST(COUNTIF(`m0_state` = 'open') AS INT64) AS `open`,
    CAST(COUNTIF(`m0_state` = 'closed') AS INT64) AS `n_val`,
    CAST(SUM(IF(`m0_state` = 'closed', `m0_val`, NULL)) AS FLOAT64) AS `v_sum`,
    CAST(ARRAY_SLICE(
      ARRAY_SORT(ARRAY_UNIQUE_AGG(CASE WHEN `m0_excl` = CAST(1 AS INT64) THEN `label` END)),
      1,
      5
    ) AS ARRAY<STRING>) AS `example`
  FROM `imx_units`
  GROUP BY
    CAST(`a1` AS STRING),
    CAST(`a0` AS STRING)
  UNION ALL
  SELECT
    'READ-OT' AS `metric`,
    'by:country+reader' AS `level`,
    CAST(NULL AS STRING) AS `study`,
    CAST(NULL AS STRING) AS `site`,
    CAST(`a2` AS STRING) AS `grp`,
    CAST(`k4` AS STRING) AS `grp2`,
    CAST(NULL AS INT64) AS `period`,
    CAST(MIN(`m0_layer`) AS STRING) AS `layer_min`,
    CAST(MAX(`m0_layer`) AS STRING) AS `layer_max`,
    CAST(COUNTIF(`m0_pop`) AS INT64) AS `n_pop`,
    CAST(COUNTIF(`m0_excl` = CAST(0 AS INT64)) AS INT64) AS `x0`,
    CAST(COUNTIF(`m0_excl` = CAST(1 AS INT64)) AS INT64) AS `x1`,
    CAST(COUNTIF(`m0_state` = 'met') AS INT64) AS `met`,
    CAST(COUNTIF(`m0_state` = 'missed') AS INT64) AS `missed`,
    CAST(COUNTIF(`m0_state` = 'pending') AS INT64) AS `pending`,
    CAST(COUNTIF(`m0_state` = 'open') AS INT64) AS `open`,
    CAST(COUNTIF(`m0_state` = 'closed') AS INT64) AS `n_val`,
    CAST(SUM(IF(`m0_state` = 'closed', `m0_val`, NULL)) AS FLOAT64) AS `v_sum`,
    CAST(ARRAY_SLICE(
      ARRAY_SORT(ARRAY_UNIQUE_AGG(CASE WHEN `m0_excl` = CAST(1 AS INT64) THEN `label` END)),
      1,
      5
    ) AS ARRAY<STRING>) AS `example`
  FROM `imx_units`
  GROUP BY
    CAST(`a2` AS STRING),
    CAST(`k4` AS STRING)
  UNION ALL
  SELECT
    'READ-OT' AS `metric`,
    'portfolio' AS `level`,
    CAST(NULL AS STRING) AS `study`,
    CAST(NULL AS STRING) AS `site`,
    CAST(NULL AS STRING) AS `grp`,
    CAST(NULL AS STRING) AS `grp2`,
    CAST(NULL AS INT64) AS `period`,
    CAST(MIN(`m0_layer`) AS STRING) AS `layer_min`,
    CAST(MAX(`m0_layer`) AS STRING) AS `layer_max`,
    CAST(COUNTIF(`m0_pop`) AS INT64) AS `n_pop`,
    CAST(COUNTIF(`m0_excl` = CAST(0 AS INT64)) AS INT64) AS `x0`,
    CAST(COUNTIF(`m0_excl` = CAST(1 AS INT64)) AS INT64) AS `x1`,
    CAST(COUNTIF(`m0_state` = 'met') AS INT64) AS `met`,
    CAST(COUNTIF(`m0_state` = 'missed') AS INT64) AS `missed`,
    CAST(COUNTIF(`m0_state` = 'pending') AS INT64) AS `pending`,
    CAST(COUNTIF(`m0_state` = 'open') AS INT64) AS `open`,
    CAST(COUNTIF(`m0_state` = 'closed') AS INT64) AS `n_val`,
    CAST(SUM(IF(`m0_state` = 'closed', `m0_val`, NULL)) AS FLOAT64) AS `v_sum`,
    CAST(ARRAY_SLICE(
      ARRAY_SORT(ARRAY_UNIQUE_AGG(CASE WHEN `m0_excl` = CAST(1 AS INT64) THEN `label` END)),
      1,
      5
    ) AS ARRAY<STRING>) AS `example`
  FROM `imx_units`
) AS `imx_raw`

-- TP-READ-TWICE
WITH `imx_facts` AS (
  SELECT
    `e`.`study` AS `k0`,
    `e`.`site` AS `k1`,
    `e`.`subject` AS `k2`,
    `e`.`timepoint` AS `k3`,
    COUNTIF(`e`.`event` = 'read_assigned') AS `f0`,
    COUNTIF(`e`.`event` = 'read_completed') AS `f1`,
    (
      MIN(
        IF(
          `e`.`event` = 'images_received',
          STRUCT(UNIX_MICROS(`e`.`at`) AS `t`, `e`.`modality` IS NULL AS `n`, `e`.`modality` AS `v`),
          NULL
        )
      )
    ).`v` AS `f2`
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
    `f`.*,
    `d0`.`therapeutic_area` AS `a0`
  FROM `imx_facts` AS `f`
  LEFT JOIN `studies` AS `d0`
    ON `d0`.`study` = `f`.`k0`
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
      WHEN `f1` >= CAST(2.0 AS FLOAT64)
      THEN 'met'
      WHEN NOT (
        `f1` >= CAST(2.0 AS FLOAT64)
      )
      THEN 'missed'
      ELSE 'pending'
    END AS `m0_raw`,
    CAST(NULL AS FLOAT64) AS `m0_val`
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
    'TP-READ-TWICE' AS `metric`,
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
    'TP-READ-TWICE' AS `metric`,
    'by:modality' AS `level`,
    CAST(NULL AS STRING) AS `study`,
    CAST(NULL AS STRING) AS `site`,
    CAST(`f2` AS STRING) AS `grp`,
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
    CAST(`f2` AS STRING)
  UNION ALL
  SELECT
    'TP-READ-TWICE' AS `metric`,
    'by:modality+therapeutic_area' AS `level`,
    CAST(NULL AS STRING) AS `study`,
    CAST(NULL AS STRING) AS `site`,
    CAST(`f2` AS STRING) AS `grp`,
    CAST(`a0` AS STRING) AS `grp2`,
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
    CAST(`f2` AS STRING),
    CAST(`a0` AS STRING)
  UNION ALL
  SELECT
    'TP-READ-TWICE' AS `metric`,
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
) AS `imx_raw`

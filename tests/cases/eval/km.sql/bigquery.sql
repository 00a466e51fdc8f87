-- TAT
WITH `imx_facts` AS (
  SELECT
    `e`.`study` AS `k0`,
    `e`.`site` AS `k1`,
    `e`.`subject` AS `k2`,
    `e`.`timepoint` AS `k3`,
    MIN(IF(`e`.`event` = 'scan_acquired', `e`.`at`, NULL)) AS `f0`,
    MIN(IF(`e`.`event` = 'images_received', `e`.`at`, NULL)) AS `f1`
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
    TRUE AS `m0_pop`,
    CAST(NULL AS INT64) AS `m0_uex`,
    CASE
      WHEN `f0` IS NULL
      THEN 'outside'
      WHEN `f1` IS NULL
      THEN 'open'
      WHEN `f1` < `f0`
      THEN 'negative'
      ELSE 'closed'
    END AS `m0_raw`,
    TIMESTAMP_DIFF(`f1`, `f0`, MICROSECOND) AS `m0_val`,
    TIMESTAMP_DIFF(CURRENT_TIMESTAMP(), `f0`, MICROSECOND) AS `m0_cen`
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
    'TAT' AS `metric`,
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
    CAST(MIN(
      IF(
        `imx_km_e` = 1
        AND (
          `imx_km_z` = 1 OR `imx_km_ls` <= CAST(-0.6931471785599453 AS FLOAT64)
        ),
        `imx_km_t`,
        NULL
      )
    ) AS FLOAT64) AS `st0`,
    CAST(PERCENTILE_CONT(IF(`m0_state` = 'closed', `m0_val`, NULL), CAST(0.5 AS FLOAT64)) AS FLOAT64) AS `st1`,
    CAST(MIN(
      IF(
        `imx_km_e` = 1
        AND (
          `imx_km_z` = 1 OR `imx_km_ls` <= CAST(-2.302585082994046 AS FLOAT64)
        ),
        `imx_km_t`,
        NULL
      )
    ) AS FLOAT64) AS `st2`,
    CAST(ARRAY_SLICE(
      ARRAY_SORT(ARRAY_UNIQUE_AGG(CASE WHEN `m0_excl` = CAST(1 AS INT64) THEN `label` END)),
      1,
      5
    ) AS ARRAY<STRING>) AS `example`
  FROM (
    SELECT
      *,
      SUM(
        CASE
          WHEN `imx_km_r` = 1 AND `imx_km_d` > 0 AND `imx_km_d` < `imx_km_n`
          THEN LN(CAST(1.0 AS FLOAT64) - CAST(`imx_km_d` AS FLOAT64) / CAST(`imx_km_n` AS FLOAT64))
          ELSE CAST(0.0 AS FLOAT64)
        END
      ) OVER (ORDER BY `imx_km_t` ASC) AS `imx_km_ls`,
      MAX(CASE WHEN `imx_km_d` > 0 AND `imx_km_d` = `imx_km_n` THEN 1 ELSE 0 END) OVER (ORDER BY `imx_km_t` ASC) AS `imx_km_z`
    FROM (
      SELECT
        *,
        COUNT(`imx_km_t`) OVER (ORDER BY `imx_km_t` DESC) AS `imx_km_n`,
        SUM(`imx_km_e`) OVER (PARTITION BY `imx_km_t`) AS `imx_km_d`,
        ROW_NUMBER() OVER (PARTITION BY `imx_km_t` ORDER BY `imx_km_t` ASC NULLS LAST) AS `imx_km_r`
      FROM (
        SELECT
          *,
          CASE
            WHEN (
              (
                `m0_state` = 'closed'
              ) OR (
                `m0_state` = 'open'
              )
            )
            THEN CASE WHEN `m0_state` = 'open' THEN `m0_cen` ELSE `m0_val` END
          END AS `imx_km_t`,
          CASE
            WHEN (
              (
                `m0_state` = 'closed'
              ) OR (
                `m0_state` = 'open'
              )
            )
            AND `m0_state` = 'closed'
            THEN 1
            ELSE 0
          END AS `imx_km_e`
        FROM `imx_units`
      ) AS `imx_km0`
    ) AS `imx_km1`
  ) AS `imx_km2`
  UNION ALL
  SELECT
    'TAT' AS `metric`,
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
    CAST(MIN(
      IF(
        `imx_km_e` = 1
        AND (
          `imx_km_z` = 1 OR `imx_km_ls` <= CAST(-0.6931471785599453 AS FLOAT64)
        ),
        `imx_km_t`,
        NULL
      )
    ) AS FLOAT64) AS `st0`,
    CAST(PERCENTILE_CONT(IF(`m0_state` = 'closed', `m0_val`, NULL), CAST(0.5 AS FLOAT64)) AS FLOAT64) AS `st1`,
    CAST(MIN(
      IF(
        `imx_km_e` = 1
        AND (
          `imx_km_z` = 1 OR `imx_km_ls` <= CAST(-2.302585082994046 AS FLOAT64)
        ),
        `imx_km_t`,
        NULL
      )
    ) AS FLOAT64) AS `st2`,
    CAST(ARRAY_SLICE(
      ARRAY_SORT(ARRAY_UNIQUE_AGG(CASE WHEN `m0_excl` = CAST(1 AS INT64) THEN `label` END)),
      1,
      5
    ) AS ARRAY<STRING>) AS `example`
  FROM (
    SELECT
      *,
      SUM(
        CASE
          WHEN `imx_km_r` = 1 AND `imx_km_d` > 0 AND `imx_km_d` < `imx_km_n`
          THEN LN(CAST(1.0 AS FLOAT64) - CAST(`imx_km_d` AS FLOAT64) / CAST(`imx_km_n` AS FLOAT64))
          ELSE CAST(0.0 AS FLOAT64)
        END
      ) OVER (PARTITION BY CAST(`k0` AS STRING) ORDER BY `imx_km_t` ASC) AS `imx_km_ls`,
      MAX(CASE WHEN `imx_km_d` > 0 AND `imx_km_d` = `imx_km_n` THEN 1 ELSE 0 END) OVER (PARTITION BY CAST(`k0` AS STRING) ORDER BY `imx_km_t` ASC) AS `imx_km_z`
    FROM (
      SELECT
        *,
        COUNT(`imx_km_t`) OVER (PARTITION BY CAST(`k0` AS STRING) ORDER BY `imx_km_t` DESC) AS `imx_km_n`,
        SUM(`imx_km_e`) OVER (PARTITION BY CAST(`k0` AS STRING), `imx_km_t`) AS `imx_km_d`,
        ROW_NUMBER() OVER (PARTITION BY CAST(`k0` AS STRING), `imx_km_t` ORDER BY `imx_km_t` ASC NULLS LAST) AS `imx_km_r`
      FROM (
        SELECT
          *,
          CASE
            WHEN (
              (
                `m0_state` = 'closed'
              ) OR (
                `m0_state` = 'open'
              )
            )
            THEN CASE WHEN `m0_state` = 'open' THEN `m0_cen` ELSE `m0_val` END
          END AS `imx_km_t`,
          CASE
            WHEN (
              (
                `m0_state` = 'closed'
              ) OR (
                `m0_state` = 'open'
              )
            )
            AND `m0_state` = 'closed'
            THEN 1
            ELSE 0
          END AS `imx_km_e`
        FROM `imx_units`
      ) AS `imx_km0`
    ) AS `imx_km1`
  ) AS `imx_km2`
  GROUP BY
    CAST(`k0` AS STRING)
  UNION ALL
  SELECT
    'TAT' AS `metric`,
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
    CAST(MIN(
      IF(
        `imx_km_e` = 1
        AND (
          `imx_km_z` = 1 OR `imx_km_ls` <= CAST(-0.6931471785599453 AS FLOAT64)
        ),
        `imx_km_t`,
        NULL
      )
    ) AS FLOAT64) AS `st0`,
    CAST(PERCENTILE_CONT(IF(`m0_state` = 'closed', `m0_val`, NULL), CAST(0.5 AS FLOAT64)) AS FLOAT64) AS `st1`,
    CAST(MIN(
      IF(
        `imx_km_e` = 1
        AND (
          `imx_km_z` = 1 OR `imx_km_ls` <= CAST(-2.302585082994046 AS FLOAT64)
        ),
        `imx_km_t`,
        NULL
      )
    ) AS FLOAT64) AS `st2`,
    CAST(ARRAY_SLICE(
      ARRAY_SORT(ARRAY_UNIQUE_AGG(CASE WHEN `m0_excl` = CAST(1 AS INT64) THEN `label` END)),
      1,
      5
    ) AS ARRAY<STRING>) AS `example`
  FROM (
    SELECT
      *,
      SUM(
        CASE
          WHEN `imx_km_r` = 1 AND `imx_km_d` > 0 AND `imx_km_d` < `imx_km_n`
          THEN LN(CAST(1.0 AS FLOAT64) - CAST(`imx_km_d` AS FLOAT64) / CAST(`imx_km_n` AS FLOAT64))
          ELSE CAST(0.0 AS FLOAT64)
        END
      ) OVER (ORDER BY `imx_km_t` ASC) AS `imx_km_ls`,
      MAX(CASE WHEN `imx_km_d` > 0 AND `imx_km_d` = `imx_km_n` THEN 1 ELSE 0 END) OVER (ORDER BY `imx_km_t` ASC) AS `imx_km_z`
    FROM (
      SELECT
        *,
        COUNT(`imx_km_t`) OVER (ORDER BY `imx_km_t` DESC) AS `imx_km_n`,
        SUM(`imx_km_e`) OVER (PARTITION BY `imx_km_t`) AS `imx_km_d`,
        ROW_NUMBER() OVER (PARTITION BY `imx_km_t` ORDER BY `imx_km_t` ASC NULLS LAST) AS `imx_km_r`
      FROM (
        SELECT
          *,
          CASE
            WHEN (
              (
                `m0_state` = 'closed'
              ) OR (
                `m0_state` = 'open'
              )
            )
            THEN CASE WHEN `m0_state` = 'open' THEN `m0_cen` ELSE `m0_val` END
          END AS `imx_km_t`,
          CASE
            WHEN (
              (
                `m0_state` = 'closed'
              ) OR (
                `m0_state` = 'open'
              )
            )
            AND `m0_state` = 'closed'
            THEN 1
            ELSE 0
          END AS `imx_km_e`
        FROM `imx_units`
      ) AS `imx_km0`
    ) AS `imx_km1`
  ) AS `imx_km2`
) AS `imx_raw`

-- HRS
WITH `imx_facts` AS (
  SELECT
    `e`.`study` AS `k0`,
    `e`.`site` AS `k1`,
    `e`.`subject` AS `k2`,
    `e`.`timepoint` AS `k3`,
    MIN(IF(`e`.`event` = 'scan_acquired', `e`.`at`, NULL)) AS `f0`,
    MIN(IF(`e`.`event` = 'images_received', `e`.`at`, NULL)) AS `f1`
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
    TRUE AS `m0_pop`,
    CAST(NULL AS INT64) AS `m0_uex`,
    CASE
      WHEN `f0` IS NULL
      THEN 'outside'
      WHEN `f1` IS NULL
      THEN 'open'
      WHEN `f1` < `f0`
      THEN 'negative'
      ELSE 'closed'
    END AS `m0_raw`,
    TIMESTAMP_DIFF(`f1`, `f0`, MICROSECOND) AS `m0_val`,
    TIMESTAMP_DIFF(CURRENT_TIMESTAMP(), `f0`, MICROSECOND) AS `m0_cen`
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
    'HRS' AS `metric`,
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
    CAST(MIN(
      IF(
        `imx_km_e` = 1
        AND (
          `imx_km_z` = 1 OR `imx_km_ls` <= CAST(-0.6931471785599453 AS FLOAT64)
        ),
        `imx_km_t`,
        NULL
      )
    ) AS FLOAT64) AS `st0`,
    CAST(ARRAY_SLICE(
      ARRAY_SORT(ARRAY_UNIQUE_AGG(CASE WHEN `m0_excl` = CAST(1 AS INT64) THEN `label` END)),
      1,
      5
    ) AS ARRAY<STRING>) AS `example`
  FROM (
    SELECT
      *,
      SUM(
        CASE
          WHEN `imx_km_r` = 1 AND `imx_km_d` > 0 AND `imx_km_d` < `imx_km_n`
          THEN LN(CAST(1.0 AS FLOAT64) - CAST(`imx_km_d` AS FLOAT64) / CAST(`imx_km_n` AS FLOAT64))
          ELSE CAST(0.0 AS FLOAT64)
        END
      ) OVER (ORDER BY `imx_km_t` ASC) AS `imx_km_ls`,
      MAX(CASE WHEN `imx_km_d` > 0 AND `imx_km_d` = `imx_km_n` THEN 1 ELSE 0 END) OVER (ORDER BY `imx_km_t` ASC) AS `imx_km_z`
    FROM (
      SELECT
        *,
        COUNT(`imx_km_t`) OVER (ORDER BY `imx_km_t` DESC) AS `imx_km_n`,
        SUM(`imx_km_e`) OVER (PARTITION BY `imx_km_t`) AS `imx_km_d`,
        ROW_NUMBER() OVER (PARTITION BY `imx_km_t` ORDER BY `imx_km_t` ASC NULLS LAST) AS `imx_km_r`
      FROM (
        SELECT
          *,
          CASE
            WHEN (
              (
                `m0_state` = 'closed'
              ) OR (
                `m0_state` = 'open'
              )
            )
            THEN CASE WHEN `m0_state` = 'open' THEN `m0_cen` ELSE `m0_val` END
          END AS `imx_km_t`,
          CASE
            WHEN (
              (
                `m0_state` = 'closed'
              ) OR (
                `m0_state` = 'open'
              )
            )
            AND `m0_state` = 'closed'
            THEN 1
            ELSE 0
          END AS `imx_km_e`
        FROM `imx_units`
      ) AS `imx_km0`
    ) AS `imx_km1`
  ) AS `imx_km2`
  UNION ALL
  SELECT
    'HRS' AS `metric`,
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
    CAST(MIN(
      IF(
        `imx_km_e` = 1
        AND (
          `imx_km_z` = 1 OR `imx_km_ls` <= CAST(-0.6931471785599453 AS FLOAT64)
        ),
        `imx_km_t`,
        NULL
      )
    ) AS FLOAT64) AS `st0`,
    CAST(ARRAY_SLICE(
      ARRAY_SORT(ARRAY_UNIQUE_AGG(CASE WHEN `m0_excl` = CAST(1 AS INT64) THEN `label` END)),
      1,
      5
    ) AS ARRAY<STRING>) AS `example`
  FROM (
    SELECT
      *,
      SUM(
        CASE
          WHEN `imx_km_r` = 1 AND `imx_km_d` > 0 AND `imx_km_d` < `imx_km_n`
          THEN LN(CAST(1.0 AS FLOAT64) - CAST(`imx_km_d` AS FLOAT64) / CAST(`imx_km_n` AS FLOAT64))
          ELSE CAST(0.0 AS FLOAT64)
        END
      ) OVER (ORDER BY `imx_km_t` ASC) AS `imx_km_ls`,
      MAX(CASE WHEN `imx_km_d` > 0 AND `imx_km_d` = `imx_km_n` THEN 1 ELSE 0 END) OVER (ORDER BY `imx_km_t` ASC) AS `imx_km_z`
    FROM (
      SELECT
        *,
        COUNT(`imx_km_t`) OVER (ORDER BY `imx_km_t` DESC) AS `imx_km_n`,
        SUM(`imx_km_e`) OVER (PARTITION BY `imx_km_t`) AS `imx_km_d`,
        ROW_NUMBER() OVER (PARTITION BY `imx_km_t` ORDER BY `imx_km_t` ASC NULLS LAST) AS `imx_km_r`
      FROM (
        SELECT
          *,
          CASE
            WHEN (
              (
                `m0_state` = 'closed'
              ) OR (
                `m0_state` = 'open'
              )
            )
            THEN CASE WHEN `m0_state` = 'open' THEN `m0_cen` ELSE `m0_val` END
          END AS `imx_km_t`,
          CASE
            WHEN (
              (
                `m0_state` = 'closed'
              ) OR (
                `m0_state` = 'open'
              )
            )
            AND `m0_state` = 'closed'
            THEN 1
            ELSE 0
          END AS `imx_km_e`
        FROM `imx_units`
      ) AS `imx_km0`
    ) AS `imx_km1`
  ) AS `imx_km2`
) AS `imx_raw`

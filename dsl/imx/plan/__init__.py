"""Model + run options + as_of → logical plan: per grain, unit facts → unit values → aggregates.

The plan lowers every metric (and each of its variants) into a tiny core expression language
(:data:`IR`: columns, typed literals, calls to a fixed vocabulary, CASE) over one row per unit.
``sql.py`` compiles that language to sqlglot trees and ``reference.py`` interprets it in Python, so
the semantic decisions (rules 2, 4–9, 11, 12) are made once, here.

Per grain (a distinct unit of analysis) the plan holds: the facts to aggregate from the event rows
(one pass), dimension joins, then ordered *stages* of named unit columns, then aggregation branches
(one per metric × level × period mode). Per metric ``m<i>`` the unit columns are:

* ``m<i>_layer`` the variant label judging the unit's study (``base`` when none or conflicting);
* ``m<i>_pop`` true when every ``where`` holds (unknown is false);
* ``m<i>_excl`` index into the metric's ``reasons`` when the unit is set aside: a user exclusion
  (first listed that holds), or a built-in reason (``outside-measure``: no start/anchor,
  ``negative-duration``: end before start, ``null-value``: numeric amount is null);
* ``m<i>_state`` ``met``/``missed``/``pending`` (rate), ``open``/``closed`` (duration), ``closed``
  (ratio, count, value) for population units not set aside;
* ``m<i>_val`` the unit's number: duration in raw units (microseconds for hours/days, whole
  business days), ratio/count/value amount;
* ``m<i>_pk`` the integer period key (``yyyymm``, ``yyyyq``, ``yyyy``; UTC calendar periods); in a
  series grain (rule 18: a unit row per unit and cut, ``imx_cut`` read by ``as_of``), the
  period of the row's cut in the default calendar's zone, null for the data cut's own rows.

``contract.py`` declares what every engine gives back: the raw aggregate rows' columns and types,
and the canonical order of results (:data:`RESULT_ORDER`); and, when a run asks for them
(``build_plan(..., units=...)``), each metric's unit rows (``units.py``, semantics rule 29): the
columns (:func:`unit_names`), their types (:func:`unit_schema`) and order (:func:`sort_units`).
"""

from __future__ import annotations

from imx.data import EXAMPLES
from imx.plan.build import UNIT_CHOICES, build_plan, by_choices, chosen_levels
from imx.plan.contract import (
    BY_RANK,
    EXAMPLE,
    GROUP_COLUMNS,
    LEVEL_RANK,
    OTHER_RANK,
    OUTCOMES,
    RESULT_ORDER,
    VARIANT,
    OrderKey,
    by_names,
    in_order,
    level_ranks,
    metric_ranks,
    order_keys,
    raw_columns,
    raw_schema,
    reason_column,
    result_order_keys,
    sort_by_keys,
    sort_units,
    stat_column,
    unit_names,
    unit_schema,
    variant_labels,
)
from imx.plan.lower import stat_quantile
from imx.plan.nodes import (
    AGGREGATES,
    ALL_LEVEL,
    BASE,
    CONFLICT,
    CUT,
    CUT_PERIOD,
    FUNCTIONS,
    IR,
    KM_TOLERANCE,
    MIXED,
    NEGATIVE,
    Agg,
    Branch,
    Call,
    Case,
    Col,
    DimJoin,
    FactSpec,
    GrainPlan,
    Layer,
    Lit,
    LitValue,
    MetricPlan,
    Plan,
    PlanError,
    UnitRows,
    call,
    text,
    utc,
)
from imx.plan.units import WHY_CALENDAR

__all__ = [
    "AGGREGATES", "ALL_LEVEL", "BASE", "CONFLICT", "CUT", "CUT_PERIOD", "BY_RANK", "EXAMPLE", "EXAMPLES", "FUNCTIONS", "GROUP_COLUMNS", "IR", "KM_TOLERANCE", "LEVEL_RANK",
    "MIXED", "NEGATIVE", "OTHER_RANK", "OUTCOMES", "UNIT_CHOICES", "UnitRows", "WHY_CALENDAR", "RESULT_ORDER", "VARIANT", "Agg", "Branch", "Call", "Case",
    "Col", "DimJoin", "FactSpec", "GrainPlan", "Layer", "Lit", "LitValue", "MetricPlan", "OrderKey",
    "Plan", "PlanError", "build_plan", "by_choices", "by_names", "chosen_levels", "call", "in_order", "level_ranks", "metric_ranks",
    "order_keys", "raw_columns", "raw_schema", "reason_column", "result_order_keys", "sort_by_keys",
    "sort_units", "stat_column", "stat_quantile", "text", "unit_names", "unit_schema", "utc", "variant_labels",
]  # fmt: skip

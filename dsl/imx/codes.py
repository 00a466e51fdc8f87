"""The registry of diagnostic codes: each code's stable name, its severity and a one-line summary.

A code is the stable, searchable part of a diagnostic (``unknown-event``): scripts, CI rules and
SARIF viewers rely on it. Every code imx can report is declared here once; the messages of
:mod:`imx.messages` carry one of them, ``docs/diagnostics.md`` documents each of them (a test
holds the two together) and the SARIF log lists them as its rules.

>>> UNKNOWN_EVENT.name, UNKNOWN_EVENT.severity.value
('unknown-event', 'error')
>>> lookup("unused-param").severity is Severity.WARNING
True
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@dataclass(frozen=True)
class Code:
    """A diagnostic code: its kebab-case ``name``, its ``severity`` and a one-line ``summary``."""

    name: str
    severity: Severity
    summary: str

    def __str__(self) -> str:
        return self.name


_REGISTRY: dict[str, Code] = {}
_NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")


def _code(name: str, summary: str, severity: Severity = Severity.ERROR) -> Code:
    if not _NAME.fullmatch(name) or name in _REGISTRY:
        raise ValueError(f"diagnostic code {name!r} is not kebab-case or is declared twice")
    code = Code(name, severity, summary)
    _REGISTRY[name] = code
    return code


def all_codes() -> tuple[Code, ...]:
    """Every registered code, in the order of declaration."""
    return tuple(_REGISTRY.values())


def lookup(name: str) -> Code:
    """The code called ``name``; ``KeyError`` if there is none."""
    return _REGISTRY[name]


W = Severity.WARNING

# Reading files
FILE_NOT_FOUND = _code("file-not-found", "a path given, or named by an import, does not exist")
FILE_UNREADABLE = _code("file-unreadable", "a file could not be read as UTF-8 text")
UNKNOWN_IMPORT = _code("unknown-import", "`import stdlib.X` names no file of the standard library")

# Syntax
SYNTAX_DOUBLE_EQUALS = _code("syntax-double-equals", "`==` was written; imx compares with `=`")
SYNTAX_UNQUOTED_TITLE = _code("syntax-unquoted-title", "a title is not in double quotes")
SYNTAX_ONE_FIELD_PER_LINE = _code("syntax-one-field-per-line", "two fields on one line")
SYNTAX_MISSING_DIRECTION = _code("syntax-missing-direction", "`bands { … }` without a direction")
SYNTAX_MISSING_COMMA = _code("syntax-missing-comma", "list items without commas between them")
SYNTAX_WITHIN_NEEDS_OF = _code("syntax-within-needs-of", "`B within W` without `of A`")
SYNTAX_DURATION_NEEDS_UNIT = _code(
    "syntax-duration-needs-unit", "`duration from A to B` without `in UNIT`"
)
SYNTAX_UNCLOSED_BRACE = _code("syntax-unclosed-brace", "a block is never closed")
SYNTAX_UNCLOSED_STRING = _code("syntax-unclosed-string", "a string is never closed")
UNKNOWN_FIELD = _code("unknown-field", "a word that is not a field of a metric")
SYNTAX_ERROR = _code("syntax-error", "any other syntax error")
EXPRESSION_TOO_DEEP = _code(
    "expression-too-deep", "an expression nested deeper than imx compiles and evaluates"
)

# Names
DUPLICATE_DEFINITION = _code("duplicate-definition", "two definitions with one name")
DUPLICATE_FIELD = _code("duplicate-field", "a field given twice in one definition")
MISSING_FIELD = _code("missing-field", "a required field is missing")
MULTIPLE_MEASURES = _code("multiple-measures", "more than one measure in one metric")
FIELD_NOT_ALLOWED = _code("field-not-allowed", "a field where it means nothing")
UNKNOWN_EVENT = _code("unknown-event", "an event that is not declared")
UNKNOWN_COLUMN = _code("unknown-column", "a column or attribute that is not declared")
UNKNOWN_TABLE = _code("unknown-table", "a table that is not declared")
UNKNOWN_UNIT = _code("unknown-unit", "a unit that is not declared")
UNKNOWN_METRIC = _code("unknown-metric", "a metric that is not declared")
UNKNOWN_VERSION = _code("unknown-version", "a version of a metric that is not declared")
VERSION_CHAIN = _code(
    "version-chain", "versions of one metric that do not form one `supersedes` chain"
)
MISSING_VERSION = _code("missing-version", "a metric declared both with and without a version")
BAD_VERSION = _code("bad-version", "a version that `ID@V` could not name")
NO_CURRENT_VERSION = _code(
    "no-current-version", "a metric named without a version whose every version is retired"
)
UNKNOWN_CALENDAR = _code("unknown-calendar", "a calendar that is not declared")
UNKNOWN_PARAM = _code("unknown-param", "a param that is not declared")
UNKNOWN_FUNCTION = _code("unknown-function", "a function imx does not have")
UNKNOWN_CSF = _code("unknown-csf", "a critical success factor that is not declared")
UNKNOWN_VARIANT = _code("unknown-variant", "a variant that is not declared")
UNKNOWN_NAME = _code("unknown-name", "a name that is neither a param nor a column")
UNKNOWN_CATEGORY = _code("unknown-category", "a word that is not a metric category")
UNKNOWN_STATUS = _code("unknown-status", "a word that is not a metric status")
UNKNOWN_STATISTIC = _code("unknown-statistic", "a word that is not a summary statistic")
KM_NOT_DURATION = _code(
    "km-not-duration", "a Kaplan–Meier summary on a metric that is not a duration"
)
UNKNOWN_LEVEL = _code("unknown-level", "a word that is not a reporting level")
UNKNOWN_GRAIN = _code("unknown-grain", "a word that is not a period grain")
SERIES_WITH_PERIOD = _code(
    "series-with-period", "a metric with both `series` and `period`: it has one or the other"
)
PERIOD_BY_AS_OF = _code(
    "period-by-as-of", "`period … by` the data cut alone: every unit in one period; use `series`"
)
UNKNOWN_DIRECTION = _code("unknown-direction", "a word that is not a band direction")
UNKNOWN_TIME_UNIT = _code("unknown-time-unit", "a word that is not a time unit")
UNKNOWN_TYPE = _code("unknown-type", "a word that is not a column type")
UNKNOWN_WEEKDAY = _code("unknown-weekday", "a word that is not a weekday")
UNKNOWN_TIMEZONE = _code("unknown-timezone", "a name that is not an IANA time zone")
UNKNOWN_COUNTRY = _code("unknown-country", "a code that is not a country with known holidays")
UNKNOWN_EXPECT_KEY = _code("unknown-expect-key", "something an example cannot expect")
UNUSED_PARAM = _code("unused-param", "a param no expression uses", W)

# Schema
NOT_A_KEY = _code("not-a-key", "a unit names a column that is not a key of `events`")
MISSING_COLUMN = _code("missing-column", "a table lacks a column imx needs")
CALENDAR_DEFAULT = _code("calendar-default", "not exactly one calendar is the default")
RESERVED_NAME = _code("reserved-name", "a table name that begins with imx's own prefix `imx_`")
INVALID_DATE = _code("invalid-date", "a malformed date or timestamp")
INVALID_VALUE = _code("invalid-value", "a malformed or out-of-range number or literal")

# Levels
LEVEL_FINER_THAN_UNIT = _code(
    "level-finer-than-unit", "`by X` where one unit of the metric spans several values of X"
)
CROSSED_LEVEL = _code(
    "crossed-level", "`by X and Y and Z`, or a name crossed with itself: a level crosses two names"
)

# Event and unit attributes
UNIT_ATTRIBUTE_NAME = _code(
    "unit-attribute-name", "a unit attribute named like a name it would hide (key, column, event)"
)

# Types and units
TYPE_MISMATCH = _code("type-mismatch", "an expression of the wrong type for its place")
WRONG_ARITY = _code("wrong-arity", "a function called with the wrong number of arguments")
PARAM_UNIT_MISMATCH = _code("param-unit-mismatch", "a param of the wrong kind where it is used")
RATIO_UNIT_MISMATCH = _code("ratio-unit-mismatch", "`per N units` names another unit")

# Bands and targets
BAND_UNIT_MISMATCH = _code("band-unit-mismatch", "a bound in a unit the value does not have")
BAND_UNREACHABLE = _code("band-unreachable", "a band that can never be chosen")
BAND_GAP = _code("band-gap", "values that no band covers")
BAND_DIRECTION = _code("band-direction", "bounds that contradict the bands' direction")
TARGET_UNREACHABLE = _code("target-unreachable", "a target no value of the metric can meet")

# Variants
VARIANT_CHANGES_MEASURE = _code("variant-changes-measure", "a variant changes the measure")
VARIANT_FIELD_NOT_ALLOWED = _code(
    "variant-field-not-allowed", "a variant sets a field only a base metric may set"
)
VARIANT_WHERE_MODE = _code("variant-where-mode", "a variant's filter without replace or extend")
VARIANT_OVERLAP = _code(
    "variant-overlap", "two equally specific variants of one metric can match one study or unit"
)
SELECTOR_AMBIGUOUS = _code(
    "selector-ambiguous", "a selector name that is two of: study, site and unit attribute"
)
SELECTOR_FINER_THAN_UNIT = _code(
    "selector-finer-than-unit", "a selector on an attribute one unit of the metric has several of"
)
VARIANT_MISSING_RATIONALE = _code("variant-missing-rationale", "a variant without rationale", W)

# Examples
EXAMPLE_ROW_WIDTH = _code("example-row-width", "a row with more or fewer cells than the header")
EXAMPLE_BAD_VALUE = _code("example-bad-value", "a malformed cell or expectation in an example")

# Practice
MISSING_COMPANION = _code(
    "missing-companion", "a cycle-time or timeliness metric without a companion", W
)

# Bugs
INTERNAL_ERROR = _code("internal-error", "imx itself failed: a bug in imx, not in your files")

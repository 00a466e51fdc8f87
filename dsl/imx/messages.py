"""The registry of diagnostic messages: one constant per message, formatted where reported."""

from __future__ import annotations

# Syntax
UNCLOSED_STRING = "this string is never closed"
UNKNOWN_FIELD = "`{}` is not a field of a metric"

# Names
UNKNOWN_NAME = "unknown {} `{}`"
DUPLICATE_DEFINITION = "{} `{}` is defined twice"
FIRST_DEFINED_HERE = "first defined here"
DUPLICATE_FIELD = "`{}` is given twice in {} `{}`"
RESERVED_NAME = "table name `{}` is reserved: names beginning with `imx_` are imx's own"
MISSING_FIELD = "{} `{}` has no `{}`"
INTERNAL_ERROR = "internal error in imx (please report it): {}"

# Project loading
FILE_NOT_FOUND = "no such file or folder: `{}`"
FILE_UNREADABLE = "cannot read `{}`: {}"
NO_IMX_FILES = "the folder `{}` holds no .imx files"
UNKNOWN_IMPORT = "unknown import `{}`"
STDLIB_MISSING = "the standard library is not installed with imx: {}"

# Names and structure (checker)
NO_SUCH_MEMBER = "{} `{}` has no {} `{}`"
MISSING_MEASURE = "metric `{}` has no measure"
NOT_A_KEY = "`{}` is not a key column of table `events`"
MISSING_COLUMN = "table `events` needs a column of type `{}`"
NO_EVENTS_TABLE = "this project declares no `table events`, which every metric reads"
NO_SCHEMA_FOR_METRICS = "metric `{}` needs a schema: declare one or `import stdlib.schema`"
MULTIPLE_MEASURES = "metric `{}` has more than one measure"
FIELD_NOT_ALLOWED = "`{}` is not allowed in {}"
MODE_OUTSIDE_VARIANT = "`{}` is only used in a variant, to state how it changes the base metric"
INVALID_VALUE = "{}"
UNKNOWN_CHOICE = "`{}` is not a {}"
CALENDAR_DEFAULT_NONE = "several calendars are declared and none is marked `default`"
CALENDAR_DEFAULT_MANY = "only one calendar can be the default"
UNKNOWN_TIMEZONE = "`{}` is not a known IANA time zone"
INVALID_DATE = "`{}` is not a valid date"
NAIVE_TIMESTAMP = "the timestamp `{}` has no time zone"
DUPLICATE_IN = "{} is given twice in {}"
MISSING_COMPANION = "{} metric `{}` has no companion metric"
UNUSED_PARAM = "param `{}` is never used"
RATIO_UNIT_MISMATCH = "`{}` does not match the metric's unit `{}`"
NO_CALENDAR = "business days need a calendar, and this project declares none"

# Types
TYPE_MISMATCH = "{}"
PARAM_UNIT_MISMATCH = "param `{}` is {}, but {} is needed here"
WRONG_ARITY = "`{}` takes {} argument(s), not {}"

# Bands and targets
BAND_UNIT_MISMATCH = "{} is {}, but this metric's value is {}"
BAND_UNREACHABLE = "band `{}` can never be reached: {}"
BAND_GAP = "no band covers {}"
BAND_DIRECTION = "{}"

# Variants
VARIANT_CHANGES_MEASURE = "variant `{}` cannot change {} of metric `{}`"
VARIANT_FIELD_NOT_ALLOWED = "`{}` cannot be changed by a variant"
VARIANT_WHERE_MODE = "a variant must say whether its `{}` replaces or extends the base's"
VARIANT_OVERLAP = "variants `{}` and `{}` of `{}` can both match a study"
VARIANT_NO_RATIONALE = "variant `{}` of `{}` gives no `rationale`"
BOTH_MATCH_HERE = "this selector can match the same studies"

# Examples
EXAMPLE_ROW_WIDTH = "this row has {} cell(s), but the header has {}"
EXAMPLE_BAD_VALUE = "`{}` is not {} (column `{}`)"
EXAMPLE_BAD_EXPECT = "`{}` is not a valid expectation for `{}`: {}"
UNKNOWN_EXPECT_KEY = "`{}` is not something an example can expect"

# Type messages (formatted where reported; "must be" messages get ", not <what it is>")
MUST_BE = "{} must be {}"
CANNOT_COMPARE = "cannot compare {} with {}"
CANNOT_APPLY = "cannot apply `{}` to {} and {}"
EQUALITY_ONLY = "{} can only be compared with `=` or `!=`"
FIRST_OF_ARGS = "the arguments of `first_of` must be event names"
NOT_IN_FIRST_OF = "`{}` is not one of the events `first_of` chooses from"
CANNOT_NEGATE = "only a number or a duration can be negated"
WINDOW_NOT_FIXED = "the window of `within` must be a fixed duration"
PERIOD_NEEDS_BY = "this period needs `by` and a timestamp"
INVALID_MIN_N = "min_n must be a whole number, not {}"
INVALID_SCALE = "a ratio is scaled per a positive number of units, not {}"

# Band messages (the reasons of BAND_UNREACHABLE and BAND_DIRECTION)
AFTER_CATCH_ALL = "it comes after the catch-all band `{}`"
SHADOWED = "the bands before it already take every value it would hold"
BAND_OPS = "a band compares with <, <=, > or >=, not `{}`"
TARGET_OPS = "a target compares with <, <=, > or >=, not `{}`"
DIRECTION_OPS = "{} bands compare with `{}` or `{}`"
DIRECTION_ORDER = "the bounds of {} bands must {} from one band to the next"
TWO_SIDED_RANGES = "two_sided bands are ranges (`green 20% .. 40%`), not comparisons"
EMPTY_RANGE = "this range is empty: its low end is above its high end"
RANGES_WIDEN = "each two_sided range must contain the one before it"
TARGET_DIRECTION = "a `{}` target contradicts the bands' direction {}"

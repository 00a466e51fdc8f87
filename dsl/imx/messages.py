"""The registry of message texts: a diagnostic's message is a constant here carrying its code.

A :class:`Message` never travels without its code (:mod:`imx.codes`): ``M.UNKNOWN_EVENT`` is
reported as ``unknown-event`` wherever it is used. Plain strings here are parts of messages
(reasons, labels), formatted into a :class:`Message` where they are reported.
"""

from __future__ import annotations

from dataclasses import dataclass

from imx import codes as C


@dataclass(frozen=True)
class Message:
    """A message text and the diagnostic code it is reported under.

    >>> found = UNKNOWN_EVENT.format("event", "qc_pased")
    >>> found.text, found.code.name
    ('unknown event `qc_pased`', 'unknown-event')
    """

    text: str
    code: C.Code

    def format(self, *args: object) -> Message:
        return Message(self.text.format(*args), self.code)

    def with_additional(self, text: str) -> Message:
        """The same message with ``text`` added at its end (``…, not a number``)."""
        return Message(self.text + text, self.code)


# Syntax
UNCLOSED_STRING = Message("this string is never closed", C.SYNTAX_UNCLOSED_STRING)
UNKNOWN_FIELD = Message("`{}` is not a field of a metric", C.UNKNOWN_FIELD)
PARSER_FAILED = Message("the parser failed unexpectedly: {}", C.INTERNAL_ERROR)
EXPRESSION_TOO_DEEP = Message(
    "this expression nests {} levels deep; imx compiles expressions up to {} levels",
    C.EXPRESSION_TOO_DEEP,
)
EXPRESSION_TOO_DEEP_HINT = (
    "each operator, `not`, unary `-` and call is a level: shorten long sums or chains"
    " (`not not x` is `x`, `- - x` is `x`)"
)

# Syntax: the table of common mistakes (imx.syntax.errors.MISTAKES)
DOUBLE_EQUALS = Message("`==` is not an operator in imx", C.SYNTAX_DOUBLE_EQUALS)
UNQUOTED_TITLE = Message("a title must be in double quotes", C.SYNTAX_UNQUOTED_TITLE)
ONE_FIELD_PER_LINE = Message("each field starts on its own line", C.SYNTAX_ONE_FIELD_PER_LINE)
MISSING_DIRECTION = Message("bands need a direction before the `{`", C.SYNTAX_MISSING_DIRECTION)
MISSING_COMMA = Message("list items are separated by commas", C.SYNTAX_MISSING_COMMA)
WITHIN_NEEDS_OF = Message(
    "`within` needs `of` and the event the window starts from", C.SYNTAX_WITHIN_NEEDS_OF
)
DURATION_NEEDS_UNIT = Message(
    "a duration measure ends with the unit it is counted in", C.SYNTAX_DURATION_NEEDS_UNIT
)
UNCLOSED_BRACE = Message("this block is never closed", C.SYNTAX_UNCLOSED_BRACE)

# Syntax: anything else
ENDS_EARLY = Message("the file ends in the middle of a definition", C.SYNTAX_ERROR)
LINE_ENDS_EARLY = Message("this line ends too early", C.SYNTAX_ERROR)
UNEXPECTED_TOKEN = Message("unexpected `{}` here", C.SYNTAX_ERROR)
STRING_NEVER_CLOSED = Message("this string is never closed", C.SYNTAX_ERROR)
UNEXPECTED_CHARACTER = Message("unexpected character `{}`", C.SYNTAX_ERROR)
UNREADABLE_TEXT = Message("the text cannot be read here", C.SYNTAX_ERROR)

# Names
# Unknown names: one message per code, each worded `unknown <kind> `<name>``
_UNKNOWN = "unknown {} `{}`"
UNKNOWN_EVENT = Message(_UNKNOWN, C.UNKNOWN_EVENT)
UNKNOWN_COLUMN = Message(_UNKNOWN, C.UNKNOWN_COLUMN)
UNKNOWN_TABLE = Message(_UNKNOWN, C.UNKNOWN_TABLE)
UNKNOWN_UNIT = Message(_UNKNOWN, C.UNKNOWN_UNIT)
UNKNOWN_METRIC = Message(_UNKNOWN, C.UNKNOWN_METRIC)
UNKNOWN_CALENDAR = Message(_UNKNOWN, C.UNKNOWN_CALENDAR)
UNKNOWN_PARAM = Message(_UNKNOWN, C.UNKNOWN_PARAM)
UNKNOWN_FUNCTION = Message(_UNKNOWN, C.UNKNOWN_FUNCTION)
UNKNOWN_CSF = Message(_UNKNOWN, C.UNKNOWN_CSF)
UNKNOWN_VARIANT = Message(_UNKNOWN, C.UNKNOWN_VARIANT)
UNKNOWN_NAME = Message(_UNKNOWN, C.UNKNOWN_NAME)
UNKNOWN_TIME_UNIT = Message(_UNKNOWN, C.UNKNOWN_TIME_UNIT)
UNKNOWN_WEEKDAY = Message(_UNKNOWN, C.UNKNOWN_WEEKDAY)
UNKNOWN_STATISTIC = Message(_UNKNOWN, C.UNKNOWN_STATISTIC)
KM_NOT_DURATION = Message(
    "`{}` is a Kaplan–Meier summary of durations, not of a {} metric", C.KM_NOT_DURATION
)
UNKNOWN_LEVEL = Message(_UNKNOWN, C.UNKNOWN_LEVEL)
LEVEL_FINER_THAN_UNIT = Message(
    "cannot group unit `{}` by `{}`: one {} can span several of its values",
    C.LEVEL_FINER_THAN_UNIT,
)
CROSSED_TOO_MANY = Message("a `by` level crosses two names, not {}", C.CROSSED_LEVEL)
CROSSED_WITH_ITSELF = Message("`{}` is crossed with itself", C.CROSSED_LEVEL)
LEVEL_TYPE = Message(
    "cannot group by `{}`: it is {}, not text, a number or a boolean", C.TYPE_MISMATCH
)
UNKNOWN_TYPE = Message(_UNKNOWN, C.UNKNOWN_TYPE)
UNKNOWN_COUNTRY = Message(_UNKNOWN, C.UNKNOWN_COUNTRY)
DUPLICATE_DEFINITION = Message("{} `{}` is defined twice", C.DUPLICATE_DEFINITION)
# Versions of a metric (semantics rule 27)
UNKNOWN_VERSION = Message("metric `{}` has no version `{}`", C.UNKNOWN_VERSION)
SUPERSEDES_ITSELF = Message("version `{}` of `{}` supersedes itself", C.VERSION_CHAIN)
TWO_FIRST_VERSIONS = Message(
    "versions `{}` and `{}` of `{}` both supersede nothing", C.VERSION_CHAIN
)
TWO_SUCCESSORS = Message("versions `{}` and `{}` of `{}` both supersede `{}`", C.VERSION_CHAIN)
VERSION_CYCLE = Message("the versions of `{}` supersede each other in a circle", C.VERSION_CHAIN)
MISSING_VERSION = Message(
    "metric `{}` has no version, but other definitions of it have one", C.MISSING_VERSION
)
BAD_VERSION = Message("version `{}` cannot be named as `{}@{}`", C.BAD_VERSION)
NO_CURRENT_VERSION = Message(
    "every version of metric `{}` is retired, so `{}` names none", C.NO_CURRENT_VERSION
)
FIRST_DEFINED_HERE = "first defined here"
DUPLICATE_FIELD = Message("`{}` is given twice in {} `{}`", C.DUPLICATE_FIELD)
RESERVED_NAME = Message(
    "table name `{}` is reserved: names beginning with `imx_` are imx's own", C.RESERVED_NAME
)
MISSING_FIELD = Message("{} `{}` has no `{}`", C.MISSING_FIELD)
INTERNAL_ERROR = Message("internal error in imx (please report it): {}", C.INTERNAL_ERROR)

# Project loading
FILE_NOT_FOUND = Message("no such file or folder: `{}`", C.FILE_NOT_FOUND)
FILE_UNREADABLE = Message("cannot read `{}`: {}", C.FILE_UNREADABLE)
NO_IMX_FILES = Message("the folder `{}` holds no .imx files", C.FILE_NOT_FOUND)
UNKNOWN_IMPORT = Message("unknown import `{}`", C.UNKNOWN_IMPORT)
STDLIB_MISSING = Message("the standard library is not installed with imx: {}", C.UNKNOWN_IMPORT)

# Formatting (imx fmt)
FMT_CANNOT_READ = "cannot read `{}`: {}"
FMT_CANNOT_WRITE = "cannot write `{}`: {}"
FMT_NOT_FORMATTED = "{} file(s) not formatted: they cannot be read or written, or do not parse"
FIX_APPLIED = "fixed {} problem(s) in {}"
FIX_REFUSED = "{}: not fixed: the file would not parse after its {} fix(es), so it is left as it is"
FIX_UNWRITABLE = "{}: not fixed: {}"
FORMAT_CHANGES_MEANING = Message(
    "formatting would change {} of this file, so it is left as it is (a bug in imx: please report"
    " it with the file)",
    C.INTERNAL_ERROR,
)

# Names and structure (checker)
_NO_SUCH_MEMBER = "{} `{}` has no {} `{}`"
NO_SUCH_COLUMN = Message(_NO_SUCH_MEMBER, C.UNKNOWN_COLUMN)
NO_SUCH_PARAM = Message(_NO_SUCH_MEMBER, C.UNKNOWN_PARAM)
MISSING_MEASURE = Message("metric `{}` has no measure", C.MISSING_FIELD)
NOT_A_KEY = Message("`{}` is not a key column of table `events`", C.NOT_A_KEY)
MISSING_COLUMN = Message("table `events` needs a column of type `{}`", C.MISSING_COLUMN)
NO_EVENTS_TABLE = Message(
    "this project declares no `table events`, which every metric reads", C.UNKNOWN_TABLE
)
NO_SCHEMA_FOR_METRICS = "metric `{}` needs a schema: declare one or `import stdlib.schema`"
MULTIPLE_MEASURES = Message("metric `{}` has more than one measure", C.MULTIPLE_MEASURES)
_NOT_ALLOWED = "`{}` is not allowed in {}"
FIELD_NOT_ALLOWED = Message(_NOT_ALLOWED, C.FIELD_NOT_ALLOWED)
MODE_NOT_ALLOWED = Message(_NOT_ALLOWED, C.VARIANT_FIELD_NOT_ALLOWED)
MODE_OUTSIDE_VARIANT = Message(
    "`{}` is only used in a variant, to state how it changes the base metric", C.FIELD_NOT_ALLOWED
)
INVALID_VALUE = Message("{}", C.INVALID_VALUE)
# A word outside a fixed vocabulary: `<word>` is not a <vocabulary>
_NOT_A = "`{}` is not a {}"
UNKNOWN_CATEGORY = Message(_NOT_A, C.UNKNOWN_CATEGORY)
UNKNOWN_STATUS = Message(_NOT_A, C.UNKNOWN_STATUS)
UNKNOWN_GRAIN = Message(_NOT_A, C.UNKNOWN_GRAIN)
UNKNOWN_DIRECTION = Message(_NOT_A, C.UNKNOWN_DIRECTION)
CALENDAR_DEFAULT_NONE = Message(
    "several calendars are declared and none is marked `default`", C.CALENDAR_DEFAULT
)
CALENDAR_DEFAULT_MANY = Message("only one calendar can be the default", C.CALENDAR_DEFAULT)
UNKNOWN_TIMEZONE = Message("`{}` is not a known IANA time zone", C.UNKNOWN_TIMEZONE)
INVALID_DATE = Message("`{}` is not a valid date", C.INVALID_DATE)
NAIVE_TIMESTAMP = Message("the timestamp `{}` has no time zone", C.INVALID_DATE)
DUPLICATE_IN = Message("{} is given twice in {}", C.DUPLICATE_FIELD)
MISSING_COMPANION = Message("{} metric `{}` has no companion metric", C.MISSING_COMPANION)
UNUSED_PARAM = Message("param `{}` is never used", C.UNUSED_PARAM)
RATIO_UNIT_MISMATCH = Message("`{}` does not match the metric's unit `{}`", C.RATIO_UNIT_MISMATCH)
NO_CALENDAR = Message(
    "business days need a calendar, and this project declares none", C.UNKNOWN_CALENDAR
)

# Types
TYPE_MISMATCH = Message("{}", C.TYPE_MISMATCH)
PARAM_UNIT_MISMATCH = Message("param `{}` is {}, but {} is needed here", C.PARAM_UNIT_MISMATCH)
WRONG_ARITY = Message("`{}` takes {} argument(s), not {}", C.WRONG_ARITY)

# Bands and targets
BAND_UNIT_MISMATCH = Message("{} is {}, but this metric's value is {}", C.BAND_UNIT_MISMATCH)
BAND_UNREACHABLE = Message("band `{}` can never be reached: {}", C.BAND_UNREACHABLE)
BAND_GAP = Message("no band covers {}", C.BAND_GAP)
BAND_DIRECTION = Message("{}", C.BAND_DIRECTION)

# Variants
VARIANT_CHANGES_MEASURE = Message(
    "variant `{}` cannot change {} of metric `{}`", C.VARIANT_CHANGES_MEASURE
)
VARIANT_FIELD_NOT_ALLOWED = Message(
    "`{}` cannot be changed by a variant", C.VARIANT_FIELD_NOT_ALLOWED
)
VARIANT_WHERE_MODE = Message(
    "a variant must say whether its `{}` replaces or extends the base's", C.VARIANT_WHERE_MODE
)
VARIANT_OVERLAP = Message(
    "variants `{}` and `{}` of `{}` are equally specific and can both match a {}",
    C.VARIANT_OVERLAP,
)
SELECTOR_AMBIGUOUS = Message("selector `{}` is ambiguous: it is {}", C.SELECTOR_AMBIGUOUS)
SELECTOR_FINER_THAN_UNIT = Message(
    "cannot select on `{}`: it is {}, and one unit `{}` can span several {}",
    C.SELECTOR_FINER_THAN_UNIT,
)
SELECTOR_TYPE = Message("cannot select on `{}`: its values are {}, not text", C.TYPE_MISMATCH)
VARIANT_NO_RATIONALE = Message(
    "variant `{}` of `{}` gives no `rationale`", C.VARIANT_MISSING_RATIONALE
)
BOTH_MATCH_HERE = "this selector can match the same {}"

# Examples
EXAMPLE_ROW_WIDTH = Message("this row has {} cell(s), but the header has {}", C.EXAMPLE_ROW_WIDTH)
EXAMPLE_BAD_VALUE = Message("`{}` is not {} (column `{}`)", C.EXAMPLE_BAD_VALUE)
EXAMPLE_BAD_EXPECT = Message("`{}` is not a valid expectation for `{}`: {}", C.EXAMPLE_BAD_VALUE)
UNKNOWN_EXPECT_KEY = Message("`{}` is not something an example can expect", C.UNKNOWN_EXPECT_KEY)

# Type messages (formatted where reported; "must be" messages get ", not <what it is>")
MUST_BE = "{} must be {}"
CANNOT_COMPARE = "cannot compare {} with {}"
CANNOT_APPLY = Message("cannot apply `{}` to {} and {}", C.TYPE_MISMATCH)
EQUALITY_ONLY = Message("{} can only be compared with `=` or `!=`", C.TYPE_MISMATCH)
FIRST_OF_ARGS = Message("the arguments of `first_of` must be event names", C.TYPE_MISMATCH)
NOT_IN_FIRST_OF = Message("`{}` is not one of the events `first_of` chooses from", C.TYPE_MISMATCH)
CANNOT_NEGATE = "only a number or a duration can be negated"
# Event attributes (semantics rules 14-16) and unit attributes (rule 17)
NOT_AN_ATTRIBUTE = Message("`{}` is not an attribute of an event row: it is {}", C.UNKNOWN_COLUMN)
DISTINCT_TIMESTAMP = Message(
    "`count distinct` cannot count the timestamps of `{}`: instants almost never repeat",
    C.TYPE_MISMATCH,
)
IN_MIXED = Message("the values after `in` must all be {} like `{}`, not {}", C.TYPE_MISMATCH)
FILTER_VALUE = Message("`{}` is {}, so it cannot be compared with {}", C.TYPE_MISMATCH)
UNIT_ATTRIBUTE_NAME = Message("unit attribute `{}` is named like {}", C.UNIT_ATTRIBUTE_NAME)
UNIT_ATTRIBUTE_TYPE = Message(
    "unit attribute `{}` is {}; a unit attribute is text, a number, a timestamp, a date or a "
    "condition",
    C.TYPE_MISMATCH,
)
WINDOW_NOT_FIXED = "the window of `within` must be a fixed duration"
PERIOD_NEEDS_BY = Message("this period needs `by` and a timestamp", C.MISSING_FIELD)
SERIES_WITH_PERIOD = Message(
    "a metric has `series` or `period`, not both: a series already gives a row per period",
    C.SERIES_WITH_PERIOD,
)
PERIOD_BY_AS_OF = Message(
    "`period {} by` the data cut puts every unit in the one period of `as_of`", C.PERIOD_BY_AS_OF
)
LONE_SURROGATE = Message(
    "this string holds `{}`, one half of a UTF-16 pair, which no UTF-8 file or terminal can hold",
    C.INVALID_VALUE,
)
INVALID_MIN_N = Message("min_n must be a whole number, not {}", C.INVALID_VALUE)
INVALID_SCALE = Message("a ratio is scaled per a positive number of units, not {}", C.INVALID_VALUE)
NUMBER_TOO_LARGE = Message(
    "`{}` is too large: a number in imx has at most {} digits before the point", C.INVALID_VALUE
)
MIN_N_TOO_LARGE = Message(
    "min_n {} is more units than any data holds: it has at most {} digits", C.INVALID_VALUE
)
NUMBER_EXPONENT = Message(
    "`{}` is not a number imx reads: numbers are written without an exponent", C.INVALID_VALUE
)
NEGATIVE_LITERAL = Message("a value written here cannot be negative", C.INVALID_VALUE)
NEGATIVE_WINDOW = Message("the window of `within` cannot be negative: {}", C.INVALID_VALUE)
TARGET_UNREACHABLE = Message("this target can never be met: {}", C.TARGET_UNREACHABLE)

# Band messages (the reasons of BAND_UNREACHABLE and BAND_DIRECTION)
AFTER_CATCH_ALL = "it comes after the catch-all band `{}`"
SHADOWED = "the bands before it already take every value it would hold"
OUT_OF_RANGE = "no value of this metric lies in it ({})"
RATE_RANGE = "a rate lies between 0% and 100%"
NEVER_NEGATIVE = "this metric's value is never negative"
BAND_OPS = "a band compares with <, <=, > or >=, not `{}`"
TARGET_OPS = "a target compares with <, <=, > or >=, not `{}`"
DIRECTION_OPS = "{} bands compare with `{}` or `{}`"
DIRECTION_ORDER = "the bounds of {} bands must {} from one band to the next"
TWO_SIDED_RANGES = "two_sided bands are ranges (`green 20% .. 40%`), not comparisons"
EMPTY_RANGE = "this range is empty: its low end is above its high end"
RANGES_WIDEN = "each two_sided range must contain the one before it"
TARGET_DIRECTION = "a `{}` target contradicts the bands' direction {}"

# The command line: options, output paths, run settings, stops (plain texts: errors of a call,
# reported with exit code 2 or more, not diagnostics of a file)
NO_DATA = "no data given"
NO_DATA_HINT = "pass --data DIR or --table events=FILE"
BAD_TABLE_OPTION = "--table `{}` should look like events=path/to/events.parquet"
SPARK_MASTER_ALONE = "--spark-master is for the Spark engine"
NO_SUCH_METRIC_OPTION = "--metric `{}`: no such metric in this project"
TWO_VERSIONS_OPTION = "--metric names two versions of `{}`: {}"
NOT_A_LEVEL = "--level `{}` is not a level"
LEVEL_NOT_DECLARED = "--level `{}`: no chosen metric has this level"
LEVEL_NOT_DECLARED_HINT = (
    "a metric is aggregated only at the levels it declares (or site, study and portfolio when it"
    " declares none); ask for another per metric: --level {}:{}"
)
NO_SUCH_METRIC = "no metric `{}` in this project"
SQL_AS_OF_ALONE = "--as-of is for --standalone: the data cut written into the script"
SQL_AS_OF_ALONE_HINT = (
    "add --standalone, or leave --as-of out (the query alone reads the cut as now)"
)
STANDALONE_PRINTED_ONLY = (
    "-- note: this {} script is printed only; imx's tests run the standalone scripts of {} in a "
    "fresh database"
)
NO_SUCH_VARIANT = "{} has no variant `{}`"
NO_EXAMPLES = "no examples found"
NO_RESULTS_FILE = "no such results file: {}"
INSTANT_FORMS = "write a date, a time and a zone: 2026-03-31T00:00Z or 2026-03-31T09:30+02:00"
INSTANT_READ_AS_DAY = (
    "note: reading --as-of {} as {}, the start of that day in UTC (events of {} are after the cut)"
)
NOT_AN_INSTANT = "`{}` is not a date and time with a time zone"
INVALID_INSTANT = "`{}` is not a valid instant ({})"
INSTANT_OUT_OF_RANGE = "`{}` is outside the years imx evaluates, {} to {}"
NOT_WHOLE = "`{}` is not a whole number"
BAD_ADDRESS = "`{}` is not HOST:PORT with a port from 1 to 65535"
BAD_HOST = "`{}` is not an IP address or localhost"
ADDRESS_HINT = "write e.g. 127.0.0.1:8000 or localhost:8080"
CANNOT_SERVE = "cannot serve on {}: {}"
THREADS_RANGE = "{} is not a number of threads from 1 to {}"
CORES = "this machine has {} core(s)"
NOT_A_SIZE = "`{}` is not a size"
SIZE_HINT = "write e.g. 4GB or 512MB"
MEMORY_TOO_SMALL = "`{}` is less than the least memory limit, {}"
MEMORY_TOO_SMALL_HINT = "leave it out to let DuckDB use most of the machine's memory"
MEMORY_ABOVE_MACHINE = (
    "--memory-limit {} is more than this machine's memory ({:.1f}GB): "
    "DuckDB will not spill to disk before the system runs out"
)
STUDIES_RANGE = "{} is not a number of studies from 1 to {:,}"
DEMO_CUT = "a demo log cannot be cut at {}"
DEMO_CUT_HINT = "give --as-of from {} to {}: its studies start in July 2024"
OUT_UNKNOWN_FORMAT = "cannot write `{}`: unknown output format `{}`"
OUT_FORMATS_HINT = "name the output file with one of: {}"
OUT_IS_FOLDER = "cannot write `{}`: it is a folder"
OUT_IS_FOLDER_HINT = "name a file in it ending in {}"
OUT_NOT_REGULAR = "cannot write `{}`: it is not a regular file (a device or a pipe)"
OUT_NO_FOLDER = "cannot write `{}`: folder `{}` does not exist"
OUT_READ_ONLY = "cannot write `{}`: the file is read-only"
OUT_CANNOT_WRITE = "cannot write `{}`"
OUT_FAILED = "cannot write `{}`: {}"
OUT_FAILED_HINT = "nothing was written, and a file of that name from before is unchanged"
FOLDER_IS_FILE = "{} `{}` is a file, not a folder"
FOLDER_IS_FILE_HINT = "name a folder"
FOLDER_UNDER_FILE = "{} `{}`: `{}` is a file, not a folder"
FOLDER_UNWRITABLE = "{} `{}`: cannot write in `{}`"
HANDBOOK_UNWRITABLE = "cannot write the handbook in `{}`: {}"
DEMO_UNWRITABLE = "cannot write demo data in `{}`: {}"
INTERRUPTED = "interrupted by {}"
OUT_OF_MEMORY = "imx ran out of memory"
OUT_OF_MEMORY_HINT = "evaluate fewer metrics or less data at once"
CLI_INTERNAL_ERROR = "internal error in imx ({}: {})"
CLI_INTERNAL_HINT = "this is a bug in imx, not in your files; rerun with IMX_DEBUG=1 for details"
DOCS_UNITS_NEEDS_RESULTS = "--units shows the units behind results: give --results too"
DOCS_UNITS_NO_FOLDER = "--units `{}`: no such folder"
DOCS_UNITS_NOT_UNITS = "--units `{}` is not a folder of unit rows: it has no units.stamp.json"
DOCS_UNITS_HINT = "write one with imx run --out FILE --units DIR"
DOCS_UNITS_BAD_FILE = "--units `{}`: cannot read {}: {}"
DOCS_UNITS_NO_STAMP = "{} has no stamp to match the unit rows of --units `{}` with"
DOCS_UNITS_STAMP = (
    "--units `{}` is from another run than {}: {} is {} in the units folder, {} there"
)
DOCS_UNITS_STAMP_HINT = (
    "write the results and the unit rows in one run: imx run --out FILE --units DIR"
)
DIFF_NO_SIDE = "no such file or folder: `{}`"
DIFF_SIDE_HINT = "give two folders or files of .imx specs, or git:REV:PATH (e.g. git:HEAD:metrics)"
DIFF_SIDE_HAS_ERRORS = "`{}` has {} error(s): only checked specs can be compared"
DIFF_BAD_GIT = "`{}` is not of the form git:REV:PATH"
DIFF_GIT_HINT = "e.g. git:HEAD~1:stdlib_metrics, git:main:metrics/timeliness.imx"
DIFF_NO_GIT = "`{}` needs git, which is not installed"
DIFF_GIT_FAILED = "cannot read `{}` with git: {}"
DIFF_OUTSIDE_REPO = "`{}` names a path outside the repository at `{}`"
DIFF_DATA_OPTION_ALONE = "--as-of, --map and --timezone choose how data is read: give --data too"
VARIANT_CONFLICT = (
    "{} metric(s) have studies, sites or units that match two equally specific variants, so "
    "none can be chosen (semantics rule 28): {}"
)
VARIANT_CONFLICT_HINT = (
    "make one of the variants more specific (another selector term) or their selectors "
    "exclusive; `imx check` reports the overlaps it can tell from the selectors alone"
)
DIFF_NO_DATA_FOLDER = "data folder `{}` does not exist"

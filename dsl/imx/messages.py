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
MISSING_FIELD = "{} `{}` has no `{}`"
INTERNAL_ERROR = "internal error in imx (please report it): {}"

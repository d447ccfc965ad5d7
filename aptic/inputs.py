"""What the API refuses in any input before a view reads it: NUL characters and JSON nested too deep.

PostgreSQL refuses NUL (U+0000) in text, and a deeply nested document exhausts Python's recursion: both must
be a clear 400 in the API's error shape, never a server error. The parsers (``aptic.parsers``) check every
parsed body; ``aptic.middleware.ApiInputMiddleware`` checks the query string and the headers.
"""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError

NUL = "\x00"
# Deeper than any document the API reads (an order is 2 levels deep), shallow enough for every recursive
# walk over the data (validation, error reporting) to stay far from Python's recursion limit.
MAX_DEPTH = 20


def null_character_refusal() -> ParseError:
    return ParseError(
        _("Les données envoyées contiennent un caractère nul (U+0000) : il n'est accepté dans aucun champ."),
        code="null_character",
    )


def too_deep_refusal() -> ParseError:
    return ParseError(
        _("Le JSON envoyé est trop profondément imbriqué (%(max)d niveaux au plus).") % {"max": MAX_DEPTH},
        code="too_deep",
    )


def has_nul(values) -> bool:
    """Whether any of ``values`` (strings) holds a NUL character."""
    return any(NUL in value for value in values if isinstance(value, str))


def check_parsed(data) -> None:
    """Refuse (``ParseError``) a NUL in any string or key of ``data``, or nesting deeper than ``MAX_DEPTH``."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if NUL in value:
                raise null_character_refusal()
        elif isinstance(value, dict | list | tuple):
            if depth > MAX_DEPTH:
                raise too_deep_refusal()
            if isinstance(value, dict):
                stack.extend((key, depth) for key in value)
                stack.extend((item, depth + 1) for item in value.values())
            else:
                stack.extend((item, depth + 1) for item in value)

"""Text that no parameter may hold: NUL, lone surrogates, and bytes that are not UTF-8.

Such text cannot be stored (PostgreSQL refuses NUL in text; surrogates cannot be encoded), and
no analyst types it. Every query string, form field and path is checked before any handler runs
and refused with 400, the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, unquote

from starlette.types import Scope

# NUL and the UTF-16 surrogate range (a str can hold them; UTF-8 cannot).
FORBIDDEN = re.compile("[\x00\ud800-\udfff]")
MAX_FIELDS = 100


class BadText(ValueError):
    pass


def check_text(values: Iterable[str], where: str) -> None:
    for value in values:
        if FORBIDDEN.search(value):
            raise BadText(f"the {where} holds a NUL or a character that is not valid text")


def decode_pairs(raw: str, where: str) -> list[tuple[str, str]]:
    """`a=1&b=2` percent-decoded as strict UTF-8, every name and value checked."""
    try:
        pairs = parse_qsl(raw, keep_blank_values=True, encoding="utf-8", errors="strict",
                          max_num_fields=MAX_FIELDS)
    except UnicodeDecodeError:
        raise BadText(f"the {where} is not valid UTF-8") from None
    except ValueError:
        raise BadText(f"the {where} has too many fields") from None
    check_text((s for pair in pairs for s in pair), where)
    return pairs


def check_request(scope: Scope) -> None:
    """Raise BadText when the path or the query string holds bad text."""
    raw_path = scope.get("raw_path")
    try:
        path = unquote(raw_path.decode("latin-1"), errors="strict") if raw_path else scope["path"]
    except UnicodeDecodeError:
        raise BadText("the address is not valid UTF-8") from None
    check_text((path, scope["path"]), "address")
    decode_pairs(scope.get("query_string", b"").decode("latin-1"), "query")

"""JSON documents encoded once, where they were made.

An import's worker processes encode each ad's record and extraction while they prepare it; the
process that writes hands that text to the driver as it is instead of encoding the dict again
(bench/README.md, "Import"). The engine's `json_serializer` is `dump_json`, so a JSON column
takes either a Python value (encoded as SQLAlchemy would, with `json.dumps`) or a `JSONText`.
"""

from __future__ import annotations

import json
from typing import Any


class JSONText(str):
    """A JSON document already encoded: stored as it is."""

    __slots__ = ()


def dump_json(value: Any) -> str:
    """The engine's JSON serializer, on SQLite and PostgreSQL alike."""
    if isinstance(value, JSONText):
        return str(value)  # a plain str: drivers bind exact types
    return json.dumps(value)

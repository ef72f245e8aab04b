"""Reading JSON Lines from outside: bounded line length, one clear error per bad line.

Light on purpose (no database, no Scrapy): `videre extract` and `videre import` both use it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from videre.core.errors import InputError


def read_lines(stream: IO[bytes], max_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) per line; None for a line over the limit, which is drained in
    chunks so that a hostile line never sits in memory whole."""
    number = 0
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            return
        number += 1
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = stream.readline(1 << 16)
            yield number, None
            continue
        yield number, line


def load_line(line: bytes | None, max_bytes: int) -> Any:
    """Decode one line, or raise InputError naming what is wrong with it."""
    if line is None:
        raise InputError(f"line longer than {max_bytes} bytes")
    try:
        return json.loads(line)
    except UnicodeDecodeError:
        raise InputError("not valid UTF-8") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg} at column {exc.colno}") from None
    except RecursionError:
        raise InputError("invalid JSON: nested too deeply") from None

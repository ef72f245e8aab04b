"""Reading JSON Lines from outside: bounded line length, one clear error per bad line.

Light on purpose (no database, no Scrapy): `videre extract` and `videre import` both use it.
"""

from __future__ import annotations

import json
import re
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


def line_bytes(line: tuple[int, bytes | None]) -> int:
    """What one of `read_lines`' lines holds in memory (nothing for one over the limit)."""
    return len(line[1]) if line[1] is not None else 0


def load_line(line: bytes | None, max_bytes: int) -> Any:
    """Decode one line, or raise InputError naming what is wrong with it."""
    if line is None:
        raise InputError(f"line longer than {max_bytes} bytes")
    try:
        # Decoded here, not by json.loads(bytes), which would guess UTF-16 or UTF-32 from
        # the first bytes of a hostile line.
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = line[exc.start:exc.end].hex(" ")
        raise InputError(f"not valid UTF-8: {bad} at byte {exc.start + 1}") from None
    try:
        return json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg} at column {exc.colno}") from None
    except RecursionError:
        raise InputError("invalid JSON: nested too deeply") from None


def _scrub(value: Any, where: str, warnings: list[str]) -> Any:
    if isinstance(value, str):
        if "\x00" in value:
            warnings.append(f"{where}: NUL characters removed")
            value = value.replace("\x00", "")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise InputError(f"{where}: not Unicode text (lone surrogate "
                             f"U+{ord(value[exc.start]):04X} at character {exc.start + 1})") from None
        return value
    if isinstance(value, list):
        return [_scrub(v, f"{where}[{i}]", warnings) for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {_scrub(k, f"{where} key", warnings): _scrub(v, f"{where}.{k}"[:80], warnings)
                for k, v in value.items()}
    return value


# Only a JSON escape can put a NUL or a lone surrogate into decoded text: raw control bytes are
# invalid JSON and raw surrogate bytes invalid UTF-8. Lines without one skip the walk.
_RISKY_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")


def needs_scrub(line: bytes) -> bool:
    return _RISKY_ESCAPE.search(line) is not None


def scrub_text(obj: Any) -> tuple[Any, list[str]]:
    """The decoded value with NUL characters removed from every string (PostgreSQL cannot store
    them in text), and a warning for each string that had any; InputError for a string that is
    not Unicode text (a lone surrogate, which a JSON escape like \\ud800 can smuggle in)."""
    warnings: list[str] = []
    try:
        return _scrub(obj, "record", warnings), warnings
    except RecursionError:
        raise InputError("nested too deeply") from None

"""What `videre extract` does with each JSON line (docs/cli.md), a chunk of lines at a time.

A chunk is the unit of work a worker process gets, so it holds only picklable plain data: line
numbers and raw bytes in, output lines and error messages out, in the input's order.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from videre.core.errors import InputError
from videre.core.jsonl import load_line
from videre.extract.normalise.memo import memoised
from videre.extract.records import check_extract_input


@dataclass(frozen=True)
class LineLimits:
    region: str          # for national-format numbers, unless a record names its own
    max_chars: int       # per text field
    max_line_bytes: int


# (line number, output JSON line, error message or None) per non-blank input line.
LineResult = tuple[int, str, "str | None"]


def parse_line(line: bytes | None, max_bytes: int) -> dict[str, Any]:
    obj = load_line(line, max_bytes)
    if not isinstance(obj, dict):
        raise InputError(f"expected a JSON object, got {type(obj).__name__}")
    return obj


def record_id(obj: Mapping[str, Any], number: int) -> Any:
    """The input's `id`, else its url, else the line number (docs/cli.md)."""
    if obj.get("id") is not None:
        return obj["id"]
    if isinstance(obj.get("url"), str) and obj["url"]:
        return obj["url"]
    return number


def dump(row: Mapping[str, Any]) -> str:
    """One output line; escaped ASCII when the input smuggled in text that is not valid Unicode
    (a lone surrogate from a JSON escape), which UTF-8 cannot carry."""
    line = json.dumps(row, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(row)
    return line


class LineReader:
    """Reads chunks of numbered raw lines; keeps its memo across the chunks it is given."""

    def __init__(self, limits: LineLimits) -> None:
        self.limits = limits
        self._read = memoised(limits.max_chars)

    def chunk(self, lines: list[tuple[int, bytes | None]]) -> list[LineResult]:
        limits, out = self.limits, []
        for number, line in lines:
            if line is not None and not line.strip():
                continue
            obj: dict[str, Any] = {}
            try:
                obj = parse_line(line, limits.max_line_bytes)
                region = check_extract_input(obj) or limits.region
                out.append((number, dump(self._read(obj, region).to_output(record_id(obj, number))), None))
            except InputError as exc:
                out.append((number, dump({"id": record_id(obj, number), "error": str(exc)}), str(exc)))
        return out


# One reader per worker process (its memo lives as long as the worker).
_WORKER: dict[str, LineReader] = {}


def worker_init(limits: LineLimits) -> None:
    _WORKER["reader"] = LineReader(limits)


def worker_chunk(lines: list[tuple[int, bytes | None]]) -> list[LineResult]:
    return _WORKER["reader"].chunk(lines)

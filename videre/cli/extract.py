"""`videre extract`: JSON Lines in, one extraction line out per input line (docs/cli.md).

Needs no database and no config file; a config, when present, only supplies the default region
and the size limits. Kept light on purpose: it imports neither Scrapy nor the database layer.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from typing import Any

import click

from videre.cli.main import App
from videre.core.errors import InputError
from videre.core.jsonl import load_line, read_lines
from videre.extract.normalise.extract import DEFAULT_MAX_CHARS
from videre.extract.normalise.memo import memoised
from videre.extract.records import check_extract_input

DEFAULT_REGION = "SE"
DEFAULT_MAX_LINE_BYTES = 4_000_000


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


def _dump(row: Mapping[str, Any]) -> str:
    """One output line; escaped ASCII when the input smuggled in text that is not valid Unicode
    (a lone surrogate from a JSON escape), which UTF-8 cannot carry."""
    line = json.dumps(row, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(row)
    return line


def _limits(ctx: click.Context) -> tuple[str, int, int]:
    """Default region and size limits: from the config if one is in use, built in otherwise."""
    app = ctx.find_object(App)
    if app is None:
        return DEFAULT_REGION, DEFAULT_MAX_CHARS, DEFAULT_MAX_LINE_BYTES
    settings = app.settings
    return settings.region, settings.extract.max_text_chars, settings.imports.max_line_bytes


def _region_option(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not (len(value) == 2 and value.isascii() and value.isalpha()):
        raise click.BadParameter("a two-letter country code, e.g. SE")
    return value.upper() if value else None


@click.command("extract")
@click.option("--region", metavar="CC", callback=_region_option,
              help="country for national-format numbers (default: config `region`, else SE); "
                   "a record's own `region` wins")
@click.pass_context
def extract(ctx: click.Context, region: str | None) -> None:
    """Read ad records as JSON Lines on stdin; write one JSON line per record to stdout.

    Each input line is an object with some of `title`, `body`, `text`, `phone`, `name`, `age`,
    `location`, `html`, and optionally `id` and `region`. The output line holds the id (else the
    url, else the line number), the phone numbers in E.164, whether any was hidden, e-mail
    addresses, the place, the age, the languages and the indicator codes.

    A bad line is reported on stderr as `line N: problem` and answered with
    `{"id": ..., "error": ...}`; the rest goes on, and the exit status is 1 if any line was bad.

    \b
    Example:
        echo '{"id": 1, "text": "Ring noll sju noll 174 06 05, Gbg"}' | videre extract
        {"id": 1, "phones": ["+46701740605"], "phone_obfuscated": true, ...}
        videre extract --region RO < ads.jsonl > extracted.jsonl
    """
    default_region, max_chars, max_line = _limits(ctx)
    region = region or default_region
    bad = 0
    # Written through the stream's buffer, not click.echo, which flushes after every line: one
    # system call per ad is a tenth of the run on short ads. Flushed at the end.
    write = sys.stdout.write
    read = memoised(max_chars)
    for number, line in read_lines(sys.stdin.buffer, max_line):
        if line is not None and not line.strip():
            continue
        obj: dict[str, Any] = {}
        try:
            obj = parse_line(line, max_line)
            row = read(obj, check_extract_input(obj) or region).to_output(record_id(obj, number))
        except InputError as exc:
            bad += 1
            click.echo(f"line {number}: {exc}", err=True)
            row = {"id": record_id(obj, number), "error": str(exc)}
        write(_dump(row) + "\n")
    sys.stdout.flush()
    if bad:
        sys.exit(1)

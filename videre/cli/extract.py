"""`videre extract`: JSON Lines in, one extraction line out per input line (docs/cli.md).

Needs no database and no config file; a config, when present, only supplies the default region
and the size limits. Kept light on purpose: it imports neither Scrapy nor the database layer.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from itertools import chain

import click

from videre.cli.main import App
from videre.core.batches import batches
from videre.core.jsonl import line_bytes, read_lines
from videre.extract.extract_lines import LineLimits, LineReader, LineResult, worker_chunk, worker_init
from videre.extract.normalise.extract import DEFAULT_MAX_CHARS

DEFAULT_REGION = "SE"
DEFAULT_MAX_LINE_BYTES = 4_000_000
# Lines per task of the worker pool. The first chunk is read in this process, which loads the
# tables the workers then inherit; input that fits in it never starts a pool.
CHUNK_LINES = 1000


def _results(limits: LineLimits) -> Iterator[list[LineResult]]:
    """Every line's result in input order, a chunk at a time: in worker processes when the
    input is longer than one chunk and there are two or more cores, else here."""
    from videre.store.process_pool import ordered_map, worker_count

    chunks = batches(read_lines(sys.stdin.buffer, limits.max_line_bytes), CHUNK_LINES, line_bytes)
    first = next(chunks, None)
    if first is None:
        return
    yield LineReader(limits).chunk(first)
    second = next(chunks, None)
    if second is not None:
        yield from ordered_map(worker_chunk, chain([second], chunks), worker_count(), worker_init, (limits,))


def _limits(ctx: click.Context, region: str | None) -> LineLimits:
    """Region and size limits: the option, then the config if one is in use, then built in."""
    app = ctx.find_object(App)
    if app is None:
        return LineLimits(region or DEFAULT_REGION, DEFAULT_MAX_CHARS, DEFAULT_MAX_LINE_BYTES)
    settings = app.settings
    return LineLimits(region or settings.region, settings.extract.max_text_chars,
                      settings.imports.max_line_bytes)


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
    bad = 0
    # Written a chunk at a time through the stream's buffer, not click.echo, which flushes
    # after every line: one system call per ad is a tenth of the run on short ads.
    write = sys.stdout.write
    for results in _results(_limits(ctx, region)):
        for number, _line, error in results:
            if error is not None:
                bad += 1
                click.echo(f"line {number}: {error}", err=True)
        write("".join(line + "\n" for _n, line, _e in results))
    sys.stdout.flush()
    # Every line is written and the workers are gone: like `import` and `crawl`, end without the
    # interpreter's teardown (App.end_at_once).
    if (app := ctx.find_object(App)) is not None:
        app.end_at_once()
    if bad:
        sys.exit(1)

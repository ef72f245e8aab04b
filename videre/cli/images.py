"""`videre images dedupe DIR...`: find files that show the same photo, without a database."""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

import click

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".webp", ".gif"}


@click.group("images")
def images() -> None:
    """Work with photo files directly (no database, no config needed).

    \b
    Example:
        videre images dedupe photos/
    """


def _walk(paths: tuple[Path, ...]) -> list[Path]:
    found: list[Path] = []
    for p in paths:
        if p.is_dir():
            found.extend(f for f in sorted(p.rglob("*"))
                         if f.is_file() and f.suffix.lower() in IMAGE_SUFFIXES)
        else:
            found.append(p)
    # The same file named twice (overlapping arguments) is one file.
    seen: set[Path] = set()
    unique = []
    for f in found:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


@images.command("dedupe")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--explain", is_flag=True, help="add the pairs that matched and why")
def dedupe(paths: tuple[Path, ...], explain: bool) -> None:
    """Print one JSON line {"group": [path, ...]} for each set of two or more image files
    that show the same photo: re-posted, resized, cropped, bordered, watermarked,
    recompressed or mirrored. Directories are searched recursively for JPEG, PNG, WebP
    and GIF files. Files that cannot be read are reported on stderr and skipped.

    \b
    Example:
        videre images dedupe photos/ more-photos/
        videre images dedupe --explain photos/ | jq .
    """
    from triage.photos import group_photos, groups_from_pairs, matching_pairs
    from videre.core.errors import ImageRejected
    from videre.extract.normalise.images import PhotoLimits, process_photo

    limits = PhotoLimits()
    hashed = []
    for f in _walk(paths):
        try:
            size = f.stat().st_size
            if size > limits.max_bytes:
                raise ImageRejected(f"too large: {size} bytes, limit {limits.max_bytes}")
            hashed.append((f, process_photo(f.read_bytes(), limits).hashes))
        except ImageRejected as exc:
            click.echo(f"skipped {f}: {exc}", err=True)
        except OSError as exc:
            click.echo(f"skipped {f}: cannot read: {exc.strerror or exc}", err=True)
    items = [(i, h) for i, (_, h) in enumerate(hashed)]
    pairs_by_group: dict[int, list[dict[str, object]]] = defaultdict(list)
    if explain:
        found = matching_pairs(items)
        groups = groups_from_pairs([i for i, _ in items], [(a, b) for a, b, _ in found])
        for a, b, m in found:
            pairs_by_group[groups[a]].append({"a": str(hashed[a][0]), "b": str(hashed[b][0]),
                                              "method": m.method, "distance": m.distance,
                                              "reason": m.reason})
    else:
        groups = group_photos(items)
    members: dict[int, list[int]] = defaultdict(list)
    for i, g in groups.items():
        members[g].append(i)
    for g in sorted(members):
        if len(members[g]) < 2:
            continue
        out: dict[str, object] = {"group": [str(hashed[i][0]) for i in sorted(members[g])]}
        if explain:
            out["pairs"] = pairs_by_group[g]
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")


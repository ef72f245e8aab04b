"""Per-ad signals, cached in `ad_signals` (and the template words in `template_words`).

Reading every ad's text is the costly part of a re-score, and what triage derives from one ad is a
pure function of its stored content and extraction. So it is computed once per content change: a
row is stale when the ad's `changed_at` differs from the one it was computed from, or when it was
computed another way: another SIGNATURE_VERSION, or other MinHash settings
(`SignalParams.version`). An incremental re-score recomputes the stale rows only; `--full`
recomputes every row and writes those that differ. Both then read the same table, which is why
they agree. The table is narrow, so reading it for a million ads is a quick scan.
"""

from __future__ import annotations

import multiprocessing
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from triage.rows import dialect, executemany, fetch_all, fetch_by_keys, stream, to_epoch
from triage.text import SIGNATURE_VERSION, MinHashShape, Vocabulary, clean_batch, place_words
from triage.wording import deposit_first

# Indicator codes of videre.extract.normalise.indicators that scoring reads, as bits. Movement wording is
# kept for analysts but never scored (docs/scoring.md).
FLAGS: dict[str, int] = {
    "phone_obfuscated": 1, "third_person": 2, "several_women": 4, "youth_language": 8,
    "nationality": 16, "trustworthy_provider": 32, "movement_wording": 64,
    "deposit_first": 128,   # read by triage itself (triage.wording), not the extractor
}
# Template text longer than this is cut: an ad is a few hundred words; a novel is hostile input.
MAX_TEXT_CHARS = 6_000
MAX_WORDS_CHARS = 4_000
BATCH = 10_000
# Below this many stale ads, starting worker processes costs more than it saves.
PARALLEL_MIN = 50_000
COLUMNS = ("ad_id", "version", "source_changed_at", "site_id", "name", "age", "city", "seen",
           "ad_version", "url", "doc_key", "n_tokens", "bands", "flags", "nationalities")

Tick = Callable[..., None]

# The indicator codes and nationalities are read out of the stored extraction by the database's
# own JSON functions: parsing a million JSON documents in Python would dominate a full re-score.
_JSON_FIELDS = {
    "sqlite": ("(SELECT group_concat(json_extract(value, '$.code'), ',') "
               "FROM json_each(a.extraction, '$.indicators'))",
               "(SELECT group_concat(value, ',') FROM json_each(a.extraction, '$.nationalities'))",
               "json_extract(a.extraction, '$.phone_obfuscated')"),
    "postgresql": ("(SELECT string_agg(e->>'code', ',') FROM json_array_elements("
                   "CASE WHEN json_typeof(a.extraction->'indicators') = 'array' "
                   "THEN a.extraction->'indicators' ELSE '[]' END) e)",
                   "(SELECT string_agg(n, ',') FROM json_array_elements_text("
                   "CASE WHEN json_typeof(a.extraction->'nationalities') = 'array' "
                   "THEN a.extraction->'nationalities' ELSE '[]' END) n)",
                   "(a.extraction->>'phone_obfuscated')"),
}


def flags_of(codes: str | None, obfuscated: object) -> int:
    """Indicator bits from a comma-separated list of indicator codes."""
    bits = 0
    for code in (codes or "").split(","):
        bits |= FLAGS.get(code, 0)
    if obfuscated in (True, 1, "1", "true"):
        bits |= FLAGS["phone_obfuscated"]
    return bits


def nationalities_of(text: str | None) -> str:
    return ",".join(sorted({n for n in (text or "").split(",") if n}))[:200]


def tidy_name(name: str | None) -> str:
    """The name as written, with its spacing tidied and its length bounded (folded when compared)."""
    return " ".join((name or "").split())[:100]


@dataclass(frozen=True)
class SignalParams:
    shape: MinHashShape
    min_tokens: int

    @property
    def version(self) -> int:
        """What a stored row was computed with: the code's SIGNATURE_VERSION and these settings
        (triage.shingle_words, minhash_bands, minhash_rows, template_min_words). Rows computed
        with other settings are stale: their bands would not compare with these."""
        s = self.shape
        key = f"{SIGNATURE_VERSION}:{s.shingle}:{s.bands}:{s.rows}:{self.min_tokens}"
        return zlib.crc32(key.encode("ascii")) & 0x7FFF_FFFF  # fits the INTEGER column


def _stale_ids(session: Session, full: bool, version: int) -> np.ndarray:
    if full:
        sql, params = "SELECT id FROM ads ORDER BY id", ()
    else:
        sql = ("SELECT a.id FROM ads a LEFT JOIN ad_signals s ON s.ad_id = a.id "
               "WHERE s.ad_id IS NULL OR s.version <> ? OR s.source_changed_at <> a.changed_at "
               "ORDER BY a.id")
        params = (version,)
    parts = [np.array([r[0] for r in rows], dtype=np.int64) for rows in stream(session, sql, params)]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _where_ids(ids: np.ndarray, contiguous: bool, column: str) -> tuple[str, list[int]]:
    if contiguous:
        return f"{column} BETWEEN ? AND ?", [int(ids[0]), int(ids[-1])]
    return f"{column} IN ({','.join('?' * len(ids))})", ids.tolist()


def _read(session: Session, ids: np.ndarray, contiguous: bool) -> list[tuple[Any, ...]]:
    codes, nats, obf = _JSON_FIELDS[dialect(session)]
    where, params = _where_ids(ids, contiguous, "a.id")
    return fetch_all(session, f"SELECT a.id, a.changed_at, a.title, a.body, a.name, a.location_raw, "
                              f"a.city, {codes}, {nats}, {obf}, a.site_id, a.age, "
                              f"COALESCE(a.posted_at, a.first_seen), a.version, a.url "
                              f"FROM ads a WHERE {where} ORDER BY a.id", params)


def compute(rows: list[tuple[Any, ...]], vocab: Vocabulary,
            params: SignalParams) -> tuple[list[tuple[Any, ...]], list[tuple[int, str]]]:
    """Signal rows (COLUMNS order) and template words for rows as `_read` returns them."""
    texts = [f"{r[2] or ''}\n{r[3] or ''}"[:MAX_TEXT_CHARS] for r in rows]
    slots = [f"{r[4] or ''} {r[5] or ''} {r[6] or ''}"[:1000] for r in rows]
    batch = clean_batch(texts, slots, vocab, params.shape, params.min_tokens)
    keys, counts, bands = batch.doc_keys.tolist(), batch.n_tokens.tolist(), batch.bands
    seen = to_epoch([r[12] for r in rows]).tolist()
    # changed_at goes back exactly as the driver gave it, so the staleness test compares equals.
    version = params.version
    signals = [(r[0], version, r[1], r[10], tidy_name(r[4]),
                r[11] if r[11] and 0 < r[11] < 120 else 0, r[6] or "", seen[i], r[13], r[14], keys[i],
                counts[i], bands[i].tobytes(),
                flags_of(r[7], r[9]) | (FLAGS["deposit_first"] if deposit_first(texts[i]) else 0),
                nationalities_of(r[8]))
               for i, r in enumerate(rows)]
    words = list({k: w[:MAX_WORDS_CHARS] for k, w in zip(keys, batch.cleaned(vocab))}.items())
    return signals, words


def _existing(session: Session, lo: int, hi: int) -> dict[int, tuple[Any, ...]]:
    rows = fetch_all(session, f"SELECT {', '.join(COLUMNS)} FROM ad_signals WHERE ad_id BETWEEN ? AND ?",
                     (lo, hi))
    band = COLUMNS.index("bands")
    return {r[0]: (*r[:band], bytes(r[band]), *r[band + 1:]) for r in rows}


def _upsert(session: Session, rows: list[tuple[Any, ...]], words: list[tuple[int, str]]) -> None:
    sets = ", ".join(f"{c} = excluded.{c}" for c in COLUMNS[1:])
    executemany(session, f"INSERT INTO ad_signals ({', '.join(COLUMNS)}) VALUES "
                         f"({', '.join('?' * len(COLUMNS))}) ON CONFLICT (ad_id) DO UPDATE SET {sets}", rows)
    # One row per distinct text; equal keys mean equal words, so an existing row stays.
    executemany(session, "INSERT INTO template_words (doc_key, words) VALUES (?, ?) "
                         "ON CONFLICT (doc_key) DO NOTHING", words)


Changes = tuple[list[tuple[Any, ...]], list[tuple[int, str]]]


def _changes(session: Session, ids: np.ndarray, full: bool, params: SignalParams, vocab: Vocabulary,
             known: np.ndarray | None) -> Changes:
    """What one batch has to write: its signal rows and the words of texts not yet stored.

    In a full run most rows are unchanged, so they are compared with the stored ones here (in the
    worker, when there are workers) and only those that differ are handed back. `known` holds the
    doc_keys already in template_words (sorted); their words are not written again.
    """
    # In a full run the ids are every ad, so a range scan reads them; otherwise a list.
    fresh, words = compute(_read(session, ids, contiguous=full), vocab, params)
    if full:
        old = _existing(session, int(ids[0]), int(ids[-1]))
        fresh = [f for f in fresh if old.get(f[0]) != f]
    if known is not None and len(known) and words:
        keys = np.fromiter((k for k, _ in words), dtype=np.int64, count=len(words))
        at = np.minimum(np.searchsorted(known, keys), len(known) - 1)
        words = [w for w, seen in zip(words, (known[at] == keys).tolist()) if not seen]
    return fresh, words


_worker: dict[str, Any] = {}


def _start_worker(url: str, known: np.ndarray) -> None:
    from videre.store.db import make_engine

    _worker.update(engine=make_engine(url), vocab=Vocabulary(), known=known)


def _compute_chunk(job: tuple[np.ndarray, bool, SignalParams]) -> Changes:
    """One batch read, computed and compared in a worker process, on the worker's own connection."""
    ids, full, params = job
    with Session(_worker["engine"]) as session:
        return _changes(session, ids, full, params, _worker["vocab"], _worker["known"])


def _computed(session: Session, stale: np.ndarray, full: bool, params: SignalParams,
              workers: int) -> Iterator[tuple[np.ndarray, Changes]]:
    """(ids, what to write) per batch, in order; in worker processes when there is much to do."""
    batches = [stale[i:i + BATCH] for i in range(0, len(stale), BATCH)]
    url = session.get_bind().engine.url.render_as_string(hide_password=False)
    if workers > 1 and len(stale) >= PARALLEL_MIN and ":memory:" not in url:
        # fork: the workers start with everything already imported (a fresh interpreter would
        # spend seconds importing). They never touch the parent's connection; they open their own.
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        place_words()  # loaded once here, shared by the forked workers
        parts = [np.array([r[0] for r in rows], dtype=np.int64)
                 for rows in stream(session, "SELECT doc_key FROM template_words")]
        known = np.sort(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)
        with multiprocessing.get_context(method).Pool(workers, _start_worker, (url, known)) as pool:
            jobs = ((ids, full, params) for ids in batches)
            yield from zip(batches, pool.imap(_compute_chunk, jobs))
        return
    vocab = Vocabulary()
    for ids in batches:
        yield ids, _changes(session, ids, full, params, vocab, None)


def refresh_signals(session: Session, params: SignalParams, full: bool,
                    tick: Tick | None = None, workers: int = 1) -> int:
    """Recompute stale signal rows (every row when `full`) and write those that differ.

    Words are written for every text whose key is not stored yet: a full run repairs a lost row.
    """
    written = 0
    stale = _stale_ids(session, full, params.version)
    if tick:
        tick(0, total=len(stale))
    for ids, (fresh, words) in _computed(session, stale, full, params, workers):
        if fresh or words:
            _upsert(session, fresh, words)
            written += len(fresh)
        if tick:
            tick(len(ids))
    return written


def words_of(session: Session, doc_keys: list[int]) -> dict[int, str]:
    """The stored template words of these texts (by doc_key)."""
    return fetch_by_keys(session, "SELECT doc_key, words FROM template_words WHERE doc_key IN",
                         doc_keys, BATCH)


@dataclass
class Signals:
    """Signals aligned with the frame's ads."""

    doc_key: np.ndarray         # int64
    n_tokens: np.ndarray        # int32
    bands: np.ndarray           # uint64 (n, bands)
    flags: np.ndarray           # int64
    nationalities: list[str]

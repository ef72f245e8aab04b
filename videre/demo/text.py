"""Ad wording: realise phrase patterns into per-writer templates, and fill their slots per ad."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from videre.demo import phrases

Part = str | tuple[str, ...]
_CHOICE = re.compile(r"\{([^{}]*)\}")


@cache
def compile_pattern(pattern: str) -> tuple[Part, ...]:
    """'Hej {du|där}!' -> ('Hej ', ('du', 'där'), '!')."""
    parts: list[Part] = []
    pos = 0
    for m in _CHOICE.finditer(pattern):
        if m.start() > pos:
            parts.append(pattern[pos : m.start()])
        parts.append(tuple(m.group(1).split("|")))
        pos = m.end()
    if pos < len(pattern):
        parts.append(pattern[pos:])
    return tuple(parts)


def realise(pattern: str, rng: random.Random) -> str:
    """Make every {a|b} choice once; [slots] stay for fill()."""
    pick = rng.random  # indexing by random() is much faster than rng.choice in this hot loop
    return "".join(
        p if p.__class__ is str else p[int(pick() * len(p))] for p in compile_pattern(pattern)
    )


def fill(template: str, slots: dict[str, str]) -> str:
    for key, value in slots.items():
        template = template.replace(f"[{key}]", value)
    return template


@dataclass(frozen=True, slots=True)
class Voice:
    """How one writer writes: a title and body template with [slots] left open."""

    lang: str
    title: str
    body: str


def _pick_slots(
    rng: random.Random, bank: Sequence[Sequence[str]], keep: int, required: Sequence[int] = ()
) -> list[str]:
    chosen = set(required) | set(rng.sample(range(len(bank)), keep))
    return [realise(rng.choice(bank[i]), rng) for i in sorted(chosen)]


def _paragraphs(sentences: list[str], rng: random.Random) -> str:
    """Sentences into one to three paragraphs, the way people break their text."""
    if len(sentences) < 3:
        return " ".join(sentences)
    cut1 = rng.randrange(1, len(sentences))
    cut2 = rng.randrange(cut1, len(sentences) + 1)
    paras = [sentences[:cut1], sentences[cut1:cut2], sentences[cut2:]]
    return "\n\n".join(" ".join(p) for p in paras if p)


def independent_voice(rng: random.Random, lang: str, *, with_phone: bool) -> Voice:
    """A woman's own wording: a few of the slots, each with her own choices."""
    bank = phrases.INDEPENDENT_SV if lang == "sv" else phrases.INDEPENDENT_EN
    contact = len(bank) - 2
    keep = rng.randint(3, len(bank) - 2)
    sentences = _pick_slots(rng, bank, keep, required=(1, contact) if with_phone else (1,))
    if not with_phone:
        sentences = [s for s in sentences if "[phone]" not in s]
    titles = phrases.TITLES_SV if lang == "sv" else phrases.TITLES_EN
    return Voice(lang, realise(rng.choice(titles), rng), _paragraphs(sentences, rng))


def organised_voice(rng: random.Random, lang: str) -> Voice:
    """One template for all of a group's women: every slot, third person."""
    bank = phrases.ORGANISED_SV if lang == "sv" else phrases.ORGANISED_EN
    sentences = [realise(rng.choice(options), rng) for options in bank]
    body = " ".join(sentences[:-1]) + "\n\n" + sentences[-1]
    return Voice(lang, realise(rng.choice(phrases.ORGANISED_TITLES), rng), body)


def agency_voice(rng: random.Random, agency: str) -> tuple[list[str], str]:
    """The agency's line patterns (realised per woman) and its fixed footer."""
    footer = realise(rng.choice(phrases.AGENCY_FOOTERS), rng).replace("[agency]", agency)
    return list(phrases.AGENCY_LINES), footer


def tour_line(rng: random.Random, lang: str) -> str:
    lines = phrases.TOUR_LINES_SV if lang == "sv" else phrases.TOUR_LINES_EN
    return realise(rng.choice(lines), rng)


def repost_variant(text: str, rng: random.Random) -> str:
    """A heavy reposter's small change between two postings of the same ad."""
    return text + rng.choice(phrases.REPOST_TWEAKS)


def age_text(age: int, lang: str, style: int) -> str:
    if style % 3 == 0:
        return str(age)
    return f"{age} år" if lang == "sv" else f"{age} years"

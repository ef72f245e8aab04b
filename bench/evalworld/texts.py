"""How each kind of poster writes: stock sentences with Zipf popularity, site defaults, house
templates of organisations (copied between them), rate cards and titles."""

from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass, field
from itertools import accumulate

from bench.evalworld import vocab


class Zipf:
    """Draws from a bank with Zipf(s) popularity over a per-world shuffled order."""

    def __init__(self, bank: tuple[str, ...] | list[str], s: float, rng: random.Random) -> None:
        self.bank = list(bank)
        rng.shuffle(self.bank)
        self.cum = list(accumulate(1.0 / (r + 1) ** s for r in range(len(self.bank))))

    def draw(self, rng: random.Random) -> str:
        return self.bank[bisect(self.cum, rng.random() * self.cum[-1])]

    def sample(self, rng: random.Random, k: int) -> list[str]:
        out: list[str] = []
        for _ in range(k * 4):
            s = self.draw(rng)
            if s not in out:
                out.append(s)
                if len(out) == k:
                    break
        return out


class StockBank:
    """Stock sentences by slot (greeting, offer, contact, rules...): an ad takes a few slots in
    order and one sentence from each, every slot with its own Zipf popularity."""

    def __init__(self, families: tuple[tuple[str, ...], ...], s: float, rng: random.Random) -> None:
        self.families = [Zipf(f, s, rng) for f in families]

    def draw(self, rng: random.Random) -> str:
        return rng.choice(self.families).draw(rng)

    def sample(self, rng: random.Random, k: int) -> list[str]:
        slots = sorted(rng.sample(range(len(self.families)), min(k, len(self.families))))
        return [self.families[i].draw(rng) for i in slots]


def rate_card(rng: random.Random) -> str:
    style = rng.choice(vocab.RATE_STYLES)
    lines = [style.format(d=d, p=rng.choice(prices)) for d, prices in vocab.RATE_LINES if rng.random() < 0.75]
    sep = rng.choice((". ", " | ", ", ", "\n"))
    return rng.choice(("Priser: ", "Rates: ", "Pris: ", "")) + sep.join(lines or ["1 tim: 2500 kr"])


def personal(lang: str, rng: random.Random) -> str:
    """A sentence about herself: many combinations, so rarely shared with another woman."""
    if lang == "sv":
        a, b = rng.sample(vocab.HOBBIES, 2)
        return rng.choice(("Jag älskar {a} och {b}, och jag har {l}.", "På fritiden blir det {a} och {b}.",
                           "Jag har {l} och älskar {a}.")).format(a=a, b=b, l=rng.choice(vocab.LOOKS))
    a, b = rng.sample(vocab.HOBBIES_EN, 2)
    return rng.choice(("I love {a} and {b}, and I have {l}.", "In my free time: {a} and {b}.",
                       "I have {l} and I adore {a}.")).format(a=a, b=b, l=rng.choice(vocab.LOOKS_EN))


@dataclass
class HouseTemplate:
    """An organisation's way of writing every woman's ad: an opener and lines with slots."""

    opener: str
    lines: list[str]
    rates: str
    footer: str = ""
    copied_from: str | None = None      # the organisation whose template this one copied
    rates_from: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def render(self, slots: dict[str, str], rng: random.Random) -> tuple[str, str]:
        """(title, body) of one ad; an ad now and then drops a line, as organisers edit."""
        title = self.opener.format(**slots)
        lines = [ln for ln in self.lines if rng.random() > 0.15] or self.lines[:1]
        body = " ".join(ln.format(**slots) for ln in lines)
        if self.rates:
            body += "\n" + self.rates
        if self.footer:
            body += "\n" + self.footer.format(**slots)
        return title, body


def new_house(kind: str, rng: random.Random) -> HouseTemplate:
    if kind == "ring":
        return HouseTemplate(rng.choice(vocab.RING_OPENERS), rng.sample(vocab.RING_LINES, rng.randint(3, 5)),
                             rate_card(rng) if rng.random() < 0.6 else "")
    if kind == "agency":
        return HouseTemplate(rng.choice(vocab.AGENCY_OPENERS), rng.sample(vocab.AGENCY_LINES, rng.randint(3, 5)),
                             rate_card(rng), rng.choice(vocab.AGENCY_FOOTERS))
    if kind == "flat":
        lines = rng.sample(vocab.FLAT_LINES, rng.randint(3, 5))
        if not any("{street}" in ln for ln in lines):
            lines.insert(0, vocab.FLAT_LINES[0])
        return HouseTemplate(rng.choice(vocab.FLAT_OPENERS), lines, rate_card(rng) if rng.random() < 0.7 else "")
    raise ValueError(kind)


def copy_house(src: HouseTemplate, src_id: str, rng: random.Random) -> HouseTemplate:
    """Another organisation's template taken over nearly whole (one line swapped at most)."""
    lines = list(src.lines)
    if rng.random() < 0.5 and len(lines) > 2:
        lines.pop(rng.randrange(len(lines)))
    return HouseTemplate(src.opener, lines, src.rates, src.footer, copied_from=src_id, rates_from=src_id)


def title_for(style: int, name: str, age: int, city: str) -> str:
    return (f"{name}, {age}", f"{name} - {city}", f"{name} {age} år i {city}", f"Sexy {name} ({age})",
            f"{city}: {name}", f"NY! {name}")[style]

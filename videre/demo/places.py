"""Cities of the demo world and the many ways an ad writes them."""

from __future__ import annotations

# West Swedish circuit that organised groups are moved around, with how an ad may write each city.
RAW_LOCATIONS: dict[str, tuple[str, ...]] = {
    "Göteborg": (
        "GBG - Majorna", "Göteborg centrum", "Gbg Hisingen", "Göteborg - Linné", "Göteborg",
        "GBG City", "Frölunda, Göteborg", "Göteborg - Johanneberg",
    ),
    "Borås": ("Borås centrum", "Borås", "Borås - Norrby"),
    "Trollhättan": ("Trollhättan", "Trollhättan/Vänersborg", "THN centrum"),
    "Uddevalla": ("Uddevalla", "Uddevalla centrum"),
    "Alingsås": ("Alingsås", "Alingsås centrum"),
    "Kungälv": ("Kungälv", "Kungälv - Ytterby"),
    "Halmstad": ("Halmstad", "Halmstad centrum", "Halmstad - Andersberg"),
    "Varberg": ("Varberg", "Varberg centrum"),
    "Skövde": ("Skövde", "Skövde city"),
    "Jönköping": ("Jönköping", "Jkpg", "Jönköping - Huskvarna"),
    "Stockholm": ("Sthlm - Södermalm", "Stockholm city", "Stockholm"),
    "Malmö": ("Malmö - Möllan", "Malmö C", "Malmö"),
}

WEST_CIRCUIT: tuple[str, ...] = (
    "Göteborg", "Borås", "Trollhättan", "Uddevalla", "Alingsås", "Kungälv", "Halmstad",
    "Varberg", "Skövde", "Jönköping",
)
FAR_CITIES: tuple[str, ...] = ("Stockholm", "Malmö")

# Where independent women live: Göteborg dominates the region's ads.
HOME_CITIES: tuple[str, ...] = tuple(RAW_LOCATIONS)
HOME_WEIGHTS: tuple[int, ...] = (40, 10, 6, 5, 4, 4, 8, 5, 5, 8, 3, 2)

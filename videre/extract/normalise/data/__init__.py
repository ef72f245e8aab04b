"""Package data for the normalisers: places_se.json, the gazetteer (built by scripts/build_places.py)."""

"""A transparent score: a sum of weighted reasons, each a sentence an analyst can check."""

from __future__ import annotations

from dataclasses import dataclass

from triage.features import ClusterFeatures

# Defaults; config.yaml `triage.weights` overrides any of them. Evidence base: DESIGN.md §5.
DEFAULT_WEIGHTS: dict[str, float] = {
    "many_names_one_number": 2.0,      # one number behind several women
    "observed_movement": 1.5,          # one number/photo/template seen in several cities over time
    "phone_obfuscated": 1.0,           # NIJ/JIRN: an obscured number is a significant predictor
    "foreign_number": 0.5,
    "several_sites": 0.5,
}


@dataclass(frozen=True)
class Reason:
    code: str
    text: str
    weight: float

    def to_json(self) -> dict:
        return {"code": self.code, "text": self.text, "weight": round(self.weight, 3)}


def _list(items: list[str], most: int = 5) -> str:
    shown = ", ".join(items[:most])
    return shown + (f" and {len(items) - most} more" if len(items) > most else "")


def reasons_for(f: ClusterFeatures, weights: dict[str, float]) -> list[Reason]:
    w = {**DEFAULT_WEIGHTS, **weights}
    out: list[Reason] = []
    if f.max_names_per_phone >= 3:
        phone, names = max(f.names_per_phone.items(), key=lambda kv: len(kv[1]))
        # Each woman beyond the third adds half a weight: five names is stronger than three.
        extra = 0.5 * (len(names) - 3)
        out.append(Reason("many_names_one_number",
                          f"The number {phone} is used under {len(names)} names: {_list(names)}.",
                          w["many_names_one_number"] + extra * w["many_names_one_number"] / 2))
    stays = len(f.route)
    if len(f.cities) >= 3 and stays >= 3:
        path = " → ".join(f"{c} ({d})" for c, d in f.route[:6])
        out.append(Reason("observed_movement",
                          f"Seen in {len(f.cities)} cities, {stays - 1} moves: {path}"
                          + (" …" if stays > 6 else "") + ".",
                          w["observed_movement"]))
    if f.obfuscated_share >= 0.3:
        out.append(Reason("phone_obfuscated",
                          f"The number is hidden from scrapers in {f.obfuscated_share:.0%} of the ads "
                          "(written in words, look-alike letters or split digits).",
                          w["phone_obfuscated"]))
    if f.foreign_phones:
        out.append(Reason("foreign_number", f"Foreign number(s): {_list(f.foreign_phones)}.",
                          w["foreign_number"]))
    if f.sites >= 2:
        out.append(Reason("several_sites", f"Advertised on {f.sites} sites.", w["several_sites"]))
    return out


def score(reasons: list[Reason]) -> float:
    return round(sum(r.weight for r in reasons), 3)

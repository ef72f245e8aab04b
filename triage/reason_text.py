"""Reason sentences from a message template and its parameters, in any language.

A reason is stored as an English msgid with named placeholders ("The number {phone} is used for
{count} women: {names}.") and JSON parameters, so that the web UI can write it in the analyst's
language. Its English `text`, which the CLI and exports show and which must never change wording,
is the same rendering with nothing translated. Parameters are typed by their shape:

- a string (ad-derived: names, cities, numbers, labels, dates) or an integer;
- {"list": [...], "more": n}: the items shown, and how many more were left out;
- {"percent": x}: a share (0.42 is 42%; Swedish 42 %);
- {"decimal": x, "places": p}: a number with a language's decimal sign;
- {"route": [[city, day], ...], "more": bool}: stops in time order, "…" when cut short;
- {"each": msgid, "items": [params, ...], "sep": "; "}: one sub-sentence per item.

The glue between the parts ("and 3 more", the decimal sign) is a msgid of its own, so a
translator writes it without code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from videre.core.errors import InputError

PLACEHOLDER = re.compile(r"\{(\w+)\}")


def N_(message: str) -> str:
    """Mark a reason's wording for pybabel (`-k N_`); it is translated where it is shown. Triage
    keeps its own marker so that it does not depend on the web package."""
    return message


MORE = N_("{names} and {count} more")
STOP = N_("{city} ({date})")
PERCENT = N_("{number}%")
DECIMAL = N_("{whole}.{fraction}")
ROUTE_SEP, ROUTE_CUT, LIST_SEP = " → ", " …", ", "


def _same(text: str) -> str:
    return text


@dataclass(frozen=True)
class Writer:
    """One language and one medium. `value` writes ad-derived strings (hostile: the web escapes
    them and marks direction controls); `literal` writes our own text and numbers."""

    tr: Callable[[str], str] = _same
    value: Callable[[str], str] = _same
    literal: Callable[[str], str] = _same


ENGLISH = Writer()


# -- parameters, as the rules build them ----------------------------------------------------------
def listed(items: Sequence[object], most: int = 5) -> dict[str, object]:
    return {"list": [str(x) for x in items[:most]], "more": max(len(items) - most, 0)}


def percent(share: float) -> dict[str, object]:
    return {"percent": float(share)}


def decimal(x: float, places: int) -> dict[str, object]:
    return {"decimal": float(x), "places": places}


def route(stops: Sequence[tuple[str, str]], most: int = 6) -> dict[str, object]:
    return {"route": [[str(c), str(d)] for c, d in stops[:most]], "more": len(stops) > most}


def each(msgid: str, items: list[dict[str, object]], sep: str) -> dict[str, object]:
    return {"each": msgid, "items": items, "sep": sep}


# -- rendering ------------------------------------------------------------------------------------
def render(template: object, params: object, w: Writer = ENGLISH) -> str:
    """The sentence in w's language. InputError when the stored template or a parameter it names
    is missing or malformed (a caller then shows the stored English text)."""
    if not isinstance(template, str) or not template or not isinstance(params, Mapping):
        raise InputError("a reason needs a template and its parameters")

    def part(name: str) -> str:
        if name not in params:
            raise InputError(f"reason template {template!r} has no parameter {name!r}")
        return _param(params[name], w)
    return _fill(w.tr(template), part, w)


def _fill(text: str, part: Callable[[str], str], w: Writer) -> str:
    # One pass over our own text: a value that contains "{name}" is never expanded.
    out: list[str] = []
    pos = 0
    for m in PLACEHOLDER.finditer(text):
        out += [w.literal(text[pos:m.start()]), part(m.group(1))]
        pos = m.end()
    out.append(w.literal(text[pos:]))
    return "".join(out)


def _glue(msgid: str, parts: dict[str, str], w: Writer) -> str:
    def part(name: str) -> str:
        if name not in parts:
            raise InputError(f"translation of {msgid!r} names an unknown part {name!r}")
        return parts[name]
    return _fill(w.tr(msgid), part, w)


def _number(x: object) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise InputError(f"not a number: {x!r}")
    return float(x)


def _strings(xs: object) -> list[str]:
    if not isinstance(xs, list) or not all(isinstance(x, str) for x in xs):
        raise InputError("a reason list must hold strings")
    return xs


def _param(p: object, w: Writer) -> str:
    if isinstance(p, str):
        return w.value(p)
    if isinstance(p, int) and not isinstance(p, bool):
        return w.literal(str(p))
    if isinstance(p, Mapping):
        if "list" in p:
            shown = w.literal(LIST_SEP).join(map(w.value, _strings(p["list"])))
            more = int(_number(p.get("more", 0)))
            return _glue(MORE, {"names": shown, "count": w.literal(str(more))}, w) if more > 0 else shown
        if "percent" in p:
            return _glue(PERCENT, {"number": w.literal(format(_number(p["percent"]), ".0%")[:-1])}, w)
        if "decimal" in p:
            places = min(max(int(_number(p.get("places", 1))), 0), 6)
            whole, _, fraction = format(_number(p["decimal"]), f".{places}f").partition(".")
            if not fraction:
                return w.literal(whole)
            return _glue(DECIMAL, {"whole": w.literal(whole), "fraction": w.literal(fraction)}, w)
        if "route" in p:
            stops = p["route"]
            if not isinstance(stops, list):
                raise InputError("a route must be a list of stops")
            path = w.literal(ROUTE_SEP).join(_stop(s, w) for s in stops)
            return path + (w.literal(ROUTE_CUT) if p.get("more") else "")
        if "each" in p:
            items, sep = p.get("items"), p.get("sep", "; ")
            if not isinstance(items, list) or not isinstance(sep, str):
                raise InputError("malformed sub-sentences in a reason")
            return w.literal(sep).join(render(p["each"], item, w) for item in items)
    raise InputError(f"unknown reason parameter {p!r:.80}")


def _stop(stop: object, w: Writer) -> str:
    if not isinstance(stop, list) or len(stop) != 2:
        raise InputError("a route stop is [city, day]")
    city, day = _strings(stop)
    return _glue(STOP, {"city": w.value(city), "date": w.value(day)}, w)

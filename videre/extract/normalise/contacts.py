"""Contact details besides the phone: e-mail addresses (also hidden ones) and messaging handles.

Every regex is guarded by a cheap substring test, so ads without the marker cost next to nothing.
"""

from __future__ import annotations

import re

_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@"
                    r"[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,4}\.[A-Za-z]{2,24}(?![\w])")
# "anna [at] mail [dot] example", "anna snabel-a mail punkt se".
_AT = r"(?:[\[({<]\s*(?:at|snabel-?a|@)\s*[\])}>]|\s(?:snabel-?a|\(at\))\s)"
_DOT = r"(?:[\[({<]\s*(?:dot|punkt|\.)\s*[\])}>]|\.|\s(?:dot|punkt)\s)"
_EMAIL_HIDDEN = re.compile(
    rf"(?<![\w.])(?P<user>[A-Za-z0-9][A-Za-z0-9._+-]{{0,63}})\s*{_AT}\s*"
    rf"(?P<domain>[A-Za-z0-9-]{{1,63}}(?:\s*{_DOT}\s*[A-Za-z0-9-]{{1,63}}){{1,4}})",
    re.IGNORECASE,
)
_DOT_WORD = re.compile(rf"\s*{_DOT}\s*", re.IGNORECASE)
_HIDDEN_EMAIL_MARKS = ("(", "[", "{", "<", "nabel")
# "(at)" or "snabel", written to start with one character class (lookbehinds check which one
# it was) so that the engine skips ahead at C speed.
_EMAIL_HINT = re.compile(r"[\[({<sS](?:(?<=[\[({<])\s*(?:at|AT|At|@)\s*[\])}>]|(?<=[sS])nabel)")
HIDDEN_EMAIL_REACH = (70, 300)   # characters before and after an "(at)" that the full pattern reads

# platform, substrings that must be present, pattern with the handle in group "h"
_HANDLES = (
    ("telegram", ("t.me", "telegram"),
     r"(?:t\.me/|telegram\s*[:\-]\s*@?|telegram\s+@)(?P<h>[A-Za-z]\w{4,31})\b"),
    ("snapchat", ("snap",),
     r"(?:snapchat\.com/add/|snap(?:chat)?\s*[:\-]\s*@?|snap(?:chat)?\s+@)(?P<h>[A-Za-z][\w.\-]{2,14})\b"),
    ("instagram", ("insta", "ig:", "ig :"),
     r"(?:instagram\.com/|insta(?:gram)?\s*[:\-]\s*@?|\big\s*:\s*@?)(?P<h>[A-Za-z0-9_][\w.]{1,29})\b"),
    ("kik", ("kik",), r"\bkik\s*[:\-]\s*@?(?P<h>[A-Za-z][\w.]{2,29})\b"),
    ("onlyfans", ("onlyfans",), r"onlyfans\.com/(?P<h>[\w.]{2,30})\b"),
    ("wickr", ("wickr",), r"\bwickr(?:\s*me)?\s*[:\-]\s*@?(?P<h>[A-Za-z][\w.\-]{2,29})\b"),
)
_HANDLE_RX = tuple((platform, hints, re.compile(rx, re.IGNORECASE)) for platform, hints, rx in _HANDLES)
_HANDLE_HINTS = tuple(hint for _, hints, _ in _HANDLES for hint in hints)
_AT_HANDLE = re.compile(r"(?<![\w.@/])@(?P<h>[A-Za-z][\w.]{2,29}\w)")


def emails(text: str) -> list[str]:
    """Addresses, lower-cased, first seen first; also the hidden kind."""
    found = [m.group().lower() for m in _EMAIL.finditer(text)] if "@" in text else []
    if any(map(text.__contains__, _HIDDEN_EMAIL_MARKS)):
        before, after = HIDDEN_EMAIL_REACH
        for hint in _EMAIL_HINT.finditer(text):
            # The full pattern is costly; run it only around each "(at)" / "snabel-a".
            lo = max(0, hint.start() - before)
            for m in _EMAIL_HIDDEN.finditer(text[lo:hint.end() + after]):
                if lo + m.start() > hint.start():
                    break
                domain = _DOT_WORD.sub(".", m.group("domain"))
                if "." in domain:
                    found.append(f"{m.group('user')}@{domain}".lower())
    return list(dict.fromkeys(found)) if found else found


def handles(text: str, lowered: str | None = None) -> list[str]:
    """Messaging accounts as 'platform:name', or '@name' when no platform is named.
    `lowered`: text.lower(), when the caller has it."""
    if lowered is None:
        lowered = text.lower()
    found: list[str] = []
    if "@" not in text and not any(map(lowered.__contains__, _HANDLE_HINTS)):
        return found
    for platform, hints, rx in _HANDLE_RX:
        if any(h in lowered for h in hints):
            found.extend(f"{platform}:{m.group('h').lower()}" for m in rx.finditer(text))
    if "@" in text:
        taken = {h.split(":", 1)[1] for h in found}
        for m in _AT_HANDLE.finditer(text):
            handle = m.group("h").lower()
            if handle not in taken:
                found.append("@" + handle)
    return list(dict.fromkeys(found))

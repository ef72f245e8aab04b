"""Which languages an ad is written in: stop-word profiles for Latin-script languages, and the
script itself for Thai, Cyrillic, Arabic and East Asian text. No model, no download.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from videre.extract.normalise.folding import is_latin1

# Short, frequent words; a word listed under several languages counts a share to each.
PROFILES: dict[str, str] = {
    "sv": "och jag är det att som på med för av har inte till om kan vi du mig dig min din hos "
          "eller här nu bara välkommen ring tjej söt träffa mycket gärna också vill hej kram puss "
          "ny stan år och ett en mitt mina vara trevlig tid ingen hör av dig kyss sms skön",
    "en": "the and you my me to is are of for with your in on call am be will have this that new "
          "girl sweet hot very come time available hello hi kisses only not i'm im here can it "
          "just let's hours don't want",
    "de": "und ich bin du nicht mit für ist die der das ein eine auf zu bei mich dich sehr hallo "
          "gerne neu stadt schön küsse bis",
    "es": "y el la los las de que en con para por soy muy una un hola chica nueva besos estoy "
          "ciudad tengo mi tu es",
    "ro": "și si sunt eu este cu pentru la de nu foarte fată fata nouă noua oraș oras pupici "
          "salut bună buna te aștept astept sau",
    "pl": "jestem nie się sie na w z do dla że ze bardzo cześć czesc nowa mieście dziewczyna "
          "zapraszam ja jest",
    "fr": "je suis et le la les de des un une pour avec très tres nouvelle ville bisous bonjour "
          "moi vous est",
    "it": "sono il la di per con molto nuova città citta ciao baci ragazza un una che non mi",
    "pt": "eu sou o a de para com muito nova cidade beijos olá ola não nao uma menina obrigada "
          "obrigado querido beijinhos",
    "hu": "és vagyok az egy nem hogy szia új városban csók lány nagyon van",
    # Bulgarian as ads write it in Latin letters (the Cyrillic script counts as "ru").
    "bg": "zdravei zdraveite zdrasti az sam nova momiche grada obadi obadete celuvki tseluvki "
          "chakam tuk mnogo priyatna ela",
}
SCRIPTS: dict[str, str] = {
    "th": r"[\u0e00-\u0e7f]",
    "cyrillic": r"[\u0400-\u04ff]",
    "ar": r"[\u0600-\u06ff]",
    "zh": r"[\u4e00-\u9fff]",
    "ja": r"[\u3040-\u30ff]",
    "ko": r"[\uac00-\ud7af]",
}
_ANY_SCRIPT = re.compile("[" + "".join(rx[1:-1] for rx in SCRIPTS.values()) + "]")
UKRAINIAN_ONLY = re.compile(r"[іїєґІЇЄҐ]")
MIN_SCORE = 1.5
SHARE_OF_TOP = 0.3
MAX_CHARS = 20_000
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


@cache
def _weights() -> dict[str, tuple[tuple[str, float], ...]]:
    owners: dict[str, set[str]] = {}
    for lang, words in PROFILES.items():
        for word in words.split():
            owners.setdefault(word, set()).add(lang)
    return {word: tuple((lang, 1 / len(langs)) for lang in sorted(langs)) for word, langs in owners.items()}


@cache
def _script_regex() -> re.Pattern[str]:
    return re.compile("|".join(f"(?P<{name}>{rx}+)" for name, rx in SCRIPTS.items()))


def detect_languages(text: str, words: Iterable[str] | None = None) -> tuple[str, ...]:
    """ISO 639-1 codes, most used first. Several when an ad mixes languages.

    `words` (lower-case) saves a second split when the caller has already split `text`.
    """
    text = text[:MAX_CHARS]
    scores: dict[str, float] = {}
    weights = _weights()
    if words is None:
        found = _WORD.findall(text.lower())
    else:
        found = words if isinstance(words, list) else list(words)
    for word in filter(weights.__contains__, found):
        for lang, share in weights[word]:
            scores[lang] = scores.get(lang, 0.0) + share
    if not is_latin1(text) and _ANY_SCRIPT.search(text):   # every script here is beyond Latin-1
        for m in _script_regex().finditer(text):
            name = m.lastgroup or ""
            if name == "cyrillic":
                name = "uk" if UKRAINIAN_ONLY.search(m.group()) else "ru"
            scores[name] = scores.get(name, 0.0) + len(m.group()) / 4
        if "uk" in scores and "ru" in scores:
            # One Ukrainian letter anywhere makes the whole Cyrillic text Ukrainian.
            scores["uk"] += scores.pop("ru")
    if not scores:
        return ()
    top = max(scores.values())
    floor = MIN_SCORE if len(found) >= 8 and len(found) - sum(map(str.isdigit, found)) >= 8 else 0.5
    ranked = sorted(scores.items(), key=lambda item: -item[1])
    return tuple(lang for lang, score in ranked if score >= floor and score >= SHARE_OF_TOP * top)

"""Wording that research links to trafficking or control, each with the spans that show it.

docs/scoring.md: third-person writing, several women in one ad, youth language, stated nationality
or ethnicity, "trustworthy provider" language and a hidden phone number count as evidence.
Movement wording ("new in town") is recorded for analysts but does not count: in a study with
known outcomes it was *less* common in trafficking ads.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import compress

from videre.extract.normalise.results import Evidence, Indicator, PhoneHit
from videre.extract.normalise.wording import Words

MAX_EVIDENCE = 5
ORDER = ("phone_obfuscated", "third_person", "several_women", "youth_language", "nationality",
         "trustworthy_provider", "movement_wording")

_WOMEN = "tjejer|flickor|kvinnor|damer|brudar|girls|ladies|women|babes"
_ADJ = "söta?|unga?|sexiga?|heta?|sweet?|young?|sexy?|hot?"
PHRASES: dict[str, list[str]] = {
    "several_women": [
        f"två|2|tre|3|fyra|4|flera|många|nya {_ADJ} {_WOMEN}",
        f"two|three|four|several|many|new {_ADJ} {_WOMEN}",
        "vi|we är|are två|tre|two|three|2|3", "we're two|three|2|3", "tjejerna", "the girls",
        "duo", "min väninna|kompis|vän och jag", "my friend|girlfriend and i",
        "vi|we väntar|erbjuder|offer", "we are waiting", "choose from|between",
        "välj mellan|bland", "lesbian|lesbisk show",
    ],
    "youth_language": [
        "ung", "unga", "ungt", "tonåring", "tonårig", "nyss|precis|just fyllt|turned 18",
        "skolflicka", "skoltjej", "schoolgirl", "school girl", "oskuld", "oskyldig",
        "liten tjej", "young", "teen", "teens", "teenage", "teenager", "barely legal", "fresh",
        "innocent", "virgin", "babyface", "baby face", "little girl", "tiny", "new to this",
        "ny på detta", "first time doing|working", "första gången jag",
    ],
    "trustworthy_provider": [
        "100 % real|äkta|genuine|riktig|riktiga|verified|verifierad|legit",
        "100 real|äkta|genuine",
        "real|genuine|äkta|riktiga|egna photos|photo|pics|pictures|images|bilder|foton",
        "verifierad", "verified", "genuine", "legit", "trustworthy", "trusted", "pålitlig",
        "no|not|inga|ingen|ej|inte fake|fejk|scam|bedrägeri|fakes",
        "not a fake|scam", "seriös", "honest", "ärlig", "reliable",
    ],
    "movement_wording": [
        "new in town", "new in the city", "ny i stan|staden", "just arrived",
        "nyss anlänt|anländ|kommit|landat", "only here for", "bara|endast här i|några|till",
        "på besök", "visiting", "on tour", "turné", "last day|days", "sista dagen|dagarna",
        "few|some days only", "back in town", "tillbaka i stan",
    ],
    # Movement to a named place: `*` must be a capitalised word ("ny i Malmö"), checked in scan.
    "movement_city": ["new in *", "ny i *", "first time in *", "tillbaka i *", "back in *"],
}
# Pronouns: third person counted against first person. English "I" must be a capital.
THIRD = frozenset({"hon", "henne", "hennes", "she", "her", "she's"})
FIRST = frozenset({"jag", "mig", "min", "mitt", "mina", "i'm", "i'll", "me", "my", "mine", "i"})

# Canonical nationality or ethnicity -> the words ads use (Swedish, English, own language).
NATIONALITIES: dict[str, list[str]] = {
    "romanian": ["rumänsk", "rumänska", "rumänien", "romanian", "romania", "româncă", "romanca"],
    "bulgarian": ["bulgarisk", "bulgariska", "bulgarien", "bulgarian", "bulgaria"],
    "polish": ["polsk", "polska", "polen", "polish", "poland"],
    "hungarian": ["ungersk", "ungerska", "ungern", "hungarian", "hungary"],
    "ukrainian": ["ukrainsk", "ukrainska", "ukraina", "ukrainian", "ukraine"],
    "russian": ["rysk", "ryska", "ryssland", "russian", "russia"],
    "lithuanian": ["litauisk", "litauiska", "litauen", "lithuanian", "lithuania"],
    "latvian": ["lettisk", "lettiska", "lettland", "latvian", "latvia"],
    "estonian": ["estnisk", "estniska", "estland", "estonian", "estonia"],
    "czech": ["tjeckisk", "tjeckiska", "czech"], "slovak": ["slovakisk", "slovakiska", "slovak"],
    "albanian": ["albansk", "albanska", "albanian"], "moldovan": ["moldavisk", "moldovan", "moldova"],
    "nigerian": ["nigeriansk", "nigerianska", "nigeria", "nigerian"],
    "thai": ["thailändsk", "thailändska", "thailand", "thai"],
    "colombian": ["colombiansk", "colombianska", "colombia", "colombian", "colombiana"],
    "brazilian": ["brasiliansk", "brasilianska", "brasilien", "brazilian", "brazil", "brasileira"],
    "venezuelan": ["venezuelansk", "venezuelan", "venezolana"],
    "dominican": ["dominikansk", "dominican", "dominicana"],
    "spanish": ["spansk", "spanish", "española", "espanola"],
    "filipina": ["filippinsk", "filipina", "filipino", "philippines"],
    "vietnamese": ["vietnamesisk", "vietnamese"], "chinese": ["kinesisk", "kinesiska", "chinese"],
    "japanese": ["japansk", "japanska", "japanese"], "korean": ["koreansk", "korean"],
    "swedish": ["svensk", "svenska", "swedish"], "finnish": ["finsk", "finska", "finnish"],
    "norwegian": ["norsk", "norska", "norwegian"], "danish": ["dansk", "danska", "danish"],
    "german": ["tysk", "tyska", "german"], "french": ["fransk", "franska", "french"],
    "italian": ["italiensk", "italian"], "greek": ["grekisk", "greek"], "turkish": ["turkisk", "turkish"],
    "serbian": ["serbisk", "serbian"], "croatian": ["kroatisk", "croatian"],
    "persian": ["persisk", "iransk", "persian", "iranian"], "arab": ["arabisk", "arabiska", "arab", "arabic"],
    "latina": ["latina", "latin", "latinamerikansk", "latinamerikanska", "latino"],
    "asian": ["asiatisk", "asiatiska", "asian", "asia"],
    "african": ["afrikansk", "afrikanska", "african"], "black": ["ebony", "svart tjej", "black girl"],
    "scandinavian": ["skandinavisk", "skandinaviska", "scandinavian", "nordisk", "nordic"],
    "east_european": ["östeuropeisk", "östeuropeiska", "eastern european", "east european"],
    "exotic": ["exotisk", "exotiska", "exotic"],
}
# "talar svenska och engelska", "I speak Polish": languages spoken, not a nationality claimed.
SPEAK = frozenset({"talar", "pratar", "speak", "speaks", "spricht", "hablo", "vorbesc", "mówię",
                   "språk", "language", "languages", "språken"})
SPEAK_REACH = 6   # words back, within one sentence
# "thai massage", "swedish massage": a kind of massage or food, not a person.
NOT_PERSON_AFTER = frozenset({"massage", "massagen", "massör", "food", "mat", "restaurant", "kitchen"})


def phrases() -> dict[str, list[str]]:
    """Labels: indicator codes, "movement_city" and "nat:<canonical>"."""
    out: dict[str, list[str]] = dict(PHRASES)
    for canonical, forms in NATIONALITIES.items():
        out[f"nat:{canonical}"] = forms
    return out


_SENTENCE_ENDS = frozenset(".!?\n")


def _sentence_break(ws: Words, i: int, j: int) -> bool:
    return not _SENTENCE_ENDS.isdisjoint(ws.between(i, j))


def _spoken_language(ws: Words, i: int) -> bool:
    for k in range(i - 1, max(-1, i - 1 - SPEAK_REACH), -1):
        if _sentence_break(ws, k, k + 1):
            return False
        if ws.lower[k] in SPEAK:
            return True
    return False


def scan(fields: Mapping[str, Words], matches: Iterable[tuple[str, str, int, int]],
         ) -> tuple[dict[str, list[Evidence]], tuple[str, ...]]:
    """Evidence per indicator code from (field, label, first word, end word) phrase matches, and
    the canonical nationalities claimed, in order. Labels of other readers are ignored."""
    found: dict[str, list[Evidence]] = {}
    nations: list[str] = []
    for name, label, i, j in matches:
        ws = fields[name]
        if label.startswith("nat:"):
            if _spoken_language(ws, i) or (j < len(ws) and ws.lower[j] in NOT_PERSON_AFTER):
                continue
            if label[4:] not in nations:
                nations.append(label[4:])
            label = "nationality"
        elif label not in PHRASES:
            continue
        elif label == "movement_city":
            if not ws.original(j - 1)[:1].isupper():
                continue
            label = "movement_wording"
        start, end = ws.span(i, j)
        bucket = found.setdefault(label, [])
        if len(bucket) < MAX_EVIDENCE:
            bucket.append(Evidence(name, start, end, ws.text[start:end]))
    return found, tuple(nations)


def third_person(fields: Mapping[str, Words]) -> list[Evidence]:
    """Evidence when the ad speaks of her rather than as her: 'hon'/'she' at least as often as
    'jag'/'I', or alone."""
    for ws in fields.values():
        if not THIRD.isdisjoint(ws.lower):
            break
    else:
        return []
    third: list[Evidence] = []
    count = first = 0
    for name, ws in fields.items():
        lower = ws.lower
        for i in compress(range(len(lower)), map(THIRD.__contains__, lower)):
            count += 1
            if len(third) < MAX_EVIDENCE:
                start, end = ws.span(i, i + 1)
                third.append(Evidence(name, start, end, ws.text[start:end]))
        first += sum(map(FIRST.__contains__, lower))
        if "i" in lower:   # English "I" counts only as a capital
            first -= sum(1 for i in compress(range(len(lower)), map("i".__eq__, lower))
                         if ws.original(i) != "I")
    if (count >= 2 and count > first) or (count and first == 0):
        return third
    return []


def find_indicators(fields: Mapping[str, Words], phones: Iterable[PhoneHit],
                    found: Mapping[str, list[Evidence]]) -> tuple[Indicator, ...]:
    evidence: dict[str, list[Evidence]] = dict(found)
    evidence["phone_obfuscated"] = [Evidence(h.field, h.start, h.end, h.raw)
                                    for h in phones if h.methods][:MAX_EVIDENCE]
    evidence["third_person"] = third_person(fields)
    return tuple(Indicator(code, tuple(evidence[code]), code != "movement_wording")
                 for code in ORDER if evidence.get(code))

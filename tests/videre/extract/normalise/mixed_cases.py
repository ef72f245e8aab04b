"""An independent table of phone numbers written as real ads write them: digits and number words
mixed, glued, homophones, tens and compounds, Swedish words among digit groups, odd separators,
two numbers joined by a word, and the number words of ro, bg, hu, pl, es, pt and th in Latin
script. Written from the patterns in issue 14, not from the reader's code: its word lists are
its own (spellings as people write them, with and without diacritics).

The numbers are random and fictional (not checked against any subscriber): Swedish mobiles
070/072/073/076/079 and mobiles of the listed countries, accepted only if phonenumbers calls
them valid. The table is generated with its own seed into mixed_cases.jsonl; each case falls
in the "tune" half or the "heldout" half by a second seed. The held-out half has been seen since
(docs/phones.md): phone_heldout_cases.py is the clean held-out table.

    python tests/videre/extract/normalise/mixed_cases.py --write       # regenerate the file
    python tests/videre/extract/normalise/mixed_cases.py tune          # P/R/F1 per family
    python tests/videre/extract/normalise/mixed_cases.py heldout
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

SEED = 140_2026          # the cases
SPLIT_SEED = 14_1207     # which half each case falls in
FILE = Path(__file__).with_name("mixed_cases.jsonl")

# Digit words, as written (several spellings; the first is the dictionary form).
UNITS: dict[str, list[list[str]]] = {
    "sv": [["noll", "nolla"], ["ett", "etta"], ["två", "tva"], ["tre"], ["fyra"], ["fem"],
           ["sex"], ["sju"], ["åtta", "atta"], ["nio"]],
    "en": [["zero"], ["one"], ["two"], ["three"], ["four"], ["five"], ["six"], ["seven"],
           ["eight"], ["nine"]],
    "ro": [["zero"], ["unu"], ["doi"], ["trei"], ["patru"], ["cinci"], ["șase", "sase"],
           ["șapte", "sapte"], ["opt"], ["nouă", "noua"]],
    "bg": [["nula"], ["edno", "edin"], ["dve", "dva"], ["tri"], ["chetiri"], ["pet"], ["shest"],
           ["sedem"], ["osem"], ["devet"]],
    "hu": [["nulla"], ["egy"], ["kettő", "ketto"], ["három", "harom"], ["négy", "negy"],
           ["öt", "ot"], ["hat"], ["hét", "het"], ["nyolc"], ["kilenc"]],
    "pl": [["zero"], ["jeden"], ["dwa"], ["trzy"], ["cztery"], ["pięć", "piec"],
           ["sześć", "szesc"], ["siedem"], ["osiem"], ["dziewięć", "dziewiec"]],
    "es": [["cero"], ["uno"], ["dos"], ["tres"], ["cuatro"], ["cinco"], ["seis"], ["siete"],
           ["ocho"], ["nueve"]],
    "pt": [["zero"], ["um"], ["dois"], ["três", "tres"], ["quatro"], ["cinco"], ["seis"],
           ["sete"], ["oito"], ["nove"]],
    "th": [["soon", "sun"], ["nueng", "neung"], ["song"], ["sam"], ["si", "see"], ["ha"],
           ["hok"], ["jet", "chet"], ["paet", "pad"], ["kao", "gao"]],
}
TEENS: dict[str, list[str]] = {
    "sv": "tio elva tolv tretton fjorton femton sexton sjutton arton nitton".split(),
    "en": "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split(),
    "es": "diez once doce trece catorce quince dieciséis diecisiete dieciocho diecinueve".split(),
    "pt": "dez onze doze treze catorze quinze dezesseis dezessete dezoito dezenove".split(),
    "ro": ("zece unsprezece doisprezece treisprezece paisprezece cincisprezece șaisprezece "
           "șaptesprezece optsprezece nouăsprezece").split(),
    "bg": ("deset edinadeset dvanadeset trinadeset chetirinadeset petnadeset shestnadeset "
           "sedemnadeset osemnadeset devetnadeset").split(),
    "hu": ("tíz tizenegy tizenkettő tizenhárom tizennégy tizenöt tizenhat tizenhét tizennyolc "
           "tizenkilenc").split(),
    "pl": ("dziesięć jedenaście dwanaście trzynaście czternaście piętnaście szesnaście "
           "siedemnaście osiemnaście dziewiętnaście").split(),
}
TENS: dict[str, list[str]] = {   # 20 ... 90
    "sv": "tjugo trettio fyrtio femtio sextio sjuttio åttio nittio".split(),
    "en": "twenty thirty forty fifty sixty seventy eighty ninety".split(),
    "es": "veinte treinta cuarenta cincuenta sesenta setenta ochenta noventa".split(),
    "pt": "vinte trinta quarenta cinquenta sessenta setenta oitenta noventa".split(),
    "ro": "douăzeci treizeci patruzeci cincizeci șaizeci șaptezeci optzeci nouăzeci".split(),
    "bg": "dvadeset trideset chetirideset petdeset shestdeset sedemdeset osemdeset devetdeset".split(),
    "hu": "húsz harminc negyven ötven hatvan hetven nyolcvan kilencven".split(),
    "pl": ("dwadzieścia trzydzieści czterdzieści pięćdziesiąt sześćdziesiąt siedemdziesiąt "
           "osiemdziesiąt dziewięćdziesiąt").split(),
}
ES_TWENTIES = ("veinte veintiuno veintidós veintitrés veinticuatro veinticinco veintiséis "
               "veintisiete veintiocho veintinueve").split()
HU_TEN_PREFIX = {2: "huszon"}      # 21-29: huszonegy; other tens glue the unit on as they are
JOIN = {"es": " y ", "pt": " e ", "ro": " și ", "bg": " i ", "pl": " ", "en": "-", "sv": ""}

CONTEXT: dict[str, list[str]] = {
    "sv": ["Ring mig på {}", "Hej! Sms:a {} så hörs vi", "Tel: {}", "Nummer {} (endast sms)",
           "Ny i stan, ring {} efter 18"],
    "en": ["Call me on {}", "Text {} for details", "My number is {} no private numbers",
           "Phone {}", "WhatsApp me {} xx"],
    "ro": ["Salut, sunt nouă în oraș. Sună-mă la {} pupici", "Sunt aici doar o săptămână, sună la {}"],
    "bg": ["Zdravei, nova sam v grada. Obadi mi se na {} celuvki", "Zdrasti, az sam tuk, obadi {}"],
    "hu": ["Szia, új lány vagyok a városban. Hívj: {} csók", "Szia! Nagyon kedves vagyok, hívj {}"],
    "pl": ["Cześć, jestem nowa w mieście. Zadzwoń: {} zapraszam", "Jestem nowa, dzwoń {} buziaki"],
    "es": ["Hola, soy nueva en la ciudad. Llámame al {} besos", "Hola chicos, estoy aquí, mi número {}"],
    "pt": ["Olá, sou nova na cidade. Liga para {} beijos", "Sou nova aqui, o meu número é {}"],
    "th": ["สวัสดีค่ะ นวดแผนไทย โทร {}", "นวดไทย ค่ะ call {} ค่ะ"],
}
JOINERS = {"sv": ["eller", "och", "alt."], "en": ["or", "and", "also"], "ro": ["sau"],
           "bg": ["ili"], "hu": ["vagy"], "pl": ["lub"], "es": ["o también"], "pt": ["ou"]}
REGION = {"ro": "RO", "bg": "BG", "hu": "HU", "pl": "PL", "es": "ES", "pt": "PT", "th": "TH"}
# Mobile number shapes per country: (country code, national prefix written at home, first digits).
MOBILE = {"SE": ("46", "0", ["70", "72", "73", "76", "79"], 7), "RO": ("40", "0", ["72", "74", "75", "76"], 7),
          "BG": ("359", "0", ["87", "88", "89"], 7), "HU": ("36", "06", ["20", "30", "70"], 7),
          "PL": ("48", "", ["51", "60", "69", "78", "88"], 7), "ES": ("34", "", ["6"], 8),
          "PT": ("351", "", ["91", "93", "96"], 7), "TH": ("66", "0", ["8", "9", "6"], 8)}


class Gen:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def number(self, country: str = "SE") -> tuple[str, str]:
        """(E.164, national digits as written at home)."""
        import phonenumbers

        cc, prefix, starts, rest = MOBILE[country]
        while True:
            nsn = self.rng.choice(starts) + "".join(self.rng.choice("0123456789") for _ in range(rest))
            e164 = f"+{cc}{nsn}"
            if phonenumbers.is_valid_number(phonenumbers.parse(e164)):
                return e164, prefix + nsn

    def word(self, lang: str, d: str) -> str:
        return self.rng.choice(UNITS[lang][int(d)])

    def pair(self, lang: str, two: str) -> str:
        """Two digits as one number word (10-99), the way the language says it."""
        n = int(two)
        if n < 10:
            return f"{self.word(lang, two[0])} {self.word(lang, two[1])}"
        if n < 20:
            return TEENS[lang][n - 10]
        tens, unit = divmod(n, 10)
        if lang == "es" and tens == 2:
            return ES_TWENTIES[unit]
        ten = TENS[lang][tens - 2]
        if unit == 0:
            return ten
        u = UNITS[lang][unit][0]
        if lang == "hu":
            return HU_TEN_PREFIX.get(tens, ten) + u
        if lang == "en":
            return ten + self.rng.choice(["-", " "]) + u
        return ten + JOIN[lang] + u

    def spell(self, digits: str, lang: str, sep: str = " ") -> str:
        return sep.join(self.word(lang, d) for d in digits)


def _groups(rng: random.Random, digits: str, sizes: tuple[int, ...] = (1, 2, 3)) -> list[str]:
    out, i = [], 0
    while i < len(digits):
        k = min(rng.choice(sizes), len(digits) - i)
        out.append(digits[i:i + k])
        i += k
    return out


def _case(family: str, text: str, expected: list[str], region: str = "SE") -> dict[str, object]:
    return {"family": family, "text": text, "expected": expected, "region": region}


def interleaved(g: Gen) -> Iterator[dict[str, object]]:
    """Each digit a digit or a word, in one language or two: "0 7 0 ett seven 4 noll 6 three 0"."""
    for k in range(60):
        e164, nat = g.number("SE")
        langs = [["sv"], ["en"], ["sv", "en"]][k % 3]
        parts = []
        for d in nat:
            parts.append(d if g.rng.random() < 0.4 else g.word(g.rng.choice(langs), d))
        if all(p.isdigit() for p in parts):
            parts[1] = g.word(langs[0], nat[1])
        ctx = g.rng.choice(CONTEXT["sv" if "sv" in langs else "en"])
        yield _case("interleaved", ctx.format(" ".join(parts)), [e164])


def glued(g: Gen) -> Iterator[dict[str, object]]:
    """Digits and words written together: "070one7four06three0", "zero7zero 17four0 six30"."""
    for k in range(60):
        e164, nat = g.number("SE")
        lang = "en" if k % 3 else "sv"
        parts = [d if g.rng.random() < 0.5 else g.word(lang, d) for d in nat]
        if all(p.isdigit() for p in parts):
            parts[2] = g.word(lang, nat[2])
        if k % 4 == 0:   # a space or two between chunks
            cuts = sorted(g.rng.sample(range(2, len(parts) - 1), 2))
            text = "".join(parts[:cuts[0]]) + " " + "".join(parts[cuts[0]:cuts[1]]) + " " + "".join(parts[cuts[1]:])
        else:
            text = "".join(parts)
        if k % 7 == 0:
            text = text.upper()
        yield _case("glued", g.rng.choice(CONTEXT[lang]).format(text), [e164])


HOMOPHONE = {"0": ["o", "oh", "O"], "1": ["won"], "2": ["to", "too"], "4": ["for", "fore"], "8": ["ate"]}


def homophones(g: Gen) -> Iterator[dict[str, object]]:
    """Sound-alike words and look-alike letters glued in: "o7o won7for o6 3o"."""
    for _k in range(60):
        e164, nat = g.number("SE")
        while sum(d in HOMOPHONE for d in nat[1:]) < 3:
            e164, nat = g.number("SE")
        parts = []
        for d in nat:
            if d in HOMOPHONE and g.rng.random() < 0.75:
                parts.append(g.rng.choice(HOMOPHONE[d]))
            elif g.rng.random() < 0.25:
                parts.append(g.word("en", d))
            else:
                parts.append(d)
        chunks = _groups(g.rng, "x" * len(parts), (2, 3, 4))
        out, i = [], 0
        for c in chunks:   # glued inside a chunk, a space between chunks
            out.append("".join(parts[i:i + len(c)]))
            i += len(c)
        yield _case("homophones", g.rng.choice(CONTEXT["en"]).format(" ".join(out)), [e164])


def tens(g: Gen) -> Iterator[dict[str, object]]:
    """Tens and compounds: "noll sjuttio, sjutton, fyrtio, sex, trettio", "310 555 2thousand"."""
    for k in range(60):
        if k % 10 == 9:   # a US-style number ending in thousands, in a US-region ad
            area = g.rng.choice(["310", "212", "646", "415"])
            mid = str(g.rng.randrange(200, 1000))
            n = g.rng.randrange(1, 10)
            written = g.rng.choice([f"{n}thousand", f"{g.word('en', str(n))} thousand"])
            yield _case("tens", f"Call {area} {mid} {written}", [f"+1{area}{mid}{n}000"], region="US")
            continue
        e164, nat = g.number("SE")
        lang = "sv" if k % 2 else "en"
        groups = [nat[0]] + _groups(g.rng, nat[1:], (2, 2, 1))
        words = []
        for grp in groups:
            words.append(g.pair(lang, grp) if len(grp) == 2 else g.word(lang, grp))
        sep = g.rng.choice([", ", " - ", ", "])
        if k % 5 == 3:   # some groups left as digits
            words = [w if g.rng.random() < 0.6 else grp for w, grp in zip(words, groups)]
        yield _case("tens", g.rng.choice(CONTEXT[lang]).format(sep.join(words)), [e164])


def sv_groups(g: Gen) -> Iterator[dict[str, object]]:
    """Swedish words among digit groups: "noll-sju-noll 1740 sex 30"."""
    for _k in range(45):
        e164, nat = g.number("SE")
        groups = _groups(g.rng, nat, (2, 3, 4))
        out = []
        for i, grp in enumerate(groups):
            if i == 0 or g.rng.random() < 0.45:
                out.append(g.spell(grp, "sv", g.rng.choice(["-", " ", ""])))
            else:
                out.append(grp)
        yield _case("sv_groups", g.rng.choice(CONTEXT["sv"]).format(" ".join(out)), [e164])


ODD = ["!", "|", "*", "~", "#", "/", "\\", "_", "^", "•", "♥", "💋", ">", "=", "..", "¤"]


def separators(g: Gen) -> Iterator[dict[str, object]]:
    """An unusual separator between every group: "0!70!17!40!63!0"."""
    for k in range(45):
        e164, nat = g.number("SE")
        sep = g.rng.choice(ODD)
        groups = _groups(g.rng, nat, (1, 2, 3))
        if k % 4 == 1:
            sep = " " + sep + " "
        lang = "sv" if k % 2 else "en"
        yield _case("separators", g.rng.choice(CONTEXT[lang]).format(sep.join(groups)), [e164])


def _written(g: Gen, nat: str, lang: str) -> str:
    style = g.rng.randrange(4)
    if style == 0:
        return f"{nat[:3]}-{nat[3:6]} {nat[6:8]} {nat[8:]}"
    if style == 1:
        return g.spell(nat, lang)
    if style == 2:
        return " ".join(d if g.rng.random() < 0.5 else g.word(lang, d) for d in nat)
    return nat


def two_numbers(g: Gen) -> Iterator[dict[str, object]]:
    """Two numbers joined by a word: "070-174 06 31 eller 070-174 06 32"."""
    for k in range(50):
        lang = ["sv", "en"][k % 2]
        (a, na), (b, nb) = g.number("SE"), g.number("SE")
        joiner = g.rng.choice(JOINERS[lang])
        text = f"{_written(g, na, lang)} {joiner} {_written(g, nb, lang)}"
        yield _case("two_numbers", g.rng.choice(CONTEXT[lang]).format(text), [a, b])


def foreign_words(g: Gen) -> Iterator[dict[str, object]]:
    """The women's own number words, in an ad in their language or on a site of their region."""
    langs = ["ro", "bg", "hu", "pl", "es", "pt", "th"]
    for k in range(112):
        lang = langs[k % len(langs)]
        home = REGION[lang]
        region = "SE"
        if k % 3 == 2:   # the site's region is her country; the number is national there
            region = home
            e164, nat = g.number(home)
        elif k % 3 == 1:
            e164, nat = g.number(home)
            nat = "00" + e164[1:]
        else:
            e164, nat = g.number("SE")
        style = (k // 7) % 4
        if style == 0 or lang == "th":
            text = g.spell(nat, lang)
        elif style == 1:
            text = " ".join(d if g.rng.random() < 0.4 else g.word(lang, d) for d in nat)
        elif style == 2 and lang in TENS:
            lead = 2 if nat.startswith("00") else 1
            groups = [nat[:lead]] + _groups(g.rng, nat[lead:], (2,))
            text = ", ".join(g.spell(grp, lang) if grp.startswith("0") else g.pair(lang, grp)
                             if len(grp) == 2 else g.word(lang, grp) for grp in groups)
        else:
            groups = _groups(g.rng, nat, (2, 3))
            text = " ".join(g.spell(grp, lang) if i % 2 == 0 else grp for i, grp in enumerate(groups))
        if g.rng.random() < 0.3:
            text = text.replace("ș", "s").replace("ă", "a").replace("ő", "o").replace("é", "e")
        if region == home and g.rng.random() < 0.5:
            ctx = g.rng.choice(CONTEXT["en"])   # the site's region alone makes the words plausible
        else:
            ctx = g.rng.choice(CONTEXT[lang])
        yield _case(f"words_{lang}", ctx.format(text), [e164], region=region)


NEGATIVES = [
    # prices, durations and counts in words and digits
    "1h 2000, 2h 3500", "30 min 1500, 1h 2000, 2h 3500, natt 8000", "Pris: femtonhundra för en timme",
    "tvåtusen kronor per timme, tretusen för två", "two thousand for one hour, three thousand for two",
    "one hour 2000 kr, two hours 3500 kr", "1 timme 2000 kr, 2 timmar 3500 kr, 3 timmar 5000 kr",
    "30min/1500 1h/2500 2h/4000 overnight/12000", "Priser: 1h 2 000:-, 2h 3 500:-",
    # measurements and ages
    "Mått 90-60-90, 163 cm, 55 kg", "ninety-sixty-ninety, 168 cm", "nittio sextio nittio, 170 cm",
    "I'm twenty-two, size thirty-six, 52 kg", "Jag är tjugotre år, 165 cm lång", "tjugo år, 160 cm, 50 kg",
    "BH 75C, 36-38, 163cm 54kg", "age 24, height 170, weight 55, shoe 38",
    # times and dates
    "open seven to eleven every day", "kl sju till elva, 10-22 helger", "Öppet 10:00-22:00, lör 12-20",
    "born nineteen ninety nine", "den tjugonde november 2026", "2026-11-20 kl 21:30",
    "Mon-Fri 9-17, Sat 10-14", "20/11 - 30/11 in Stockholm", "från 1/12 till 15/12",
    # postcodes, ids and counts
    "413 03 Göteborg, 114 35 Stockholm", "Annons-ID 4821337019", "ID: 07a9f3b2c1", "Ref 0701-ABCD-7740",
    "Top 10, 100% real, 5 stars", "2 girls 4 you 24/7", "call me 4 fun 2nite", "1 2 3 4 5 6 7 8 9 10",
    "one to one, two for one", "for two to four hours", "noll koll, sju dagar i veckan",
    "sex dagar, fem nätter, två tjejer", "xoxo o0o xoxo", "0 stars, zero drama, 100% real",
    "room 404, floor 4", "bus 7 to stop 40", "Spårvagn 6 och 11, buss 16", "5 min från T-bana, uppgång 2",
    # other languages' words in their own ads
    "Hola, tengo veinticinco años, mido ciento sesenta y cinco", "Hola, soy nueva, 1 hora 150 euros, 2 horas 250",
    "Salut, sunt nouă, am douăzeci și doi de ani, 1 oră 500 lei", "Salut, sunt nouă în oraș, 1h 300, 2h 500",
    "Szia, huszonkét éves vagyok, 165 cm, 1 óra 30000 Ft", "Szia, új lány vagyok, egy óra húszezer",
    "Cześć, mam dwadzieścia trzy lata, 1h 300 zł, 2h 500 zł", "Cześć, jestem nowa, 165 cm, 55 kg, 90-60-90",
    "Olá, sou nova, tenho vinte e dois anos, 1 hora 100 euros", "Olá, sou nova na cidade, 24 anos, 168 cm",
    "Zdravei, nova sam, na dvadeset i dve godini, 1 chas 200 leva", "Zdravei, az sam nova, 1h 150, 2h 250",
    "สวัสดีค่ะ นวดไทย 1 ชม. 800 บาท 2 ชม. 1500", "สวัสดีค่ะ sam sip ha nathi 500 baht",
    # a word that is a number word in one language and an ordinary word in another
    "I see the sun, a song for sam", "Ha ha, see you soon", "Sam and I sing a song, ha",
    "Hat for sale, het weather", "I'm one of two once a week", "Jet set, pad thai, kao soi",
    "Mil gracias, una noche", "Um, e, i, o, u", "Sto lat! Trzy razy", "Opt for two, ot",
    # digits glued to letters that are no number
    "3some, 2nite, 4ever, b4, gr8", "Size 36B, 75C, 2XL", "MP3 4K HD 1080p", "Suite 7B, floor 3",
    "iPhone 15, Galaxy S24, 5G", "0 7 0", "070 ett", "zero seven zero", "Ring 070 och fråga efter Anna",
    "seventy seven, seventy seven", "seventeen, eighteen, nineteen", "tjugo, trettio, fyrtio",
    "Twenty twenty-six was great", "Sjuttio procent rabatt, fyrtio kronor", "the 1990s and the 2000s",
]


def negatives(g: Gen) -> Iterator[dict[str, object]]:
    for text in NEGATIVES:
        yield _case("negative", text, [])


FAMILIES: list[Callable[[Gen], Iterator[dict[str, object]]]] = [
    interleaved, glued, homophones, tens, sv_groups, separators, two_numbers, foreign_words,
    negatives]


def generate() -> list[dict[str, object]]:
    g = Gen(SEED)
    split = random.Random(SPLIT_SEED)
    cases = []
    for family in FAMILIES:
        for case in family(g):
            case["half"] = "heldout" if split.random() < 0.5 else "tune"
            cases.append(case)
    return cases


def load(half: str | None = None) -> list[dict[str, object]]:
    cases = [json.loads(line) for line in FILE.read_text(encoding="utf-8").splitlines() if line]
    return [c for c in cases if half is None or c["half"] == half]


def family_group(family: str) -> str:
    return "words_foreign" if family.startswith("words_") else family


def score(cases: list[dict[str, object]], by_language: bool = True) -> dict[str, dict[str, float]]:
    from tests.videre.extract.normalise.phone_cases import with_scores
    from videre.extract.normalise.extract import extract

    table: dict[str, dict[str, float]] = {}
    for case in cases:
        got = {h.e164 for h in extract({"text": case["text"]}, str(case["region"])).phones}
        want = set(case["expected"])  # type: ignore[arg-type]
        family = str(case["family"]) if by_language else family_group(str(case["family"]))
        row = table.setdefault(family, {"cases": 0, "tp": 0, "fp": 0, "fn": 0})
        row["cases"] += 1
        row["tp"] += len(got & want)
        row["fp"] += len(got - want)
        row["fn"] += len(want - got)
    return with_scores(table)


def main(argv: list[str]) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[4]))
    if argv and argv[0] == "--write":
        cases = generate()
        FILE.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), encoding="utf-8")
        print(f"{len(cases)} cases written to {FILE}")
        return
    half = argv[0] if argv else "tune"
    print_table(half, score(load(half)))


def print_table(title: str, table: dict[str, dict[str, float]]) -> None:
    print(f"{title}: {'family':16s} {'cases':>5s} {'tp':>4s} {'fp':>4s} {'fn':>4s} {'prec':>6s} {'recall':>6s} {'F1':>6s}")
    for family, row in sorted(table.items()):
        print(f"{'':{len(title) + 2}s}{family:16s} {row['cases']:5.0f} {row['tp']:4.0f} {row['fp']:4.0f} "
              f"{row['fn']:4.0f} {row['precision']:6.3f} {row['recall']:6.3f} {row['f1']:6.3f}")


if __name__ == "__main__":
    main(sys.argv[1:])

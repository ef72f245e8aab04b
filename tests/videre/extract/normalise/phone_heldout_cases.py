"""A second, wholly held-out table of mixed-form phone numbers (issue 14), written after the
first (mixed_cases.py) had been looked at. Its own generator, its own seed, its own word lists
and wording, written from the issue's family descriptions only: digits and words interleaved,
glued, homophones (for/fore/to/too/ate/won/oh/o), tens and compounds, Swedish words among
digit groups, odd separators, two numbers joined by a word, the number words of ro, bg, hu,
pl, es, pt and th in Latin script, and negatives (prices, measurements, times, dates,
postcodes, ages, ad ids, rate cards). Nothing was tuned on it: it is scored, not read.

Numbers are random and fictional, accepted only if phonenumbers calls them valid mobiles.

    python tests/videre/extract/normalise/phone_heldout_cases.py --write   # regenerate the file
    python tests/videre/extract/normalise/phone_heldout_cases.py           # P/R/F1 per family
    python tests/videre/extract/normalise/phone_heldout_cases.py --tune 3  # a tuning seed, misses shown
    python tests/videre/extract/normalise/phone_heldout_cases.py --seed 91403307   # a seen table
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

# The table in the file: generated after the homophone tuning of 2026-12-07 (tuning seeds 10-60,
# checked on 61-99) was finished, and scored once (docs/phones.md, "Accuracy").
SEED = THIRD_SEED = 6_021_4471
SECOND_SEED = 9_140_3307     # the file's table before: scored once after tuning, since seen
FIRST_SEED = 2026_12_07_14   # the first table of this generator: scored once, before tuning
TUNING_SEEDS = range(1, 100)   # generated in memory, to tune on; never the file's seed
FILE = Path(__file__).with_name("phone_heldout_cases.jsonl")

# 0-9, then 10-19, then 20, 30 ... 90, and how a ten and a unit are joined ("" = written together).
WORDS: dict[str, dict[str, list[str]]] = {
    "sv": {"units": "noll ett två tre fyra fem sex sju åtta nio".split(),
           "teens": "tio elva tolv tretton fjorton femton sexton sjutton arton nitton".split(),
           "tens": "tjugo trettio fyrtio femtio sextio sjuttio åttio nittio".split()},
    "en": {"units": "zero one two three four five six seven eight nine".split(),
           "teens": "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split(),
           "tens": "twenty thirty forty fifty sixty seventy eighty ninety".split()},
    "ro": {"units": "zero unu doi trei patru cinci șase șapte opt nouă".split(),
           "teens": ("zece unsprezece doisprezece treisprezece paisprezece cincisprezece "
                     "șaisprezece șaptesprezece optsprezece nouăsprezece").split(),
           "tens": "douăzeci treizeci patruzeci cincizeci șaizeci șaptezeci optzeci nouăzeci".split()},
    "bg": {"units": "nula edno dve tri chetiri pet shest sedem osem devet".split(),
           "teens": ("deset edinadeset dvanadeset trinadeset chetirinadeset petnadeset "
                     "shestnadeset sedemnadeset osemnadeset devetnadeset").split(),
           "tens": ("dvadeset trideset chetirideset petdeset shestdeset sedemdeset osemdeset "
                    "devetdeset").split()},
    "hu": {"units": "nulla egy kettő három négy öt hat hét nyolc kilenc".split(),
           "teens": ("tíz tizenegy tizenkettő tizenhárom tizennégy tizenöt tizenhat tizenhét "
                     "tizennyolc tizenkilenc").split(),
           "tens": "húsz harminc negyven ötven hatvan hetven nyolcvan kilencven".split()},
    "pl": {"units": "zero jeden dwa trzy cztery pięć sześć siedem osiem dziewięć".split(),
           "teens": ("dziesięć jedenaście dwanaście trzynaście czternaście piętnaście szesnaście "
                     "siedemnaście osiemnaście dziewiętnaście").split(),
           "tens": ("dwadzieścia trzydzieści czterdzieści pięćdziesiąt sześćdziesiąt "
                    "siedemdziesiąt osiemdziesiąt dziewięćdziesiąt").split()},
    "es": {"units": "cero uno dos tres cuatro cinco seis siete ocho nueve".split(),
           "teens": ("diez once doce trece catorce quince dieciséis diecisiete dieciocho "
                     "diecinueve").split(),
           "tens": "veinte treinta cuarenta cincuenta sesenta setenta ochenta noventa".split()},
    "pt": {"units": "zero um dois três quatro cinco seis sete oito nove".split(),
           "teens": "dez onze doze treze catorze quinze dezesseis dezessete dezoito dezenove".split(),
           "tens": "vinte trinta quarenta cinquenta sessenta setenta oitenta noventa".split()},
    "th": {"units": "soon nueng song sam see ha hok jet paet kao".split()},
}
TEN_JOIN = {"sv": "", "en": "-", "ro": " și ", "bg": " i ", "hu": "", "pl": " ", "es": " y ", "pt": " e "}
ASCII = str.maketrans("åäöőéíúüóáăâîșțęąćłńśźżñõç", "aaooeiuuoaaaiste" "aclnszznoc")

# Where each ad is posted, in her language: a few sentences around the number.
PHRASES: dict[str, list[str]] = {
    "sv": ["Söt tjej på besök, hör av dig på {} vänligen inga dolda nummer",
           "Massage och sällskap. Mitt nummer: {}", "Bokning {} (svarar mellan 10 och 23)",
           "Nyfiken? Skriv till {} så berättar jag mer"],
    "en": ["Sweet girl visiting town, reach me at {} no withheld numbers",
           "Massage and company. My number: {}", "Bookings {} (I answer between 10 and 23)",
           "Curious? Send a message to {} and I will tell you more"],
    "ro": ["Bună, sunt o fată dulce și nouă aici. Numărul meu este {} te aștept",
           "Fată nouă în oraș, scrie-mi pe {} mulțumesc"],
    "bg": ["Zdravei, az sam nova momiche v grada. Moyat nomer e {} chakam te",
           "Novo momiche, pishi mi na {} blagodarya"],
    "hu": ["Szia, kedves új lány vagyok a városban. A számom {} várlak",
           "Új lány, írj nekem: {} köszönöm"],
    "pl": ["Hej, jestem słodką nową dziewczyną w mieście. Mój numer to {} czekam",
           "Nowa dziewczyna, napisz do mnie {} dziękuję"],
    "es": ["Hola cariño, soy una chica nueva en la ciudad. Mi número es {} te espero",
           "Chica nueva, escríbeme al {} gracias"],
    "pt": ["Olá querido, sou uma menina nova na cidade. O meu número é {} espero por ti",
           "Menina nova, escreve-me para {} obrigada"],
    "th": ["นวดแผนไทย สปา ผ่อนคลาย โทร {} ค่ะ", "ร้านนวด เปิดทุกวัน ติดต่อ {} ขอบคุณค่ะ"],
}
JOINED_BY = {"sv": ["eller", "alternativt", "och även"], "en": ["or", "otherwise", "and also"]}
HOME = {"ro": "RO", "bg": "BG", "hu": "HU", "pl": "PL", "es": "ES", "pt": "PT", "th": "TH"}
# (country code, trunk prefix as written at home, first national digits, digits after them)
MOBILES = {"SE": ("46", "0", ["70", "72", "73", "76", "79"], 7),
           "RO": ("40", "0", ["72", "73", "74", "75", "76", "77"], 7),
           "BG": ("359", "0", ["87", "88", "89"], 7), "HU": ("36", "06", ["20", "30", "70"], 7),
           "PL": ("48", "", ["50", "51", "53", "60", "66", "69", "72", "78", "79", "88"], 7),
           "ES": ("34", "", ["6", "7"], 8), "PT": ("351", "", ["91", "92", "93", "96"], 7),
           "TH": ("66", "0", ["6", "8", "9"], 8)}
SOUNDS = {"0": ["oh", "o", "O"], "1": ["won"], "2": ["to", "too"], "4": ["for", "fore"], "8": ["ate"]}
SEPARATORS = ["!", "|", "*", "+", ":", ";", "~", "#", "/", "_", "=", "°", "★", "✿", "<3", "...", "--"]


class Maker:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def mobile(self, country: str = "SE") -> tuple[str, str]:
        """(E.164, the national digits written at home)."""
        import phonenumbers

        cc, trunk, starts, rest = MOBILES[country]
        while True:
            nsn = self.rng.choice(starts) + "".join(str(self.rng.randrange(10)) for _ in range(rest))
            number = phonenumbers.parse(f"+{cc}{nsn}")
            if phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in (
                    phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
                return f"+{cc}{nsn}", trunk + nsn

    def unit(self, lang: str, d: str) -> str:
        word = WORDS[lang]["units"][int(d)]
        return word.translate(ASCII) if self.rng.random() < 0.25 else word

    def two(self, lang: str, pair: str) -> str:
        """A pair of digits said as one number (10-99), or digit by digit when it starts with 0."""
        n = int(pair)
        if n < 10:
            return f"{self.unit(lang, pair[0])} {self.unit(lang, pair[1])}"
        if n < 20:
            return WORDS[lang]["teens"][n - 10]
        ten, u = WORDS[lang]["tens"][n // 10 - 2], n % 10
        if u == 0:
            return ten
        if lang == "es" and n // 10 == 2:
            return "veinti" + WORDS["es"]["units"][u]
        if lang == "hu":
            return {"húsz": "huszon"}.get(ten, ten) + WORDS["hu"]["units"][u]
        return ten + TEN_JOIN[lang] + WORDS[lang]["units"][u]

    def pieces(self, digits: str, sizes: tuple[int, ...]) -> list[str]:
        out, i = [], 0
        while i < len(digits):
            k = self.rng.choice(sizes)
            out.append(digits[i:i + k])
            i += k
        return out

    def phrase(self, lang: str, written: str) -> str:
        text = self.rng.choice(PHRASES[lang]).format(written)
        return text.upper() if self.rng.random() < 0.05 else text


def case(family: str, text: str, numbers: list[str], region: str = "SE") -> dict[str, object]:
    return {"family": family, "text": text, "expected": numbers, "region": region}


def interleaved(m: Maker) -> Iterator[dict[str, object]]:
    for k in range(40):
        e164, nat = m.mobile()
        langs = ("sv", "en", "sv en")[k % 3].split()
        parts = [m.unit(m.rng.choice(langs), d) if m.rng.random() < 0.55 else d for d in nat]
        parts[0] = m.unit(langs[0], nat[0]) if all(p.isdigit() for p in parts) else parts[0]
        yield case("interleaved", m.phrase(langs[-1], " ".join(parts)), [e164])


def glued(m: Maker) -> Iterator[dict[str, object]]:
    for k in range(40):
        e164, nat = m.mobile()
        lang = ("en", "sv")[k % 2]
        parts = [m.unit(lang, d) if m.rng.random() < 0.45 else d for d in nat]
        parts[-2] = m.unit(lang, nat[-2])
        chunks = m.pieces("".join("x" for _ in parts), (3, 4, 10))
        out, i = [], 0
        for c in chunks:
            out.append("".join(parts[i:i + len(c)]))
            i += len(c)
        yield case("glued", m.phrase(lang, " ".join(o for o in out if o)), [e164])


def homophones(m: Maker) -> Iterator[dict[str, object]]:
    for _ in range(50):
        e164, nat = m.mobile()
        while sum(d in SOUNDS for d in nat) < 4:
            e164, nat = m.mobile()
        parts = [m.rng.choice(SOUNDS[d]) if d in SOUNDS and m.rng.random() < 0.7 else d for d in nat]
        chunks = m.pieces("x" * len(parts), (1, 2, 3, 3))
        out, i = [], 0
        for c in chunks:
            out.append("".join(parts[i:i + len(c)]))
            i += len(c)
        yield case("homophones", m.phrase("en", " ".join(o for o in out if o)), [e164])


def tens(m: Maker) -> Iterator[dict[str, object]]:
    for k in range(40):
        if k % 8 == 7:   # a US number whose last four are "N thousand" / "N hundred"
            area, mid, n = m.rng.choice(["202", "305", "512", "718"]), str(m.rng.randrange(201, 999)), m.rng.randrange(1, 10)
            if k % 16 == 7:
                tail, digits = m.rng.choice([f"{n} thousand", f"{WORDS['en']['units'][n]}thousand"]), f"{n}000"
            else:
                tail, digits = f"{n}{m.rng.randrange(1, 10)} hundred", None
                digits = tail.split()[0] + "00"
            yield case("tens", f"Call or text {area}-{mid}-{tail}", [f"+1{area}{mid}{digits}"], "US")
            continue
        e164, nat = m.mobile()
        lang = ("sv", "en")[k % 2]
        groups = [nat[0]] + m.pieces(nat[1:], (2, 2, 2, 1))
        said = [m.two(lang, g) if len(g) == 2 else m.unit(lang, g) for g in groups]
        if k % 4 == 1:
            said = [g if m.rng.random() < 0.4 else s for s, g in zip(said, groups)]
        yield case("tens", m.phrase(lang, m.rng.choice([", ", " ", " - ", "; "]).join(said)), [e164])


def sv_groups(m: Maker) -> Iterator[dict[str, object]]:
    for _ in range(30):
        e164, nat = m.mobile()
        groups = m.pieces(nat, (3, 2, 4))
        out = [m.rng.choice(["-", " ", ""]).join(m.unit("sv", d) for d in g)
               if i == 0 or m.rng.random() < 0.4 else g for i, g in enumerate(groups)]
        yield case("sv_groups", m.phrase("sv", " ".join(out)), [e164])


def separators(m: Maker) -> Iterator[dict[str, object]]:
    for k in range(30):
        e164, nat = m.mobile()
        sep = m.rng.choice(SEPARATORS)
        if k % 3 == 2:
            sep = f" {sep} "
        yield case("separators", m.phrase(("sv", "en")[k % 2], sep.join(m.pieces(nat, (1, 2, 2, 3)))), [e164])


def _any_form(m: Maker, nat: str, lang: str) -> str:
    form = m.rng.randrange(4)
    if form == 0:
        return f"{nat[:3]} {nat[3:6]} {nat[6:]}"
    if form == 1:
        return " ".join(m.unit(lang, d) for d in nat)
    if form == 2:
        return "".join(m.unit(lang, d) if m.rng.random() < 0.4 else d for d in nat)
    return f"{nat[:3]}-{nat[3:]}"


def two_numbers(m: Maker) -> Iterator[dict[str, object]]:
    for k in range(30):
        lang = ("en", "sv")[k % 2]
        (a, na), (b, nb) = m.mobile(), m.mobile()
        text = f"{_any_form(m, na, lang)} {m.rng.choice(JOINED_BY[lang])} {_any_form(m, nb, lang)}"
        yield case("two_numbers", m.phrase(lang, text), [a, b])


def foreign(m: Maker) -> Iterator[dict[str, object]]:
    for k in range(70):
        lang = list(HOME)[k % 7]
        where = k // 7 % 3
        if where == 0:     # a site in her country, national number
            region, (e164, nat) = HOME[lang], m.mobile(HOME[lang])
        elif where == 1:   # a Swedish site, her home number written with 00
            region, (e164, nat) = "SE", m.mobile(HOME[lang])
            nat = "00" + e164[1:]
        else:              # a Swedish site, a Swedish number, in her language
            region, (e164, nat) = "SE", m.mobile()
        form = k // 21 % 3
        if form == 0 or lang == "th":
            text = " ".join(m.unit(lang, d) for d in nat)
        elif form == 1:
            text = " ".join(d if m.rng.random() < 0.5 else m.unit(lang, d) for d in nat)
        else:
            lead = nat[:2] if nat.startswith("00") or nat.startswith("06") else nat[:1]
            rest = m.pieces(nat[len(lead):], (2,))
            text = " ".join([" ".join(m.unit(lang, d) for d in lead)]
                            + [m.two(lang, p) if len(p) == 2 and p[0] != "0" else
                               " ".join(m.unit(lang, d) for d in p) for p in rest])
        yield case(f"words_{lang}", m.phrase(lang, text), [e164], region)


NEGATIVE_TEXTS = [
    # rate cards and prices
    "1h 2000, 2h 3500", "1h 2000, 2h 3500, 3h 5000, natt 9000", "30 min 1200 | 1 h 2000 | 2 h 3800",
    "Price: 150 eur half hour, 250 eur one hour, 450 two hours", "tretusen för en timme, femtusen för två",
    "one hour two hundred, two hours three fifty", "Pris 1 500 kr / 30 min, 2 500 kr / 60 min",
    "Incall 1h 1800:- Outcall 1h 2500:-", "Discount 20% on 2h: 3500 instead of 4000",
    "1 oră 400 lei, 2 ore 700 lei, noapte 1500 lei", "1 óra 25000 Ft, 2 óra 45000 Ft",
    "1 godzina 300 zł, 2 godziny 550 zł", "1 hora 120 euros, 2 horas 220 euros, noche 600",
    "1 chas 150 leva, 2 chasa 280 leva", "1 ชม. 1200 บาท, 2 ชม. 2000 บาท",
    # measurements, ages, bodies
    "90-60-90", "Measurements 90-60-90, 163 cm, 52 kg", "163 cm", "Height 163 cm, weight 51 kg, 34C",
    "mått 95-65-95, 172 cm, 60 kg, skostorlek 38", "Age 23, 165 cm, 55 kg, bra 75B",
    "I am twenty-four years old, one sixty-five tall", "ålder 22, längd 168, vikt 54",
    "am 24 de ani, 168 cm, 55 kg", "mam 26 lat, 170 cm, 58 kg, 90-60-90",
    "tengo 25 años, mido 1,65, peso 55", "tenho 27 anos, 1,70 m, 60 kg", "23 éves vagyok, 165 cm, 55 kg",
    "na 24 godini sam, 168 sm, 55 kg",
    # times and dates
    "Open 10:00-02:00 every day", "Mon-Sun 11-23", "available 20.00 - 06.00", "kl 18-03 alla dagar",
    "7/12-14/12 i Göteborg", "från 2026-12-07 till 2026-12-20", "Dec 7 - Dec 20, 2026",
    "here 01.12.2026 - 15.12.2026", "nine to five, seven days a week", "from eight to ten tonight",
    # postcodes, addresses, ids and counts
    "Postnr 411 38 Göteborg", "Kungsgatan 12, 411 19 Göteborg", "Ad #58203941", "Annons-ID: 7710342219",
    "ID 4400129387 verified", "Ref: 070A-55B3-9921", "Order 2026120714", "Profile 88231, 12 photos, 3 videos",
    "Rated 4.9 of 5 by 120 guests", "Room 212, floor 2, door code 1408", "Tram 3, 5 and 11, stop 4",
    "top 3 in Stockholm, 1000 visits", "5 stars 4 you 2 enjoy", "one for you, two for me, four for us",
    "want to see you at eight for two hours", "o o o xoxo oh oh", "won 1st prize for 2 years",
    "for to too fore ate won oh o", "tio tusen kronor, tjugo procent", "sjuttio, åttio, nittio kronor",
    "seventy-five, eighty, ninety five euros", "zero seven zero", "07 07 07", "call after 7 or 8 tonight",
]


def negatives(m: Maker) -> Iterator[dict[str, object]]:
    for text in NEGATIVE_TEXTS:
        yield case("negative", text, [])


FAMILIES: list[Callable[[Maker], Iterator[dict[str, object]]]] = [
    interleaved, glued, homophones, tens, sv_groups, separators, two_numbers, foreign, negatives]


def generate(seed: int = SEED) -> list[dict[str, object]]:
    m = Maker(seed)
    return [c for family in FAMILIES for c in family(m)]


def load() -> list[dict[str, object]]:
    return [json.loads(line) for line in FILE.read_text(encoding="utf-8").splitlines() if line]


def main(argv: list[str]) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[4]))
    from tests.videre.extract.normalise.mixed_cases import print_table, score

    if argv and argv[0] == "--write":
        cases = generate()
        FILE.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), encoding="utf-8")
        print(f"{len(cases)} cases written to {FILE}")
        return
    if argv and argv[0] == "--tune":   # a tuning seed, with the misses
        cases = generate(int(argv[1]))
        assert int(argv[1]) in TUNING_SEEDS
        print_table(f"tuning seed {argv[1]}", score(cases))
        from videre.extract.normalise.extract import extract

        for c in cases:
            got = {h.e164 for h in extract({"text": c["text"]}, str(c["region"])).phones}
            if got != set(c["expected"]):  # type: ignore[arg-type]
                print(c["family"], c["region"], repr(c["text"]), c["expected"], sorted(got))
        return
    if argv and argv[0] == "--seed":   # an earlier table, generated in memory
        assert int(argv[1]) in (FIRST_SEED, SECOND_SEED)
        print_table(f"seed {argv[1]} (seen)", score(generate(int(argv[1]))))
        return
    print_table(f"held-out (seed {SEED})", score(load()))


if __name__ == "__main__":
    main(sys.argv[1:])

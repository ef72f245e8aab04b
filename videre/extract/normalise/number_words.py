"""Number words as ads write them inside phone numbers: units, teens, tens, hundreds and
thousands, per language, in Latin script (docs/phones.md lists what is read).

Swedish and English are read in every ad. The other languages' words are read only where the
ad's language or the site's region makes them plausible (`allowed_languages`): Thai "song",
"sam", "see" or Hungarian "hat" are ordinary English words, Spanish "once" too.

Each entry is (value, kind). Kinds: "unit" (0-9), "teen" (10-19), "ten" (20, 30 ... 90, and the
glued prefixes such as Hungarian "huszon-" that take a unit after them), "mult" (a multiplier:
hundred, thousand, Thai "sip" ten) and "join" (the "and" inside a compound: Spanish "treinta y
cuatro").
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache, lru_cache

# "word=value" separated by spaces; several spellings of one value share it ("tretti/trettio=30").
_TABLES: dict[str, str] = {
    "sv": "noll/nolla/nol=0 ett/etta/en=1 två/tva/tvåa=2 tre/trea=3 fyra/fyr=4 fem/femma=5 "
          "sex/sexa=6 sju/sjua/sjuu=7 åtta/atta/åta=8 nio/nia=9 "
          "tio=10 elva=11 tolv=12 tretton=13 fjorton=14 femton=15 sexton=16 sjutton=17 arton=18 "
          "nitton=19 tjugo/tjugi/tju=20 trettio/tretti=30 fyrtio/förti/fyrti/forti=40 "
          "femtio/femti=50 sextio/sexti=60 sjuttio/sjutti=70 åttio/attio/åtti/atti=80 "
          "nittio/nitti=90 hundra=100 tusen=1000",
    "en": "zero/zeero/zeroo/oh/o=0 one/won/wun=1 two/to/too/tu=2 three/tree/thre=3 "
          "four/for/fore/fuor/foor=4 five/fiev/fiv=5 six/sixx/siks=6 seven/sevn/sevan=7 "
          "eight/ate/eigth/eigt=8 nine/nien/nyne=9 "
          "ten=10 eleven=11 twelve=12 thirteen=13 fourteen=14 fifteen=15 sixteen=16 "
          "seventeen=17 eighteen=18 nineteen=19 twenty=20 thirty=30 forty/fourty=40 fifty=50 "
          "sixty=60 seventy=70 eighty=80 ninety=90 hundred=100 thousand/grand=1000",
    "es": "cero=0 uno/una/un=1 dos=2 tres=3 cuatro=4 cinco=5 seis=6 siete=7 ocho=8 nueve=9 "
          "diez=10 once=11 doce=12 trece=13 catorce=14 quince=15 dieciseis/dieciséis=16 "
          "diecisiete=17 dieciocho=18 diecinueve=19 veinte/veinti=20 treinta=30 cuarenta=40 "
          "cincuenta=50 sesenta=60 setenta=70 ochenta=80 noventa=90 cien/ciento=100 mil=1000 "
          "y=and",
    "pt": "zero=0 um/uma=1 dois/duas=2 três/tres=3 quatro=4 cinco=5 seis=6 sete=7 oito=8 "
          "nove=9 dez=10 onze=11 doze=12 treze=13 catorze/quatorze=14 quinze=15 "
          "dezesseis/dezasseis=16 dezessete/dezassete=17 dezoito=18 dezenove/dezanove=19 "
          "vinte=20 trinta=30 quarenta=40 cinquenta=50 sessenta=60 setenta=70 oitenta=80 "
          "noventa=90 cem/cento=100 mil=1000 e=and",
    "ro": "zero=0 unu/una=1 doi/două/doua=2 trei=3 patru=4 cinci=5 șase/şase/sase=6 "
          "șapte/şapte/sapte=7 opt=8 nouă/noua=9 zece=10 unsprezece=11 doisprezece=12 "
          "treisprezece=13 paisprezece=14 cincisprezece=15 șaisprezece/saisprezece=16 "
          "șaptesprezece/saptesprezece=17 optsprezece=18 nouăsprezece/nouasprezece=19 "
          "douăzeci/douazeci=20 treizeci=30 patruzeci=40 cincizeci=50 șaizeci/saizeci=60 "
          "șaptezeci/saptezeci=70 optzeci=80 nouăzeci/nouazeci=90 sută/suta=100 mie=1000 "
          "și/si=and",
    "bg": "nula=0 edno/edin/edna=1 dve/dva=2 tri=3 chetiri/cheteri=4 pet=5 shest=6 sedem=7 "
          "osem=8 devet=9 deset=10 edinadeset=11 dvanadeset=12 trinadeset=13 "
          "chetirinadeset=14 petnadeset=15 shestnadeset=16 sedemnadeset=17 osemnadeset=18 "
          "devetnadeset=19 dvadeset=20 trideset=30 chetirideset=40 petdeset=50 shestdeset=60 "
          "sedemdeset=70 osemdeset=80 devetdeset=90 sto=100 hilyada/hiliada=1000 i=and",
    "hu": "nulla=0 egy=1 kettő/ketto/kettö/két/ket=2 három/harom=3 négy/negy=4 öt/ot=5 hat=6 "
          "hét/het=7 nyolc=8 kilenc=9 tíz/tiz=10 tizen=10 húsz/husz=20 huszon=20 harminc=30 "
          "negyven=40 ötven/otven=50 hatvan=60 hetven=70 nyolcvan=80 kilencven=90 "
          "száz/szaz=100 ezer=1000",
    "pl": "zero=0 jeden/jedna=1 dwa/dwie=2 trzy=3 cztery=4 pięć/piec=5 sześć/szesc=6 siedem=7 "
          "osiem=8 dziewięć/dziewiec=9 dziesięć/dziesiec=10 jedenaście/jedenascie=11 "
          "dwanaście/dwanascie=12 trzynaście/trzynascie=13 czternaście/czternascie=14 "
          "piętnaście/pietnascie=15 szesnaście/szesnascie=16 siedemnaście/siedemnascie=17 "
          "osiemnaście/osiemnascie=18 dziewiętnaście/dziewietnascie=19 "
          "dwadzieścia/dwadziescia=20 trzydzieści/trzydziesci=30 czterdzieści/czterdziesci=40 "
          "pięćdziesiąt/piecdziesiat=50 sześćdziesiąt/szescdziesiat=60 "
          "siedemdziesiąt/siedemdziesiat=70 osiemdziesiąt/osiemdziesiat=80 "
          "dziewięćdziesiąt/dziewiecdziesiat=90 sto=100 tysiąc/tysiac=1000",
    # Thai in Latin script (RTGS and the spellings ads use). "sip" multiplies ("sam sip" 30).
    "th": "sun/soon/suun/soun=0 nueng/neung/nung=1 song/sorng=2 sam/saam=3 si/see/sii=4 "
          "ha/haa=5 hok=6 chet/jet/jed=7 paet/pad/paed/bpaet=8 kao/gao/kow=9 sip/sib=x10 "
          "roi/loi=100 phan/pan=1000",
    "de": "null=0 eins=1 zwei/zwo=2 drei=3 vier=4 fünf/fuenf/funf=5 sechs=6 sieben=7 acht=8 "
          "neun=9 zehn=10 elf=11 zwölf/zwoelf=12 zwanzig=20 dreißig/dreissig=30 vierzig=40 "
          "fünfzig/fuenfzig=50 sechzig=60 siebzig=70 achtzig=80 neunzig=90 hundert=100 "
          "tausend=1000",
}

# Ordinary words first (in some language read in Sweden): digits only next to other digits.
WEAK = frozenset({
    "en", "o", "oh", "to", "too", "tu", "won", "for", "fore", "ate", "tree", "sex", "tju",
    "una", "un", "dos", "once", "mil", "um", "e", "y", "i", "si", "sun", "song", "sam", "see",
    "ha", "pan", "jet", "pad", "hat", "het", "ot", "ket", "sto", "opt", "pet", "null", "elf",
    "grand", "tiz", "tizen", "veinti", "huszon", "roi", "loi", "kow", "gao", "sib", "soon",
    "sii", "haa", "hok", "kao", "chet", "jed", "sip", "nung", "dez", "cem", "tres", "seis",
    "sete", "nove", "dve", "egy", "mie", "ten",
})

# Which region makes which language's number words plausible, beyond the ad's own languages.
REGION_LANGUAGES: dict[str, str] = {
    "RO": "ro", "MD": "ro", "BG": "bg", "HU": "hu", "PL": "pl", "TH": "th", "PT": "pt",
    "BR": "pt", "AO": "pt", "MZ": "pt", "DE": "de", "AT": "de", "CH": "de",
    "ES": "es", "MX": "es", "CO": "es", "AR": "es", "VE": "es", "PE": "es", "CL": "es",
    "EC": "es", "DO": "es", "CU": "es", "BO": "es", "PY": "es", "UY": "es",
}
ALWAYS = ("sv", "en")

Entry = tuple[int, str]   # (value, kind)
# Look-alike letters read as digits among digits.
LOOKALIKES = {"o": "0", "l": "1", "i": "1"}


@cache
def table(lang: str) -> dict[str, Entry]:
    """word -> (value, kind) for one language."""
    out: dict[str, Entry] = {}
    for item in _TABLES[lang].split():
        spellings, _, value = item.partition("=")
        if value == "and":
            entry: Entry = (0, "join")
        elif value.startswith("x"):
            entry = (int(value[1:]), "mult")
        else:
            n = int(value)
            kind = "unit" if n < 10 else "teen" if n < 20 else "ten" if n < 100 else "mult"
            if spellings in ("tizen",):
                kind = "ten"   # Hungarian "tizen-": a unit is glued after it (tizenhét, 17)
            entry = (n, kind)
        for word in spellings.split("/"):
            out[word] = entry
    return out


@cache
def allowed_languages(hint: tuple[str, ...], region: str) -> tuple[str, ...]:
    """The languages whose number words an ad may use: Swedish, English, the ad's languages
    that have a table, and the site region's language. Thai script in the ad counts as Thai."""
    langs = list(ALWAYS)
    for lang in (*hint, REGION_LANGUAGES.get(region, "")):
        if lang in _TABLES and lang not in langs:
            langs.append(lang)
    return tuple(langs)


# Different number words of one language a text needs before they make that language
# plausible by themselves: a number spelt out in Bulgarian or Portuguese where the prose is too
# short to tell the language (docs/phones.md).
OWN_WORDS = 2
# Thai number words in Latin script are mostly English words ("sun", "see", "song"): only a
# Thai ad (Thai script) or a Thai site makes them plausible, never the words themselves.
SPOKEN_ONLY = frozenset({"th"})
# Weak words that are still no Swedish or English word: they count towards OWN_WORDS.
NOT_PROSE_HERE = frozenset({"tres", "seis", "sete", "nove", "dve", "egy"})


@cache
def _own_words() -> dict[str, frozenset[str]]:
    """Per language beyond Swedish and English: its number words that are no word of those two
    and not weak."""
    home = lexicon(ALWAYS)
    return {lang: frozenset(w for w in table(lang) if w not in home and len(w) >= 3
                            and (w not in WEAK or w in NOT_PROSE_HERE))
            for lang in _TABLES if lang not in ALWAYS and lang not in SPOKEN_ONLY}


@cache
def _any_own_word() -> frozenset[str]:
    return frozenset().union(*_own_words().values())


def number_languages(words: Sequence[str]) -> tuple[str, ...]:
    """Languages whose number words the text itself uses enough of (OWN_WORDS different ones)."""
    if _any_own_word().isdisjoint(words):
        return ()   # nearly every ad: one C-speed test
    present = set(words)
    return tuple(lang for lang, own in _own_words().items() if len(own & present) >= OWN_WORDS)


@cache
def lexicon(langs: tuple[str, ...]) -> dict[str, dict[str, Entry]]:
    """word -> {language: entry} over `langs`."""
    out: dict[str, dict[str, Entry]] = {}
    for lang in langs:
        for word, entry in table(lang).items():
            out.setdefault(word, {})[lang] = entry
    return out


@cache
def strong_words(langs: tuple[str, ...]) -> frozenset[str]:
    """Number words of `langs` that are no ordinary word as well (at least 3 letters)."""
    return frozenset(w for w in lexicon(langs) if w not in WEAK and len(w) >= 3)


@cache
def trigger_words(langs: tuple[str, ...]) -> frozenset[str]:
    """Words that make a text worth reading for mixed numbers: the strong words, and every
    number word of a language allowed beyond Swedish and English (Thai "song", "sam" are
    weak words in English, but this ad or site is Thai)."""
    extra = {w for lang in langs if lang not in ALWAYS for w, (_, kind) in table(lang).items()
             if kind != "join" and len(w) >= 2}
    # Swedish "ett" is the article "a" before it is a digit: in nearly every Swedish ad.
    return (strong_words(langs) | extra) - {"ett"}


# Sound-alikes of digits that are English words on their own; two or more written together
# ("ohate", "towonfore") are no English, and a cause to read a text.
HOMOPHONES = frozenset({"o", "oh", "to", "too", "tu", "for", "fore", "won", "ate"})
# Those that do not follow a number in prose, as "for" ("... for details") and "I" do.
TRAILING_HOMOPHONES = frozenset({"ate", "fore", "won", "oh"})
# English words that start a clause, never the object of "to" or "for": a homophone before
# one ends the number ("... 5 6 to no withheld numbers", "... 8 for and I will"), as ads add
# "no texts", "no withheld numbers" after their number.
CLAUSE_STARTS = frozenset({"and", "or", "but", "so", "no", "not", "i", "we", "he", "she", "they"})
HOMOPHONE_STARTS = frozenset(w[:2] for w in HOMOPHONES)


def glued_homophones(word: str) -> bool:
    # "owono": a lone "o" may start them, so its first letter is a start too.
    if len(word) < 3 or HOMOPHONE_STARTS.isdisjoint((word[:2], word[:1])) or not word.isalpha():
        return False
    parts = split_words(word, ALWAYS)
    return parts is not None and len(parts) > 1 and all(word[a:b] in HOMOPHONES for a, b in parts)


# Homophones that are also two pieces written together: "too" is "to" and "o" (20) as often
# as it is 2. The reader tries the single digit first.
TWO_PIECES = {"too": "20"}

# Function words that read as digits ("to", "for", "won"): a number never starts or ends on one
# that stands alone, lest "... 06 05 for details" gain a digit.
LOOSE = frozenset({"to", "too", "tu", "for", "fore", "won", "ate", "oh", "o", "en", "e", "y",
                   "i", "un", "um", "una", "si", "see", "sun", "ha", "pad", "jet"})


@cache
def prefixes(langs: tuple[str, ...]) -> frozenset[str]:
    """The first three letters of the strong words: a cheap test for number words written
    together ("sjuttiofyra", "nollsjunoll")."""
    return frozenset(w[:3] for w in strong_words(langs))


@cache
def longest(langs: tuple[str, ...]) -> int:
    return max(map(len, lexicon(langs)))


@lru_cache(maxsize=4096)
def split_words(chunk: str, langs: tuple[str, ...]) -> tuple[tuple[int, int], ...] | None:
    """A run of letters as number words and look-alikes, fewest pieces first, or None."""
    lex = lexicon(langs)
    if chunk in lex:
        return ((0, len(chunk)),)
    if len(chunk) > 60:
        return None
    widest = longest(langs)
    best: list[tuple[tuple[int, int], ...] | None] = [None] * (len(chunk) + 1)
    best[len(chunk)] = ()
    for i in range(len(chunk) - 1, -1, -1):
        choice = None
        for j in range(min(len(chunk), i + widest), i, -1):
            rest = best[j]
            if rest is None:
                continue
            piece = chunk[i:j]
            # A look-alike letter only at either end, where digits may stand against it
            # ("l7", "4O"): "oito" is no o + i + to.
            if piece in lex or (j == i + 1 and piece in LOOKALIKES and (i == 0 or j == len(chunk))):
                if choice is None or len(rest) + 1 < len(choice):
                    choice = ((i, j),) + rest
        best[i] = choice
    return best[0]

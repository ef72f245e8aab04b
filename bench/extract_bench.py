"""Ads per second: Videre's full extraction against phonenumbers' PhoneNumberMatcher alone.

Both run on the same ads in one process, in alternating rounds, so that machine load hits both
alike. Time is this process's CPU time (`time.process_time`), not the wall clock, so that other
work on a shared machine does not count; the best round of each is reported, and the median.
The first round is reported too: extraction's caches (numbers validated, short fields, hidden
numbers already read) fill during it, so it shows the cost when few numbers repeat.
The matcher reads the title, body and phone field; extraction reads those plus location, age
and name, and does far more (de-obfuscation, places, languages, indicators, prices). It also
prints how many of the planted numbers each one found.

    python bench/extract_bench.py                # both corpora, 5 rounds
    python bench/extract_bench.py --ads 3000 --rounds 7
    python bench/extract_bench.py --one-shot 40000 --rounds 3   # what users run: whole processes

`--one-shot N` times what a user runs instead: `videre extract` as a fresh process over an
N-ad JSON Lines file (start-up, config, JSON in and out included) against a fresh Python
process running a plain PhoneNumberMatcher loop over the same title, body and phone strings,
alternately, `--rounds` times each. It prints wall time (what the issue's target is about)
and the child processes' CPU time (steadier on a shared machine).

Corpora: "demo" is the demo world's ads (videre.demo, seed 7), short, some numbers hidden;
"mixed" is generated here: longer ads with prices, ages, measurements, dates and ids around
numbers written plainly (60 %) or hidden (40 %), some ads with none.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import phonenumbers

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from videre.extract.normalise.extract import extract  # noqa: E402

Ad = dict[str, Any]

_SV_DIGITS = ("noll", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio")
_EN_DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_OPENERS_SV = ("Hej älskling! Jag heter {name}, {age} år och ny i {city}.",
               "Söt tjej i {city}, {age} år. Välkommen till mig!",
               "Hej! {name} här, {age}, diskret och trevlig.")
_OPENERS_EN = ("Hello gentlemen, my name is {name}, {age} years old, new in {city}.",
               "Sweet girl in {city}, {age}. Come and visit me!",
               "Hi, I'm {name} ({age}), discreet and friendly.")
_MIDDLE_SV = ("Incall och outcall. Priser: 30 min 1500 kr, 1h 2500 kr, 2h 4000 kr.",
              "Mått 90-60-90, 165 cm, 55 kg. Tillgänglig 10-22 varje dag.",
              "Annons-ID {id}. Publicerad 2026-11-{day} 21:30.",
              "Jag tar emot i egen lägenhet nära centrum, postnummer 413 03.",
              "100% riktiga bilder, inga fejk. Svarar inte på dolda nummer.")
_MIDDLE_EN = ("Incall only. Rates: 30 min 1500 SEK, 1 hour 2500 SEK, 2h 4000.",
              "Measurements 90-60-90, 168 cm, 52 kg. Available 24/7.",
              "Ad no. {id}, posted 2026-11-{day} at 21:30.",
              "Real photos, verified. No withheld numbers please.",
              "Hotel visits in {city} and nearby, call before 22:00.")
_CONTACT_SV = ("Ring eller sms: {phone}.", "Nå mig på {phone} (endast sms).", "Tel {phone}")
_CONTACT_EN = ("Call or text {phone}.", "WhatsApp: {phone}", "Contact me on {phone} anytime.")
_NAMES = ("Anna", "Sofia", "Maja", "Elena", "Nina", "Lina", "Ida", "Vera")
_CITIES = ("Göteborg", "Stockholm", "Malmö", "Uppsala", "Örebro", "Linköping")


def _hide(national: str, rng: random.Random) -> str:
    style = rng.randrange(6)
    if style == 0:
        return " ".join(_SV_DIGITS[int(d)] for d in national)
    if style == 1:
        return " ".join(_EN_DIGITS[int(d)] for d in national)
    if style == 2:
        grouped = f"{national[:3]}-{national[3:6]} {national[6:8]} {national[8:]}"
        return grouped.replace("0", "O").replace("1", "l")
    if style == 3:
        return " ".join(national)
    if style == 4:
        return national.translate(_FULLWIDTH)
    return "*".join((national[:3], national[3:6], national[6:8], national[8:]))


def _plain(e164: str, rng: random.Random) -> str:
    national = "0" + e164[3:]
    return (f"{national[:3]}-{national[3:6]} {national[6:8]} {national[8:]}",
            f"+46 {national[1:3]} {national[3:6]} {national[6:8]} {national[8:]}",
            national, e164)[rng.randrange(4)]


def mixed_ads(count: int, seed: int = 11) -> list[tuple[Ad, frozenset[str]]]:
    """(ad, the planted number, if any). Fictional numbers: 070-17xxxxx style, generated."""
    rng = random.Random(seed)
    out: list[tuple[Ad, frozenset[str]]] = []
    for n in range(count):
        lang = "sv" if rng.random() < 0.6 else "en"
        openers, middle, contact = ((_OPENERS_SV, _MIDDLE_SV, _CONTACT_SV) if lang == "sv"
                                    else (_OPENERS_EN, _MIDDLE_EN, _CONTACT_EN))
        slots = {"name": rng.choice(_NAMES), "age": str(rng.randint(19, 45)), "city": rng.choice(_CITIES),
                 "id": str(rng.randrange(10**9, 10**14)), "day": f"{rng.randint(1, 28):02d}"}
        e164 = f"+4670{1740000 + n % 100_000:07d}" if rng.random() < 0.9 else None
        sentences = [rng.choice(openers)] + rng.sample(middle, rng.randint(2, len(middle)))
        if e164:
            national = "0" + e164[3:]
            written = _hide(national, rng) if rng.random() < 0.4 else _plain(e164, rng)
            sentences.insert(rng.randrange(1, len(sentences) + 1), rng.choice(contact).format(phone=written))
        body = " ".join(s.format(**slots) for s in sentences)
        ad = {"title": f"{slots['name']}, {slots['age']} - {slots['city']}", "body": body,
              "location": slots["city"], "age": slots["age"], "name": slots["name"],
              "phone": _plain(e164, rng) if e164 and rng.random() < 0.5 else ""}
        out.append((ad, frozenset({e164} if e164 else ())))
    return out


def demo_ads(count: int) -> list[tuple[Ad, frozenset[str]]]:
    """The demo world's ads, each with its group's numbers (an ad shows one of them)."""
    from videre.demo.generate import generate_world

    world = generate_world(seed=7, scale=max(1.0, count / 300), with_photos=False)
    phones_of = {ad_id: frozenset(group.phones) for group in world.groups for ad_id in group.ad_ids}
    out = []
    for ad in list(world.iter_ads())[:count]:
        record = {"title": ad.title, "body": ad.body, "phone": ad.phone, "location": ad.location,
                  "age": ad.age, "name": ad.name}
        out.append((record, phones_of.get(ad.id, frozenset())))
    return out


def run_extract(ads: Sequence[Ad]) -> list[set[str]]:
    return [{hit.e164 for hit in extract(ad).phones} for ad in ads]


def run_matcher(ads: Sequence[Ad]) -> list[set[str]]:
    found = []
    for ad in ads:
        numbers = set()
        for key in ("title", "body", "phone"):
            for match in phonenumbers.PhoneNumberMatcher(ad.get(key) or "", "SE"):
                numbers.add(phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164))
        found.append(numbers)
    return found


def measure(corpus: list[tuple[Ad, frozenset[str]]], rounds: int) -> dict[str, Any]:
    ads = [ad for ad, _ in corpus]
    runners: dict[str, Callable[[Sequence[Ad]], list[set[str]]]] = {
        "extract": run_extract, "matcher": run_matcher}
    times: dict[str, list[float]] = {name: [] for name in runners}
    found: dict[str, list[set[str]]] = {}
    for runner in runners.values():
        runner(ads[:50])  # load the gazetteer, tables and phonenumbers metadata outside the clock
    for _ in range(rounds):
        for name, runner in runners.items():
            start = time.process_time()
            found[name] = runner(ads)
            times[name].append(time.process_time() - start)
    planted = [(i, numbers) for i, (_, numbers) in enumerate(corpus) if numbers]
    report: dict[str, Any] = {"ads": len(ads)}
    for name in runners:
        best, median = min(times[name]), statistics.median(times[name])
        hits = sum(1 for i, numbers in planted if numbers & found[name][i])
        report[name] = {"ads_per_s_best": len(ads) / best, "ads_per_s_median": len(ads) / median,
                        "ads_per_s_first": len(ads) / times[name][0],
                        "planted_found": f"{hits}/{len(planted)}",
                        "seconds_best": best}
    return report


MATCHER_SCRIPT = """\
import json, sys
import phonenumbers
write = sys.stdout.write
for line in sys.stdin.buffer:
    ad = json.loads(line)
    numbers = set()
    for key in ("title", "body", "phone"):
        for match in phonenumbers.PhoneNumberMatcher(ad.get(key) or "", "SE"):
            numbers.add(phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164))
    write(json.dumps({"id": ad.get("id"), "phones": sorted(numbers)}) + "\\n")
"""


def _timed(argv: list[str], stdin: Path, cwd: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one child process reading `stdin`."""
    import resource
    import subprocess

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with stdin.open("rb") as fin:
        subprocess.run(argv, stdin=fin, stdout=subprocess.DEVNULL, check=True, cwd=cwd)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def one_shot(count: int, rounds: int) -> None:
    """Fresh processes over an N-ad file: `videre extract` against the matcher script."""
    import json
    import subprocess
    import sysconfig
    import tempfile

    root = Path(__file__).resolve().parents[1]
    videre = Path(sys.executable).with_name("videre")
    # Bytecode as pip leaves an installation (this machine's sessions set
    # PYTHONDONTWRITEBYTECODE, so nothing else writes it): without it every fresh process
    # compiles each module it imports, Videre's far more than the matcher's.
    subprocess.run([sys.executable, "-m", "compileall", "-q", sysconfig.get_paths()["purelib"],
                    str(root / "videre")], check=True, stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory(prefix="extract-bench-") as tmp:
        work = Path(tmp)
        script = work / "matcher.py"
        script.write_text(MATCHER_SCRIPT, encoding="utf-8")
        for name, corpus in (("demo", demo_ads(count)), ("mixed", mixed_ads(count))):
            data = work / f"{name}.jsonl"
            with data.open("w", encoding="utf-8") as out:
                for i, (ad, _) in enumerate(corpus):
                    out.write(json.dumps({"id": i, **ad}, ensure_ascii=False) + "\n")
            runs: dict[str, list[tuple[float, float]]] = {"videre extract": [], "matcher": []}
            for _ in range(rounds):
                # From the repository, so config.yaml is read as a user's would be.
                runs["videre extract"].append(_timed([str(videre), "extract"], data, root))
                runs["matcher"].append(_timed([sys.executable, str(script)], data, root))
            print(f"{name} one-shot: {count} ads, {rounds} rounds (wall s / CPU s per run)")
            for who, times in runs.items():
                walls = ", ".join(f"{w:.2f}/{c:.2f}" for w, c in times)
                print(f"  {who:15s} {walls}")
            v, m = runs["videre extract"], runs["matcher"]
            wall = statistics.median(w for w, _ in m) / statistics.median(w for w, _ in v)
            cpu = statistics.median(c for _, c in m) / statistics.median(c for _, c in v)
            best = min(w for w, _ in m) / min(w for w, _ in v)
            print(f"  extract / matcher speed: {wall:.2f}x wall (median), {best:.2f}x wall (best), "
                  f"{cpu:.2f}x CPU (median)")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ads", type=int, default=1500)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--one-shot", type=int, metavar="N", default=0,
                        help="time fresh processes over an N-ad file instead")
    args = parser.parse_args(argv)
    if args.one_shot:
        one_shot(args.one_shot, args.rounds)
        return
    for name, corpus in (("demo", demo_ads(args.ads)), ("mixed", mixed_ads(args.ads))):
        r = measure(corpus, args.rounds)
        ratio = r["extract"]["ads_per_s_best"] / r["matcher"]["ads_per_s_best"]
        first = r["extract"]["ads_per_s_first"] / r["matcher"]["ads_per_s_first"]
        print(f"{name}: {r['ads']} ads, {args.rounds} rounds")
        for who in ("extract", "matcher"):
            m = r[who]
            print(f"  {who:8s} {m['ads_per_s_best']:8.0f} ads/s best, {m['ads_per_s_median']:8.0f} median,"
                  f" {m['ads_per_s_first']:8.0f} first round; planted numbers found {m['planted_found']}")
        print(f"  extract / matcher speed: {ratio:.2f}x best round, {first:.2f}x first round")


if __name__ == "__main__":
    main()

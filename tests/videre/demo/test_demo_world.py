"""The demo world generator: determinism, the planted structure, realistic raw fields."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from datetime import timedelta

import phonenumbers
import pytest

from videre.demo import SITES, World, generate_world
from videre.demo.phones import FICTION_MOBILE_FIRST, FICTION_MOBILE_LAST
from videre.demo.phrases import STOCK_PHRASES


def _shingles(text: str, k: int = 3) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + k]) for i in range(len(words) - k + 1)}


def _jaccard(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> float:
    return len(a & b) / max(1, len(a | b))


def _strip_slots(text: str, *values: str) -> str:
    for value in values:
        text = text.replace(value, " ")
    return text


def test_same_seed_same_world_and_other_seed_differs(world: World) -> None:
    again = generate_world(7)
    assert again.ads == world.ads
    assert again.photos == world.photos
    assert again.truth() == world.truth()
    other = generate_world(8)
    assert other.reference_time != world.reference_time
    assert {a.body for a in other.ads.values()} != {a.body for a in world.ads.values()}


@pytest.mark.parametrize("seed", [1, 2, 3, 7, 11])
def test_scale_one_is_about_300_ads_with_site_two_small(seed: int) -> None:
    counts = Counter(a.site for a in generate_world(seed).ads.values())
    assert 240 <= sum(counts.values()) <= 360
    assert 95 <= counts["nattfjaril"] <= 145
    assert 55 <= counts["kvallsros"] <= 90  # the crawler renders it in a real browser
    assert 80 <= counts["vastkontakt"] <= 125


def test_truth_accounts_for_every_ad_once(world: World) -> None:
    truth = world.truth()
    listed = [(a["site"], a["id"]) for g in truth["groups"] for a in g["ads"]]
    assert len(listed) == len(set(listed)) == len(world.ads)
    assert {i for _, i in listed} == set(world.ads)
    for slug, info in truth["sites"].items():
        n = sum(1 for a in world.ads.values() if a.site == slug)
        assert info["ads"] == n
        assert info["listing_pages"] == -(-n // SITES[slug].per_page)
    assert set(truth["support_phones"]) == set(SITES)
    for group in truth["groups"]:
        for ref in group["ads"]:
            assert ref["path"] == SITES[ref["site"]].detail_path.format(id=ref["id"])


def test_kinds_present_at_scale_one(world: World) -> None:
    kinds = Counter(g.kind for g in world.groups)
    assert kinds["organised"] >= 3
    assert kinds["agency"] >= 1 and kinds["reposter"] >= 2 and kinds["tourer"] >= 2
    assert kinds["stock_phrase"] >= 4
    assert kinds["independent"] >= 50


def test_organised_groups_look_organised(world: World) -> None:
    ads = world.ads
    photo_reused_across_names = False
    for group in (g for g in world.groups if g.kind == "organised"):
        members = [ads[i] for i in group.ad_ids]
        names = {a.name for a in members}
        assert 3 <= group.persons == len(names) <= 6
        assert 1 <= len(group.phones) <= 3 and len(group.phones) < group.persons
        assert len({a.city for a in members}) >= 2, "moved between cities"
        assert len({a.site for a in members}) >= 2
        assert all(19 <= int(a.age.split()[0]) <= 24 for a in members)
        assert any(re.search(r"\b(hon|she)\b", a.body, re.I) for a in members)
        # One template: after removing the slots, every pair of ads reads nearly the same.
        bodies = [_shingles(_strip_slots(a.body.split("\n\n")[0], a.name, a.city)) for a in members]
        assert min(_jaccard(x, y) for x, y in itertools.combinations(bodies, 2)) > 0.6
        bases_by_name: dict[int, set[str]] = {}
        for ad in members:
            for photo in ad.photos:
                bases_by_name.setdefault(world.photos[photo].base, set()).add(ad.name)
        photo_reused_across_names |= any(len(n) > 1 for n in bases_by_name.values())
    assert photo_reused_across_names


def test_numbers_in_organised_bodies_are_obfuscated(world: World) -> None:
    bodies = [world.ads[i].body for g in world.groups if g.kind == "organised" for i in g.ad_ids]
    digit_runs = [b for b in bodies if re.search(r"[0-9]{6,}", b)]
    assert not digit_runs
    assert any(re.search(r"noll|zero|[０-９]|O7O|\d \d \d", b) for b in bodies)


def test_agency_has_one_number_a_roster_and_a_shared_footer(world: World) -> None:
    for group in (g for g in world.groups if g.kind == "agency"):
        members = [world.ads[i] for i in group.ad_ids]
        assert len(group.phones) == 1 and 4 <= group.persons <= 8
        assert len({a.name for a in members}) == group.persons
        footers = {a.body.split("\n\n")[1] for a in members}
        assert len(footers) == 1


def test_confounders_are_single_women(world: World) -> None:
    for group in world.groups:
        if group.kind not in ("independent", "reposter", "tourer", "stock_phrase"):
            continue
        members = [world.ads[i] for i in group.ad_ids]
        assert group.persons == 1 and len(group.phones) == 1
        if group.kind == "reposter":
            assert len(members) >= 10 and len({a.city for a in members}) == 1
        if group.kind == "tourer":
            assert len({a.city for a in members}) >= 3
        if group.kind == "stock_phrase":
            assert all(any(s in a.body for s in STOCK_PHRASES) for a in members)


def test_independents_do_not_share_a_template(world: World) -> None:
    firsts = [world.ads[g.ad_ids[0]] for g in world.groups if g.kind == "independent"]
    texts = [_shingles(_strip_slots(a.body, a.name, a.city, a.phone)) for a in firsts]
    scores = sorted(_jaccard(x, y) for x, y in itertools.combinations(texts, 2))
    assert scores[len(scores) // 2] < 0.05
    assert scores[int(len(scores) * 0.99)] < 0.25


def test_phone_numbers_are_valid_and_fictional(world: World) -> None:
    for group in world.groups:
        for number in group.phones:
            assert phonenumbers.is_valid_number(phonenumbers.parse(number)), number
            if number.startswith("+467"):
                assert FICTION_MOBILE_FIRST <= int(number[5:]) <= FICTION_MOBILE_LAST, number
    for number in world.support_phones.values():
        parsed = phonenumbers.parse(number)
        assert phonenumbers.is_valid_number(parsed)
        assert phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.FIXED_LINE
    countries = {phonenumbers.region_code_for_number(phonenumbers.parse(p))
                 for w in (generate_world(s) for s in range(1, 6))
                 for g in w.groups for p in g.phones}
    assert "SE" in countries and len(countries - {"SE"}) >= 2


def test_raw_fields_vary_like_real_ads(world: World) -> None:
    ads = list(world.ads.values())
    phones = {a.phone for a in ads}
    assert any(p.startswith("+46 7") for p in phones)
    assert any(p.startswith("00467") for p in phones)
    assert any(re.fullmatch(r"07\d-\d{3} \d\d \d\d", p) for p in phones)
    assert any(a.age.endswith("år") for a in ads) and any(a.age.isdigit() for a in ads)
    assert any(" - " in a.location for a in ads) and any(a.location.startswith("GBG") for a in ads)
    assert {a.city for a in ads} >= {"Göteborg", "Borås", "Trollhättan"}
    def is_english(text: str) -> bool:
        en = len(re.findall(r"\b(the|and|you|me|is|with|she|my|to)\b", text, re.I))
        sv = len(re.findall(r"\b(och|jag|dig|är|med|hon|min|att|på)\b", text, re.I))
        return en > sv

    english = sum(1 for a in ads if is_english(a.body))
    assert 0.1 < english / len(ads) < 0.6


def test_support_number_appears_in_some_site_one_bodies(world: World) -> None:
    support = world.support_phones["nattfjaril"]
    shown = [a for a in world.ads.values() if "Kontakta support" in a.body]
    assert shown and all(a.site == "nattfjaril" for a in shown)
    assert all(support[-2:] in a.body for a in shown)


def test_dates_lie_in_the_eight_weeks_before_the_reference(world: World) -> None:
    ref = world.reference_time
    assert ref == generate_world(7, 0.1).reference_time
    for ad in world.ads.values():
        assert ref - timedelta(days=58) <= ad.posted_at <= ref


def test_some_ads_carry_hostile_markup(world: World) -> None:
    hostile = [a for a in world.ads.values()
               if any("<script" in f or "onerror" in f or "<iframe" in f
                      for f in (a.title, a.body, a.name, a.location))]
    assert 2 <= len(hostile) <= 3
    assert len({a.site for a in hostile}) == len(hostile)


def test_placeholder_picture_is_shared_by_many_ads(world: World) -> None:
    placeholder_ids = {p for p, spec in world.photos.items() if spec.placeholder}
    users = [a for a in world.ads.values() if placeholder_ids & set(a.photos)]
    assert len(placeholder_ids) == len(SITES) and len(users) >= 20
    assert all(1 <= len(a.photos) <= 3 for a in world.ads.values())

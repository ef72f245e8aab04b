"""The groups triage should flag, and scammers, written from published descriptions:

- trafficking rings: a controller's one to three numbers (often foreign) behind three to eight
  young foreign women, moved round a circuit of Swedish cities week by week, third-person ads from
  one house template, numbers often hidden in the text, a woman now and then renamed while her
  photos stay;
- agencies: a brand, one open booking line on every ad, a roster of 4-15 women in one city, a
  house template with a rate card and a footer;
- flats ("studios"): one address, a few numbers rotated over several women, all of the week's ads
  posted in one batch minutes apart;
- scammers: photos stolen from a real escort, made-up names, one WhatsApp number, "deposit first".

Organisations copy each other's templates and rate cards (a third of them start from another's).
"""

from __future__ import annotations

from bench.evalworld import vocab
from bench.evalworld.numbers import national, written
from bench.evalworld.texts import HouseTemplate, copy_house, new_house
from bench.evalworld.world import DAY, Woman, World

RING_NATS = ("ro", "ro", "bg", "hu", "ng", "pl", "th")
FLAT_NATS = ("th", "th", "ro", "br", "bg")


def house(world: World, gid: str, kind: str) -> tuple[HouseTemplate, tuple[str, ...]]:
    """A new organisation's template: its own, or another organisation's copied (tags say which)."""
    rng = world.rng
    tags: tuple[str, ...] = ()
    same = [h for h in world.houses[-600:] if h[1] == kind]
    # A third copy another's; the first organisation that can copy does, so small worlds show it.
    if same and (rng.random() < 0.33 or not world.copies):
        world.copies += 1
        src_id, _, src = rng.choice(same)
        tpl = copy_house(src, src_id, rng)
        tags = ("copied_template",)
    else:
        tpl = new_house(kind, rng)
        if world.houses and rng.random() < 0.25:  # the rate card of another organisation
            src_id, _, src = rng.choice(world.houses[-200:])
            if src.rates:
                tpl.rates, tpl.rates_from = src.rates, src_id
                tags = ("copied_rates",)
    world.houses.append((gid, kind, tpl))
    return tpl, tags


def _slots(w: Woman, city: str, nat: str, **extra: object) -> dict[str, object]:
    sv, en, country, _ = vocab.NATIONALITIES[nat]
    return {"name": w.name, "age": w.age, "city": city, "CITY": city.upper(), "nat_sv": sv,
            "nat_en": en, "nat_country": country, **extra}


def ring(world: World, gid: str) -> None:
    rng = world.rng
    nat = rng.choice(RING_NATS)
    cc = vocab.NATIONALITIES[nat][3] if rng.random() < 0.6 else "+46"
    phones = [world.book.mobile(cc) for _ in range(rng.randint(1, 3))]
    pool = vocab.WEST if rng.random() < 0.5 else vocab.CITY_NAMES
    circuit = rng.sample(pool, rng.randint(3, min(6, len(pool))))
    tpl, tags = house(world, gid, "ring")
    start, end = world.window(42, 150)
    sites = world.site_sample(rng.randint(1, 3))
    hide = rng.uniform(0.3, 0.85)
    women = []
    for _ in range(rng.randint(3, 8)):
        w = world.woman(circuit[0], age=(18, 25), lang="en", photos=(2, 3))
        women.append(w)
        t = rng.randrange(start, max(start + 1, end - 14 * DAY))
        stop = min(end, t + rng.randint(21, 70) * DAY)
        offset = rng.randrange(len(circuit))
        while t < stop:
            week = (t - start) // (7 * DAY)
            city = circuit[(offset + week) % len(circuit)]
            if rng.random() < 0.04:  # renamed for a new city; the photos stay
                w.name = world.names.draw(rng)
            number = phones[min(len(phones) - 1, (t - start) * len(phones) // max(1, end - start))]
            title, body = tpl.render(_slots(w, city, nat), rng)
            phone, body = world.phone_fields(number, body, rng.random() < hide)
            world.emit(t, rng.choice(sites), title, body, w.name, w.age, city, phone,
                       rng.sample(w.pictures, rng.randint(1, len(w.pictures))), gid, (w.id,), tags)
            t += rng.randint(2, 5) * DAY + rng.randrange(DAY)
    world.group(gid, "ring", women, phones, cities=circuit, nationality=nat,
                copied_from=tpl.copied_from, rates_from=tpl.rates_from)


def agency(world: World, gid: str) -> None:
    rng = world.rng
    brand = f"{rng.choice(vocab.BRAND_A)} {rng.choice(vocab.BRAND_B)}"
    city = world.city() if rng.random() < 0.7 else rng.choice(("Stockholm", "Göteborg", "Malmö"))
    booking = world.book.mobile("+46")
    tpl, tags = house(world, gid, "agency")
    website = "www." + brand.lower().replace(" ", "") + ".test"
    start, end = world.window(60, 182)
    sites = world.site_sample(rng.randint(1, 2))
    roster = rng.randint(4, 15)
    women = []
    for _ in range(roster):
        w = world.woman(city, age=(21, 35), photos=(2, 4))
        women.append(w)
        nat = rng.choice(("se", "ro", "br", "ru", "es", "pl"))
        t = rng.randrange(start, max(start + 1, end - 21 * DAY))
        stop = min(end, t + rng.randint(28, 120) * DAY)
        while t < stop:
            slots = _slots(w, city, nat, brand=brand, booking=national(booking), site=website, n=roster)
            title, body = tpl.render(slots, rng)
            world.emit(t, rng.choice(sites), title, body, w.name, w.age, city, national(booking),
                       rng.sample(w.pictures, rng.randint(1, len(w.pictures))), gid, (w.id,), tags)
            t += rng.randint(4, 11) * DAY + rng.randrange(DAY)
    world.group(gid, "agency", women, [booking], cities=[city], brand=brand,
                copied_from=tpl.copied_from, rates_from=tpl.rates_from)


def flat(world: World, gid: str) -> None:
    rng = world.rng
    nat = rng.choice(FLAT_NATS)
    city = world.city()
    street, no = rng.choice(vocab.STREETS), rng.randint(2, 80)
    phones = [world.book.mobile("+46") for _ in range(rng.randint(2, 4))]
    tpl, tags = house(world, gid, "flat")
    start, end = world.window(50, 182)
    sites = world.site_sample(rng.randint(1, 2))
    women = [world.woman(city, age=(20, 38), photos=(1, 3)) for _ in range(rng.randint(3, 7))]
    stays = []
    for _ in women:
        a = rng.randrange(start, max(start + 1, end - 14 * DAY))
        stays.append((a, min(end, a + rng.randint(14, 50) * DAY)))
    t, batch = start, 0
    while t < end:
        here = [(w, s) for w, s in zip(women, stays) if s[0] <= t < s[1]]
        at = t
        for i, (w, _) in enumerate(here):  # one batch: every woman's ad within minutes
            number = phones[(batch + i) % len(phones)]
            title, body = tpl.render(_slots(w, city, nat, street=street, no=no), rng)
            phone, body = world.phone_fields(number, body, rng.random() < 0.15)
            world.emit(at, rng.choice(sites), title, body, w.name, w.age, city, phone,
                       rng.sample(w.pictures, rng.randint(1, len(w.pictures))), gid, (w.id,),
                       tags + ("batch",))
            at += rng.randint(40, 420)
        batch += 1
        t += rng.randint(3, 8) * DAY + rng.randrange(-3 * 3600, 3 * 3600)
    world.group(gid, "flat", women, phones, cities=[city], address=f"{street} {no}",
                copied_from=tpl.copied_from, rates_from=tpl.rates_from)


def scam(world: World, gid: str, victim: Woman) -> None:
    """A scammer posting a real escort's photos under made-up names, one WhatsApp number."""
    rng = world.rng
    number = world.book.mobile(rng.choice(("+234", "+234", "+40", "+48", "+46")))
    names = [world.names.draw(rng) for _ in range(rng.randint(3, 8))]
    start, end = world.window(20, 120)
    n = rng.randint(8, 40)
    title = rng.choice(("{name} {age} - real photos", "{name} ({age}) {city}", "Sweet {name} {age}",
                        "{name}, {age}: WhatsApp only"))
    for t in sorted(rng.randrange(start, end) for _ in range(n)):
        name = rng.choice(names)
        city = world.city()
        age = rng.randint(19, 26)
        lines = rng.sample(vocab.SCAM_LINES, rng.randint(2, 4))
        body = " ".join([world.stock["en"].draw(rng)] + lines)
        body += f"\nWhatsApp {written(number, rng.choice(('plain', 'compact', 'spaced')), rng)}"
        pics = [p + f"#{rng.randint(0, 2)}" for p in rng.sample(victim.pictures, rng.randint(1, len(victim.pictures)))]
        world.emit(t, rng.choice(world.sites), title.format(name=name, age=age, city=city), body, name, age, city,
                   national(number) if rng.random() < 0.5 else "", pics, gid, (), ("stolen_photos",))
    world.group(gid, "scam", [], [number], victim=f"ind-{victim.id}", names=names)


def organised(world: World, n_groups: int) -> None:
    """n_groups organisations, kinds in a 4:3:3 mix (rings, agencies, flats), in random order."""
    rng = world.rng
    n_agency = round(n_groups * 0.3)
    n_flat = round(n_groups * 0.3)
    kinds = ["agency"] * n_agency + ["flat"] * n_flat + ["ring"] * (n_groups - n_agency - n_flat)
    rng.shuffle(kinds)
    make = {"ring": ring, "agency": agency, "flat": flat}
    for i, kind in enumerate(kinds):
        make[kind](world, f"{kind}-{i}")


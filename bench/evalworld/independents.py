"""Women who work for themselves, and what makes them look organised to a naive linker.

- most post a handful of ads from their own number, written from stock sentences (Zipf), some
  copying a popular whole text or the site's default text, some with a stock/model photo, some
  without photo (the site's placeholder card), a few with a booking switchboard in the text;
- heavy reposters bump the same ad every day or two under spelling variants of their name;
- touring independents move alone through several cities ("new in town");
- two sisters or flatmates share one number and a duo photo;
- two independents post a duo ad together ("Fernanda & Juliana").
"""

from __future__ import annotations

import random

from bench.evalworld import vocab
from bench.evalworld.numbers import national
from bench.evalworld.texts import personal, rate_card, title_for
from bench.evalworld.world import DAY, Site, Woman, World


def name_variants(name: str, rng: random.Random) -> list[str]:
    """Spelling variants a reposter cycles through: Jessica, Jessika, Jesica, JESSICA, Jessi..."""
    out = [name]
    subs = (("ss", "s"), ("c", "k"), ("k", "c"), ("i", "y"), ("y", "i"), ("ph", "f"), ("a", "aa"),
            ("ll", "l"), ("l", "ll"), ("e", "é"))
    for a, b in rng.sample(subs, len(subs)):
        if a in name[1:]:
            out.append(name[0] + name[1:].replace(a, b, 1))
        if len(out) >= 4:
            break
    out.append(name.upper() if rng.random() < 0.5 else name[:max(3, len(name) - 2)])
    out.append(f"{name} xx" if rng.random() < 0.5 else f"~{name}~")
    return list(dict.fromkeys(out))


def own_text(world: World, w: Woman, site: Site, mode: str = "") -> tuple[str, tuple[str, ...]]:
    """Her ad text: stock sentences, a popular whole text, or the site default; and its tags."""
    rng = world.rng
    r = {"stock_text": 0.0, "site_template": 0.12}.get(mode, rng.random())
    if r < 0.10:
        return world.whole_texts[w.lang].draw(rng).format(name=w.name), ("stock_text",)
    if r < 0.18:
        body = rng.choice(site.defaults).format(name=w.name, age=w.age, city=w.city)
        if rng.random() < 0.5:
            return body + "\n" + vocab.SUPPORT_LINE.format(support=national(site.support)), ("site_template", "support_line")
        return body, ("site_template",)
    parts = world.stock[w.lang].sample(rng, rng.randint(2, 5))
    if rng.random() < 0.7:
        parts.insert(rng.randrange(len(parts) + 1), personal(w.lang, rng))
    body = " ".join(parts)
    if rng.random() < 0.4:
        body += "\n" + rate_card(rng)
    return body, ()


def _images(world: World, w: Woman, extra: list[str]) -> list[str]:
    rng = world.rng
    if not w.pictures:
        return list(extra)
    shown = rng.sample(w.pictures, rng.randint(1, len(w.pictures)))
    # A re-upload now and then: the same picture as another file (re-encoded).
    shown = [p + "#1" if rng.random() < 0.1 else p for p in shown]
    return shown + extra


def post_series(world: World, w: Woman, gid: str, number: str, times: list[int], cities: list[str],
                sites: list[Site], base_tags: tuple[str, ...] = (), variants: list[str] | None = None,
                extra_pics: list[str] | None = None, hub: str | None = None, text_mode: str = "") -> None:
    """One woman's ads: the same text reposted (edited now and then), her number, her photos."""
    rng = world.rng
    hidden = rng.random() < 0.12
    text, tags = own_text(world, w, sites[0], text_mode)
    title_style = rng.randrange(6)
    for i, (t, city) in enumerate(zip(times, cities)):
        site = sites[i % len(sites)] if rng.random() < 0.7 else rng.choice(sites)
        body = text
        if rng.random() < 0.2:  # she edits: a sentence more
            body = body + " " + world.stock[w.lang].draw(rng)
        name = rng.choice(variants) if variants else w.name
        ad_tags = base_tags + tags + (("name_variant",) if name != w.name else ())
        if hub:
            body += "\n" + rng.choice(vocab.SWITCHBOARD).format(hub=national(hub))
            ad_tags += ("switchboard",)
        phone, body = world.phone_fields(number, body, hidden)
        pics = _images(world, w, extra_pics or [])
        if extra_pics:
            ad_tags += ("stock_photo",)
        world.emit(t, site, title_for(title_style, name, w.age, city), body, name, w.age, city, phone,
                   pics, gid, (w.id,), ad_tags)


def _times(world: World, n: int, start: int, end: int) -> list[int]:
    rand, span = world.rng.random, max(1, end - start)
    return sorted(start + int(rand() * span) for _ in range(n))


# Features every world shows at least once (the first independents are made with one each).
MUST = ("reposter", "tourer", "stock_photo", "placeholder", "switchboard", "stock_text",
        "site_template", "duo")


def independent(world: World, must: str = "") -> None:
    """One independent woman and her ads; `must` forces one feature (MUST)."""
    rng = world.rng
    r = {"reposter": 0.0, "tourer": 0.03}.get(must, 0.5 if must else rng.random())
    city = world.city()
    if must == "duo" and world.recent:
        city = next(reversed(world.recent))  # where a possible partner already is
    cc = "+46" if rng.random() < 0.85 else rng.choice(("+48", "+40", "+36"))
    w = world.woman(city, photos=(0, 0) if rng.random() < 0.06 or must == "placeholder" else (2, 4))
    number = world.book.mobile(cc)
    gid = f"ind-{w.id}"
    extra = [world.stock_photos.draw(rng)] if rng.random() < 0.10 or must == "stock_photo" else []
    if extra and rng.random() < 0.4:
        w.pictures = []  # only the model photo: nothing of her own
    hub = rng.choice(world.switchboards) if rng.random() < 0.02 or must == "switchboard" else None
    mode = must if must in ("stock_text", "site_template") else ""
    sites = world.site_sample(1 if rng.random() < 0.7 else rng.randint(2, 3))
    if r < 0.025:
        kind = "reposter"
        start, end = world.window(40, 170)
        n = rng.randint(30, 100)
        times = _times(world, n, start, end)
        w.variants = name_variants(w.name, rng)
        post_series(world, w, gid, number, times, [city] * n, sites, ("repost",), w.variants, extra, hub, mode)
        cities = [city]
    elif r < 0.075:
        kind = "tourer"
        cities = [city] + [c for c in rng.sample(vocab.CITY_NAMES, 5) if c != city][:rng.randint(2, 4)]
        start, _ = world.window(60, 120)
        times, where = [], []
        t = start
        for c in cities:
            stay = rng.randint(7, 25) * DAY
            for tt in _times(world, rng.randint(2, 5), t, t + stay):
                times.append(tt)
                where.append(c)
            t += stay + rng.randint(3, 20) * DAY
        post_series(world, w, gid, number, times, where, sites, ("tour",), None, extra, hub, mode)
    else:
        kind = "independent"
        n = min(30, 1 + int(rng.expovariate(1 / 5)))
        start, end = world.window(10, 180)
        numbers = [number]
        if rng.random() < 0.08 and n > 3:  # she changes number halfway
            numbers.append(world.book.mobile(cc))
        times = _times(world, n, start, end)
        half = len(times) // 2
        post_series(world, w, gid, numbers[0], times[:half] if len(numbers) > 1 else times,
                    [city] * n, sites, (), None, extra, hub, mode)
        if len(numbers) > 1:
            post_series(world, w, gid, numbers[1], times[half:], [city] * n, sites, ("new_number",),
                        None, extra, hub, mode)
        cities = [city]
    world.group(gid, kind, [w], numbers if kind == "independent" else [number], cities=cities)
    if rng.random() < 0.03 or must == "duo":
        duo(world, w, number, gid, sites)
    world.recent.setdefault(city, []).append((w, number, gid, sites))


def duo(world: World, w: Woman, number: str, gid: str, sites: list[Site]) -> None:
    """A duo ad with an independent friend in her city: two women, one ad, her number."""
    rng = world.rng
    others = [o for o in world.recent.get(w.city, [])[-30:] if o[0] is not w]
    if not others:
        return
    friend, friend_number, _, _ = rng.choice(others)
    shared = world.picture()
    start, end = world.window(5, 60)
    for t in _times(world, rng.randint(1, 3), start, end):
        names = f"{w.name} & {friend.name}"
        body = (f"Duo! {names} tillsammans i {w.city}. " + world.stock[w.lang].draw(rng)
                + f"\n{w.name}: {national(number)}" + (f", {friend.name}: {national(friend_number)}" if rng.random() < 0.5 else ""))
        pics = [shared] + rng.sample(w.pictures, min(1, len(w.pictures))) + rng.sample(friend.pictures, min(1, len(friend.pictures)))
        world.emit(t, rng.choice(sites), f"Duo {names}", body, names, w.age, w.city, national(number), pics,
                   gid, (w.id, friend.id), ("duo",))


def sisters(world: World, n: int) -> None:
    """Two women (sisters, flatmates) who honestly share one number and a duo photo."""
    rng = world.rng
    for i in range(n):
        city = world.city()
        a, b = world.woman(city), world.woman(city)
        b.lang = a.lang
        number = world.book.mobile("+46")
        duo_pic = world.picture()
        gid = f"pair-{i}"
        sites = world.site_sample(rng.randint(1, 2))
        start, end = world.window(60, 180)
        for w in (a, b):
            w.pictures.append(duo_pic)
            n_ads = rng.randint(4, 14)
            post_series(world, w, gid, number, _times(world, n_ads, start, end), [city] * n_ads, sites, ("shared_number",))
        for t in _times(world, rng.randint(1, 3), start, end):
            names = f"{a.name} & {b.name}"
            body = f"Vi är två {rng.choice(('systrar', 'väninnor', 'rumskamrater'))} i {city}. " + world.stock[a.lang].draw(rng)
            world.emit(t, sites[0], f"{names} - duo", body, names, a.age, city, national(number),
                       [duo_pic], gid, (a.id, b.id), ("shared_number", "duo"))
        world.group(gid, "sisters", [a, b], [number], cities=[city])


def victim(world: World) -> Woman:
    """An independent whose photos a scammer will steal: popular, several photos."""
    rng = world.rng
    city = world.city()
    w = world.woman(city, photos=(3, 5))
    number = world.book.mobile("+46")
    gid = f"ind-{w.id}"
    start, end = world.window(60, 180)
    n = rng.randint(6, 20)
    post_series(world, w, gid, number, _times(world, n, start, end), [city] * n, world.site_sample(2), ("victim",))
    world.group(gid, "independent", [w], [number], cities=[city])
    return w

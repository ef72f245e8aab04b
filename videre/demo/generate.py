"""generate_world: the people, groups and ads of a demo (or evaluation) world.

Everything comes from one random stream seeded by the seed, consumed in a fixed order, so a seed
always yields the same world and a big world can be streamed group by group.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from videre.demo import phrases, places
from videre.demo.phones import PhoneAllocator, support_display, support_number
from videre.demo.text import Voice, age_text, fill
from videre.demo.world import SITES, Ad, Group, PhotoOps, PhotoSpec, World

STOCKHOLM = ZoneInfo("Europe/Stockholm")
WINDOW_DAYS = 56  # ads span about eight weeks before the reference time
ADS_PER_UNIT = 300  # scale 1.0 is about this many ads
_ID_MULT = 0x2C9277B5  # odd, so n -> n * mult mod 2**36 is a bijection: ids never collide
_ID_MASK = (1 << 36) - 1
_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def _base36(n: int, width: int) -> str:
    out = []
    for _ in range(width):
        n, r = divmod(n, 36)
        out.append(_B36[r])
    return "".join(reversed(out))


def reference_time_for(seed: int) -> datetime:
    """A fixed 'now' for a seed, so a world never depends on the clock."""
    start = datetime(2026, 3, 2, 21, 30, tzinfo=STOCKHOLM)
    return start + timedelta(days=(seed * 37) % 280)


class Generator:
    """Shared state while writing a world: ids, numbers, photos and the site balance."""

    def __init__(self, world: World, rng: random.Random) -> None:
        self.world = world
        self.rng = rng
        self.phones = PhoneAllocator(rng)
        self._ad_n = 0
        self._photo_n = 0
        self._group_n: dict[str, int] = {}
        self.site_counts = dict.fromkeys(SITES, 0)
        self.placeholders = {slug: self._placeholder(slug) for slug in SITES}
        self.hostile_left = list(phrases.HOSTILE)
        self.hostile_sites: set[str] = set()

    # -- identities -------------------------------------------------------------------------------
    def ad_id(self) -> str:
        self._ad_n += 1
        return f"{(self._ad_n * _ID_MULT + self.world.seed * 7919) & _ID_MASK:09x}"

    def group(self, kind: str, phones: list[str], persons: int) -> Group:
        n = self._group_n[kind] = self._group_n.get(kind, 0) + 1
        return Group(f"{kind}-{n:05d}", kind, phones, persons)

    def _photo(self, spec: PhotoSpec) -> str:
        self._photo_n += 1
        photo_id = "p" + _base36((self._photo_n * _ID_MULT + self.world.seed) & _ID_MASK, 7)
        self.world.photos[photo_id] = spec
        return photo_id

    def _placeholder(self, slug: str) -> str:
        return self._photo(PhotoSpec(0, (), f"{slug}.test")) if self.world.with_photos else ""

    def new_base(self) -> int:
        return self.rng.getrandbits(40)

    def photo(self, base: int, ops: PhotoOps = ()) -> str:
        return self._photo(PhotoSpec(base, ops))

    def photos_for(self, site: str, own: list[str], k: int) -> tuple[str, ...]:
        """k of a woman's photos, or the site's 'ingen bild' picture when she has none."""
        if not self.world.with_photos:
            return ()
        if not own:
            return (self.placeholders[site],)
        return tuple(self.rng.sample(own, min(k, len(own))))

    # -- placement ------------------------------------------------------------------------------
    def pick_site(self, allowed: tuple[str, ...] = tuple(SITES)) -> str:
        """The allowed site furthest below its target share (keeps site sizes predictable)."""
        counts = self.site_counts
        total = self._ad_n + 1
        best, best_gap = allowed[0], -1e18
        for slug in allowed:
            gap = SITES[slug].share * total - counts[slug] + self.rng.random() * 0.5
            if gap > best_gap:
                best, best_gap = slug, gap
        return best

    def posted(self, days_ago: float) -> datetime:
        """A moment about `days_ago` days before the reference, in the afternoon or evening."""
        ref = self.world.reference_time
        moment = (ref - timedelta(days=int(days_ago))).replace(
            hour=self.rng.randint(9, 23), minute=self.rng.randrange(60), second=0, microsecond=0
        )
        return moment - timedelta(days=1) if moment > ref else moment

    def city_raw(self, city: str) -> str:
        return self.rng.choice(places.RAW_LOCATIONS[city])

    def ad(
        self,
        group: Group,
        site: str,
        *,
        voice: Voice,
        slots: dict[str, str],
        phone: str,
        city: str,
        location: str,
        days_ago: float,
        photos: tuple[str, ...],
    ) -> Ad:
        if site == "kvallsros" and slots.get("phone") == phone:
            # Kvällsros hides numbers behind "Visa nummer" and filters plain ones from the text;
            # obfuscated numbers slip through, as they do on real sites.
            slots = {**slots, "phone": "[visa nummer]"}
        body = fill(voice.body, slots)
        if site == "nattfjaril" and self.rng.random() < 0.12:
            support = support_display(self.world.support_phones[site])
            body += f"\n\nProblem med annonsen? Kontakta support {support}."
        ad = Ad(
            id=self.ad_id(),
            site=site,
            group=group.id,
            title=fill(voice.title, slots),
            body=body,
            name=slots["name"],
            age=slots.get("age_text", slots["age"]),
            location=location,
            phone=phone,
            posted_at=self.posted(days_ago),
            photos=photos,
            city=city,
        )
        self.site_counts[site] += 1
        group.ad_ids.append(ad.id)
        return ad

    def make_hostile(self, ad: Ad) -> None:
        """Plant markup in an ad, at most one per site (the sites must show it as text)."""
        if not self.hostile_left or ad.site in self.hostile_sites:
            return
        self.hostile_sites.add(ad.site)
        for field, value in self.hostile_left.pop(0):
            if field == "body":
                ad.body = value + "\n\n" + ad.body
            else:
                setattr(ad, field, value)

    # -- the whole world ------------------------------------------------------------------------
    def run(self, scale: float) -> Iterator[tuple[Group, list[Ad]]]:
        from videre.demo import people

        def n(per_unit: float, floor: int) -> int:
            return max(floor, round(per_unit * scale))

        remaining = {
            people.organised: n(3, 3),
            people.agency: n(1, 1),
            people.reposter: n(2, 2),
            people.tourer: n(2, 2),
            people.stock_phrase: n(7, 4),
            people.independent: n(74, 10),
        }
        while remaining:
            builders = list(remaining)
            builder = self.rng.choices(builders, weights=[remaining[b] for b in builders])[0]
            remaining[builder] -= 1
            if not remaining[builder]:
                del remaining[builder]
            yield builder(self)


def generate_world(seed: int = 7, scale: float = 1.0, with_photos: bool = True) -> World:
    """The demo world for a seed: about 300 * scale ads over the three sites.

    >>> w = generate_world(7, 0.2)
    >>> w.ads == generate_world(7, 0.2).ads
    True
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    setup = random.Random(f"videre-demo-{seed}")
    world = World(
        seed=seed,
        scale=scale,
        with_photos=with_photos,
        reference_time=reference_time_for(seed),
        support_phones={s: support_number(spec.support_area, setup) for s, spec in SITES.items()},
        source=lambda: Generator(world, random.Random(f"videre-ads-{seed}")).run(scale),
    )
    return world


def slots_for(name: str, age: int, lang: str, age_style: int, **more: str) -> dict[str, str]:
    return {"name": name, "age": str(age), "age_text": age_text(age, lang, age_style), **more}

"""The hub guard: support lines, placeholder photos and stock texts link nothing; booking lines do;
analysts can override; no component grows into a giant through one key."""

from __future__ import annotations

import numpy as np
from sqlalchemy import select, update

from models.ads import Ad
from models.entities import Phone, Photo, Template
from tests.triage.builders import add_ad, fiction, photo_row
from triage.cluster import link_components
from triage.frame import Codes, Frame, Keys
from triage.hubs import break_giants, mark_hubs
from triage.rescore import rescore
from videre.core.config import HubSettings, Settings
from videre.store.db import Database

SUPPORT = "+46313900672"
NAMES = ["Alina", "Bianca", "Daria", "Ioana", "Nicole", "Mia", "Lily", "Vanessa", "Kristina",
         "Natalia", "Eva", "Julia", "Sonia", "Roxana", "Larisa", "Mirela", "Joy", "Nok", "Dora",
         "Kasia", "Ola", "Oksana", "Emma", "Sara", "Linnea", "Johanna", "Sofia", "Elin", "Ida", "Malin"]


def cluster_of(db: Database) -> dict[str, int]:
    with db.session() as s:
        return {url.rsplit("/", 1)[-1]: cid for url, cid in s.execute(select(Ad.url, Ad.cluster_id))}


def test_a_support_number_on_every_ad_of_a_site_does_not_merge_the_site(db: Database, settings: Settings) -> None:
    for i, name in enumerate(NAMES):
        for k in range(2):  # each woman posts twice, with her own number and the site's footer
            add_ad(db, f"{i}-{k}", name=name, city="Göteborg", phones=(fiction(i), SUPPORT),
                   body=f"Hej, jag heter {name}. Support {SUPPORT}", days=k)
    result = rescore(settings, db, full=True)
    c = cluster_of(db)
    assert len(set(c.values())) == len(NAMES)
    assert all(c[f"{i}-0"] == c[f"{i}-1"] for i in range(len(NAMES)))
    with db.session() as s:
        phone = s.execute(select(Phone).where(Phone.e164 == SUPPORT)).scalar_one()
    assert phone.is_hub and "nattfjaril" in phone.hub_reason and "site-wide" in phone.hub_reason
    assert result.flagged == 0


def test_a_placeholder_photo_is_a_hub_and_links_nothing(db: Database, settings: Settings) -> None:
    placeholder = photo_row(0, (), "nattfjaril.test")
    for i, name in enumerate(NAMES[:12]):
        add_ad(db, f"{i}", site="kvallsros" if i % 2 else "vastkontakt", name=name,
               phones=(fiction(30 + i),), photos=(placeholder,), body=f"Hej {name}")
    for i in range(25):  # the rest of the sites, so the placeholder is no site-wide majority
        add_ad(db, f"other-{i}", site="kvallsros" if i % 2 else "vastkontakt", name="X",
               phones=(fiction(60),), body="")
    rescore(settings, db, full=True)
    c = cluster_of(db)
    assert len({c[str(i)] for i in range(12)}) == 12
    with db.session() as s:
        photo = s.execute(select(Photo)).scalars().first()
    assert photo is not None and photo.is_hub and "phone numbers" in photo.hub_reason


def test_a_stock_text_used_by_many_women_is_a_hub(db: Database, settings: Settings) -> None:
    stock = ("Diskret och trevlig tjej som tar emot i lugn miljö, hör av dig så ses vi snart "
             "för en mysig stund tillsammans")
    for i, name in enumerate(NAMES[:15]):
        add_ad(db, f"{i}", name=name, city="Göteborg", phones=(fiction(i),), body=f"{stock}. /{name}")
    rescore(settings, db, full=True)
    c = cluster_of(db)
    assert len({c[str(i)] for i in range(15)}) == 15
    with db.session() as s:
        template = s.execute(select(Template)).scalar_one()
        assert template.is_hub and template.names == 15
        # An analyst who knows better vouches for it: the template links again, under its id.
        s.execute(update(Template).where(Template.id == template.id).values(hub_override=False))
    rescore(settings, db)
    assert len(set(cluster_of(db).values())) == 1
    with db.session() as s:
        again = s.execute(select(Template)).scalar_one()
    assert again.id == template.id and not again.is_hub and again.hub_override is False


def test_an_agency_booking_line_links_its_roster_and_analysts_can_override(db: Database, settings: Settings) -> None:
    booking = fiction(40)
    for i, name in enumerate(NAMES[:7]):
        add_ad(db, f"{i}", name=name, city="Göteborg", phones=(booking,), body=f"{name} hos oss")
    rescore(settings, db, full=True)
    c = cluster_of(db)
    assert len({c[str(i)] for i in range(7)}) == 1
    with db.session() as s:
        assert not s.execute(select(Phone.is_hub).where(Phone.e164 == booking)).scalar_one()
        s.execute(update(Phone).where(Phone.e164 == booking).values(hub_override=True))
    rescore(settings, db)
    c = cluster_of(db)
    assert len({c[str(i)] for i in range(7)}) == 7
    with db.session() as s:
        assert s.execute(select(Phone.hub_reason).where(Phone.e164 == booking)).scalar_one() \
            == "marked as a hub by an analyst"


def test_an_analyst_can_vouch_for_a_number_the_guard_marked(db: Database, settings: Settings) -> None:
    shared = fiction(50)
    for i, name in enumerate(NAMES[:14]):  # one number under 14 names, next to their own numbers
        add_ad(db, f"{i}", name=name, phones=(fiction(i), shared), body=name)
    rescore(settings, db, full=True)
    assert len(set(cluster_of(db).values())) == 14
    with db.session() as s:
        s.execute(update(Phone).where(Phone.e164 == shared).values(hub_override=False))
    rescore(settings, db)
    assert len(set(cluster_of(db).values())) == 1


def _frame(names: list[str], keys: list[tuple[int, int]]) -> Frame:
    n = len(names)
    frame = Frame(ad_ids=np.arange(1, n + 1), site=np.ones(n, np.int64), names=Codes.build(names, n),
                  cities=Codes.build([None] * n, n), ages=np.zeros(n, np.int16),
                  seen=np.zeros(n, np.int64), obfuscated=np.zeros(n, bool),
                  old_cluster=np.zeros(n, np.int64), version=np.ones(n, np.int64))
    ads, kp = np.array([a for a, _ in keys]), np.array([k for _, k in keys])
    n_keys = int(kp.max()) + 1
    frame.keys["phone"] = Keys("phone", np.arange(1, n_keys + 1), [f"+4670{i}" for i in range(n_keys)],
                               ads, kp, [None] * n_keys)
    return frame


def test_no_component_grows_into_a_giant_through_one_key() -> None:
    # 80 women, each with her own number on two ads; one extra number on one ad of each woman:
    # below every rule (it is the only number nowhere, and the thresholds are set high here).
    names = [f"w{i}" for i in range(80) for _ in range(2)]
    keys = [(2 * i + k, i) for i in range(80) for k in range(2)] + [(2 * i, 80) for i in range(80)]
    frame = _frame(names, keys)
    settings = HubSettings(max_names=500, max_names_sole=500, max_phones=500, min_site_ads=10_000,
                           giant_names=30)
    spreads = {"phone": mark_hubs(frame, frame.keys["phone"], settings)}
    assert not frame.keys["phone"].hub.any()
    assert len(set(link_components(len(frame), [frame.keys["phone"]]).tolist())) == 1
    labels = break_giants(frame, spreads, settings)
    assert len(set(labels.tolist())) == 80
    assert frame.keys["phone"].hub.tolist() == [False] * 80 + [True]
    assert "would join 80 names" in frame.keys["phone"].hub_reason[80]

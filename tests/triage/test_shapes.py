"""Each confounder family and organised shape, end to end through `rescore` on hand-made ads:
agencies copying one brand text stay one item each; a flat has its own reason; sisters sharing a
number and a duo photo are not queued; a scam stealing a woman's photos is its own item labelled
scam and never joins her; a heavy reposter under name variants is one woman."""

from __future__ import annotations

from sqlalchemy import select

from models.ads import Ad
from models.review import QueueItem
from tests.triage.builders import add_ad, fiction, photo_row
from triage.queue import list_items
from triage.rescore import rescore
from videre.core.config import Settings
from videre.store.db import Database

BRAND = ("Välkommen till Göteborgs bästa escortbyrå. Våra tjejer tar emot diskret i centrala "
         "Göteborg, dygnet runt. Ring eller skicka sms till vårt bokningsnummer.")
ROSTERS = [["Alina", "Bianca", "Daria", "Elena", "Ioana"], ["Kasia", "Lena", "Mira", "Nadia", "Olga"],
           ["Petra", "Rita", "Sonja", "Tanja", "Vera"]]


def clusters(db: Database) -> dict[str, int]:
    with db.session() as s:
        return {url.rsplit("/", 1)[-1]: cid for url, cid in s.execute(select(Ad.url, Ad.cluster_id))}


def queue(db: Database) -> list[dict]:
    with db.session() as s:
        return list_items(s, limit=None)


def test_agencies_copying_one_brand_text_are_one_item_each(db: Database, settings: Settings) -> None:
    for a, roster in enumerate(ROSTERS):
        for i, name in enumerate(roster):
            for k in range(2):
                add_ad(db, f"a{a}-{i}-{k}", name=name, age=22 + i, city="Göteborg", phones=(fiction(a),),
                       body=f"{BRAND} Just nu: {name}, {22 + i} år.", days=i + 7 * k)
    rescore(settings, db, full=True)
    items = queue(db)
    assert len(items) == 3
    for item in items:
        codes = {r["code"] for r in item["reasons"]}
        assert "agency_roster" in codes, item["reasons"]
        assert len(item["ads"]) == item["ad_count"] == 10 and len(item["phones"]) == 1
    c = clusters(db)
    assert len({c[f"a{a}-0-0"] for a in range(3)}) == 3


def test_a_flat_rotates_few_numbers_over_several_women_in_batches(db: Database, settings: Settings) -> None:
    women = ["Daria", "Ruby", "Mai", "Kasia"]
    for batch in range(4):
        for i, name in enumerate(women):
            # Minutes apart, each round on the next of three numbers, all at one address.
            add_ad(db, f"f{batch}-{i}", name=name, age=25 + i, city="Göteborg",
                   phones=(fiction(10 + (batch + i) % 3),), photos=(photo_row(100 + i),),
                   body=f"{name}. Vasagatan 14, nära centrum. Ring innan du kommer.",
                   days=batch * 3 + i * 5 / 1440)
    rescore(settings, db, full=True)
    items = queue(db)
    assert len(items) == 1
    assert "flat_rotation" in {r["code"] for r in items[0]["reasons"]}, items[0]["reasons"]


def test_sisters_sharing_one_number_and_a_duo_photo_are_not_queued(db: Database, settings: Settings) -> None:
    duo = photo_row(300)
    for k in range(6):
        add_ad(db, f"n{k}", name="Noon", age=39, city="Borås", phones=(fiction(20),),
               photos=(photo_row(301),), body="Noon, mogen och varm.", days=k * 4)
        add_ad(db, f"e{k}", name="Ebony", age=25, city="Borås", phones=(fiction(20),),
               photos=(photo_row(302),), body="Ebony, glad och social.", days=k * 4 + 1)
    for k in range(3):
        add_ad(db, f"d{k}", name="Noon & Ebony", age=39, city="Borås", phones=(fiction(20),), photos=(duo,),
               body="Vi är två systrar, duo för dig.", indicators=("several_women",), days=k * 7 + 2)
    result = rescore(settings, db, full=True)
    assert len(set(clusters(db).values())) == 1
    assert result.flagged == 0


def test_a_scam_with_stolen_photos_is_its_own_item_labelled_scam(db: Database, settings: Settings) -> None:
    stolen = [photo_row(400 + i) for i in range(3)]
    for k in range(6):  # the real woman, on her own number
        add_ad(db, f"v{k}", name="Sabina", age=27, city="Göteborg", phones=(fiction(30),), photos=tuple(stolen),
               body="Sabina, äkta bilder, hör av dig.", days=k * 5)
    for k, name in enumerate(["Lily", "Amber", "Crystal", "Jade", "Ruby", "Nina"]):
        add_ad(db, f"s{k}", name=name, age=21, city=["Malmö", "Göteborg", "Uppsala"][k % 3],
               phones=("+447700900123",), photos=(stolen[k % 3],),
               body=f"{name}. WhatsApp only. Deposit first via gift card, then I come to you.", days=k * 2)
    rescore(settings, db, full=True)
    c = clusters(db)
    assert not {c[f"v{k}"] for k in range(6)} & {c[f"s{k}"] for k in range(6)}
    items = queue(db)
    assert len(items) == 1
    assert [r["code"] for r in items[0]["reasons"]] == ["scam_pattern"]
    assert all("/s" in url for url in items[0]["ads"])


def test_a_heavy_reposter_under_name_variants_is_one_woman(db: Database, settings: Settings) -> None:
    spellings = ["Fernanda", "FERNANDA ❤", "Fernánda", "Fernandaa", "Fernada", "fernanda"]
    for k in range(30):
        add_ad(db, f"r{k}", name=spellings[k % len(spellings)], age=24, city="Göteborg",
               phones=(fiction(40),), photos=(photo_row(500 + k % 4),),
               body="Fernanda, ny bild varje dag, hör av dig!", days=k * 0.5)
    result = rescore(settings, db, full=True)
    assert result.flagged == 0
    with db.session() as s:
        assert not s.execute(select(QueueItem)).scalars().all()

"""Every link kind joins the ads it should, and only those: phone, photo, template."""

from __future__ import annotations

import dataclasses
import logging

import pytest
from sqlalchemy import select

from models.ads import Ad
from models.entities import AdTemplate, Template
from tests.triage.builders import add_ad, fiction, photo_row
from triage.rescore import rescore
from videre.core.config import Settings
from videre.extract.normalise.images import PhotoHashes
from videre.store.db import Database


def clusters(db: Database) -> dict[str, int]:
    with db.session() as s:
        return {url.rsplit("/", 1)[-1]: cid for url, cid in s.execute(select(Ad.url, Ad.cluster_id))}


ORGANISED = ("NYA TJEJER i {city}!! {name} är {age} år och kommer från Rumänien. Hon är söt och "
             "väntar på dig. Incall och outcall, dygnet runt. Alla tjänster, bra pris. Ring {phone}")
OWN = {
    "a": "Hej! Jag heter {name} och jag bor i {city}. Jag tränar mycket och älskar god mat. "
         "Tar emot i egen lägenhet, parkering finns. Sms:a mig på {phone}. Kram!",
    "b": "God kväll från {city}. Vältränad och social, {age} år. Massage först och sedan ser vi "
         "vad som händer. Inga anonyma samtal tack. Hörs {phone}",
}


def test_a_shared_number_links_ads_under_different_names(db: Database, settings: Settings) -> None:
    add_ad(db, "1", name="Alina", age=21, city="Borås", phones=(fiction(1),), body="Hej hej")
    add_ad(db, "2", name="Bianca", age=22, city="Borås", phones=(fiction(1),), body="Hallå")
    add_ad(db, "3", name="Carin", age=30, city="Borås", phones=(fiction(2),), body="Hej där")
    rescore(settings, db, full=True)
    c = clusters(db)
    assert c["1"] == c["2"] != c["3"]


def test_the_same_photo_links_ads_even_after_edits(db: Database, settings: Settings) -> None:
    original = photo_row(4242)
    edited = photo_row(4242, (("border", 24, (255, 255, 255)), ("jpeg", 60)))
    other = photo_row(777)
    add_ad(db, "1", name="Daria", phones=(fiction(3),), photos=(original,))
    # Ads 2 and 3 show no number: a photo may place them (it never joins two numbers' groups).
    add_ad(db, "2", name="Ioana", photos=(edited,))
    add_ad(db, "3", name="Sara", photos=(other,))
    rescore(settings, db, full=True)
    c = clusters(db)
    assert c["1"] == c["2"] != c["3"]


def test_old_fingerprints_still_link_and_damaged_ones_are_reported(
        db: Database, settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    original = photo_row(4242)
    # Stored before the colour signature existed: format v2.
    cropped = photo_row(4242, (("crop", 0.1, 0.5, 0.5),))
    old = dataclasses.replace(PhotoHashes.unpack(cropped.fingerprint), colour=b"")
    v2 = dataclasses.replace(cropped, fingerprint=old.pack())
    damaged = dataclasses.replace(photo_row(4242, (("jpeg", 50),)), fingerprint=b"VP\x03 broken")
    add_ad(db, "1", name="Daria", phones=(fiction(3),), photos=(original,))
    add_ad(db, "2", name="Ioana", photos=(v2,))
    add_ad(db, "3", name="Sara", photos=(damaged,))
    with caplog.at_level(logging.WARNING, logger="triage.photo_links"):
        rescore(settings, db, full=True)
    c = clusters(db)
    assert c["1"] == c["2"] != c["3"]
    assert "1 photos have an unreadable fingerprint" in caplog.text


def test_one_template_with_different_slots_links_ads(db: Database, settings: Settings) -> None:
    women = [("Alina", 19, "Borås", fiction(10)), ("Bianca", 21, "Kungälv", fiction(11)),
             ("Daria", 20, "Alingsås", fiction(12))]
    for i, (name, age, city, phone) in enumerate(women):
        # Only the first shows a number: the template places the other two with it.
        add_ad(db, f"t{i}", name=name, age=age, city=city, phones=(phone,) if i == 0 else (),
               title=f"{name} {age} ny i {city}",
               body=ORGANISED.format(name=name, age=age, city=city, phone=phone.replace("+46", "0")))
    add_ad(db, "own-a", name="Emma", age=30, city="Göteborg", phones=(fiction(13),),
           body=OWN["a"].format(name="Emma", city="Göteborg", phone="0701740618"))
    add_ad(db, "own-b", name="Frida", age=33, city="Göteborg", phones=(fiction(14),),
           body=OWN["b"].format(age=33, city="Göteborg", phone="0701740619"))
    rescore(settings, db, full=True)
    c = clusters(db)
    assert c["t0"] == c["t1"] == c["t2"]
    assert len({c["t0"], c["own-a"], c["own-b"]}) == 3
    with db.session() as s:
        template = s.execute(select(Template)).scalar_one()
        links = s.execute(select(AdTemplate).order_by(AdTemplate.ad_id)).scalars().all()
    # The shared wording is kept and the names, ages, cities and numbers are the slots.
    assert "kommer från Rumänien" in template.text and "{1}" in template.text
    assert "Alina" not in template.text and "Borås" not in template.text
    assert template.names == 3 and len(links) == 3
    assert all(0.85 <= link.similarity <= 1.0 for link in links)
    assert any("Alina" in slot for slot in links[0].slots)
    assert any("Kungälv" in slot for slot in links[1].slots)


def test_near_duplicate_text_below_the_threshold_does_not_link(db: Database, settings: Settings) -> None:
    base = OWN["a"].format(name="Emma", city="Göteborg", phone="")
    # Same opening, then her own words: a shared sentence is not a shared template.
    add_ad(db, "1", name="Emma", phones=(fiction(20),), body=base)
    add_ad(db, "2", name="Moa", phones=(fiction(21),),
           body="Hej! Jag heter Moa. Lugn och kurvig, gillar långa kvällar med ett glas vin och "
                "god konversation med respektfulla herrar. Endast outcall till hotell.")
    rescore(settings, db, full=True)
    c = clusters(db)
    assert c["1"] != c["2"]

"""E-mail addresses, messaging handles and prices."""

from __future__ import annotations

import pytest

from videre.extract.normalise import contacts, prices


@pytest.mark.parametrize(("text", "found"), [
    ("mail: anna.love@mail.example", ["anna.love@mail.example"]),
    ("Anna.Love@Mail.Example!", ["anna.love@mail.example"]),
    ("anna (at) mail (dot) example", ["anna@mail.example"]),
    ("anna[at]mail[dot]example", ["anna@mail.example"]),
    ("anna snabel-a post punkt test", ["anna@post.test"]),
    ("sofia (at) mail.example", ["sofia@mail.example"]),
    ("a@b.example och a@b.example", ["a@b.example"]),
    ("x@one.example, y@two.example", ["x@one.example", "y@two.example"]),
])
def test_emails(text: str, found: list[str]) -> None:
    assert contacts.emails(text) == found


@pytest.mark.parametrize("text", [
    "I am at home. Dot", "anna@ mail", "@anna", "email me", "50 @ 2h", "user@localhost", "",
])
def test_no_emails(text: str) -> None:
    assert contacts.emails(text) == []


@pytest.mark.parametrize(("text", "found"), [
    ("Telegram: @anna_love", ["telegram:anna_love"]),
    ("t.me/annalove99", ["telegram:annalove99"]),
    ("snap: anna.gbg", ["snapchat:anna.gbg"]),
    ("Snapchat @annagbg", ["snapchat:annagbg"]),
    ("insta: anna_sthlm", ["instagram:anna_sthlm"]),
    ("IG: @anna.sthlm", ["instagram:anna.sthlm"]),
    ("kik: annak", ["kik:annak"]),
    ("onlyfans.com/annafan", ["onlyfans:annafan"]),
    ("Wickr me: anna77", ["wickr:anna77"]),
    ("follow @anna_love", ["@anna_love"]),
    ("mail anna@mail.example", []),
    ("snap me tonight", []),
    ("t.me/+46701740605", []),
])
def test_handles(text: str, found: list[str]) -> None:
    assert contacts.handles(text) == found


@pytest.mark.parametrize(("text", "rate"), [
    ("Priser: 30 min 1500 kr, 1h 2500 kr, 2h 4000 kr", 2500.0),
    ("1500 kr/30 min", 3000.0),
    ("2h 3500", 1750.0),
    ("1h: 2000", 2000.0),
    ("en timme 2000 kr", 2000.0),
    ("halvtimme 1200:-", 2400.0),
    ("3000 SEK per timme", 3000.0),
    ("Pris 1 500 kr/h", 1500.0),
    ("2000 kr i timmen", 2000.0),
    ("€200/h", 2300.0),
    ("200 euro per hour", 2300.0),
    ("USD 300 1 hour", 3150.0),
    ("half hour 150 euro, one hour 250 euro", 2875.0),
    ("90 min 3000 kr", 2000.0),
])
def test_price_per_hour(text: str, rate: float) -> None:
    assert prices.price_sek_per_hour(text) == rate


@pytest.mark.parametrize("text", [
    "Jag är 23 år, 1500 kr", "ring 0701740605 1h", "Tillgänglig 24h", "2h\n\n3500 kr", "",
    "1 h 5 kr", "Pris: ring för info", "30 min 99999999 kr",
])
def test_no_price(text: str) -> None:
    assert prices.price_sek_per_hour(text) is None

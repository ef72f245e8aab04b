"""Reasons are shown in the analyst's language, with every ad-derived value escaped and its
direction controls marked; reasons from older runs show their stored English text."""

from __future__ import annotations

from markupsafe import escape
from sqlalchemy import select
from starlette.testclient import TestClient

from models.review import QueueItem
from tests.videre.web.seed import BIDI_CITY, XSS, World, reason
from triage.reason_text import listed, route
from videre.store.db import Database
from videre.web import i18n
from videre.web.reasons import sentence, sentence_plain

RLO = '<span class="bidi" dir="ltr" title="U+202E RIGHT-TO-LEFT OVERRIDE">⟨RLO⟩</span>'
NAMES = "The number {phone} is used for {count} women: {names}."
SV_ORGANISED = "Numret +46701740605 används för 4 kvinnor: Anna, Bella, Carla, Dana (åldrar 20, 21, 22, 23)."
EN_ORGANISED = "The number +46701740605 is used for 4 women: Anna, Bella, Carla, Dana (ages 20, 21, 22, 23)."


def _hostile() -> dict[str, object]:
    names = ["<script>alert('x1')</script>", "Le\u202eyla", "Nora", "Olga", "Petra", "Rita"]
    return reason("many_names_one_number", NAMES, {"phone": "+46701740606", "count": 6, "names": listed(names)}, 2.0)


def test_the_sentence_follows_the_language_and_escapes_every_value() -> None:
    r = _hostile()
    with i18n.language("sv"):
        out = str(sentence(r))
    assert out == ("Numret +46701740606 används för 6 kvinnor: &lt;script&gt;alert(&#39;x1&#39;)&lt;/script&gt;, "
                   f"Le{RLO}yla, Nora, Olga, Petra och 1 till.")
    with i18n.language("en"):
        assert str(sentence(r)) == out.replace("Numret", "The number").replace("används för 6 kvinnor",
                                                                             "is used for 6 women").replace(
            "och 1 till", "and 1 more")
        # The title attribute: markers as text, escaping left to autoescape.
        assert sentence_plain(r) == ("The number +46701740606 is used for 6 women: <script>alert('x1')</script>, "
                                     "Le⟨RLO⟩yla, Nora, Olga, Petra and 1 more.")


def test_a_route_is_translated_and_its_cities_marked() -> None:
    r = reason("solo_movement", "One woman seen in {cities} cities, {moves} moves ({per_week} a week): {route}.",
               {"cities": 2, "moves": 1, "per_week": {"decimal": 0.5, "places": 1},
                "route": route([(BIDI_CITY, "2024-05-01"), ("<b>Gbg</b>", "2024-05-08")])}, 0.25)
    with i18n.language("sv"):
        assert str(sentence(r)) == (f"En kvinna har setts i 2 städer, 1 förflyttningar (0,5 i veckan): "
                                    f"Upp{RLO}sala (2024-05-01) → &lt;b&gt;Gbg&lt;/b&gt; (2024-05-08).")


def test_an_older_or_malformed_reason_shows_its_stored_text() -> None:
    with i18n.language("sv"):
        assert str(sentence({"code": "x", "text": "Old <b>\u202etext</b>", "weight": 1.0})) == (
            f"Old &lt;b&gt;{RLO}text&lt;/b&gt;")
        assert str(sentence({"text": "Kept.", "template": NAMES, "params": {"phone": "+4670"}})) == "Kept."
        assert str(sentence({"text": "Kept.", "template": XSS[0], "params": XSS[1]})) == "Kept."
        assert sentence_plain({"text": "Kept \u202e."}) == "Kept ⟨RLO⟩."
        assert sentence("not a reason") == "" and sentence_plain(None) == ""


def test_item_page_print_page_and_queue_show_the_reason_in_the_users_language(
        analyst: tuple[TestClient, str], world: World, web_db: Database) -> None:
    client, token = analyst
    item = world.items["organised"]
    page = client.get(f"/items/{item}").text
    assert f'<span class="reason-text">{SV_ORGANISED}</span>' in page
    assert ("2 kvinnor har setts i 3 städer, 2 förflyttningar (0,7 i veckan): Malmö (2024-05-01) → "
            "Göteborg (2024-05-15) → Stockholm (2024-05-22).") in page
    assert "Numret är dolt för automatisk insamling i 25\u00a0% av annonserna" in page
    assert EN_ORGANISED not in page
    assert f'title="{SV_ORGANISED}"' in client.get("/").text
    # The stored reason keeps its English text for the CLI and exports.
    with web_db.session() as s:
        stored = s.execute(select(QueueItem.reasons).where(QueueItem.id == item)).scalar_one()
    assert stored[0]["text"] == EN_ORGANISED
    assert client.post("/account", data={"csrf_token": token, "language": "en"}).status_code == 303
    page = client.get(f"/items/{item}").text
    assert f'<span class="reason-text">{EN_ORGANISED}</span>' in page and SV_ORGANISED not in page


def test_the_printable_case_page_shows_the_reason_in_swedish(lead: tuple[TestClient, str], world: World) -> None:
    client, _ = lead
    page = client.get(f"/items/{world.items['organised']}/print").text
    assert f"(+2.50): {SV_ORGANISED}</li>" in page


def test_hostile_parameters_are_escaped_on_the_item_page(analyst: tuple[TestClient, str], world: World) -> None:
    client, _ = analyst
    page = client.get(f"/items/{world.items['hostile']}").text
    assert f"1 foto(n) används för flera kvinnor: foto {escape(XSS[6])} under namnen {escape(XSS[0])}, " in page
    assert f"Upp{RLO}sala (2024-05-01) → {escape(XSS[4])} (2024-05-02)." in page
    assert XSS[1] not in page and f'<span class="reason-text">{escape(XSS[1])}</span>' in page  # malformed: text

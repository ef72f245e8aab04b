"""write_many stores exactly what SQLAlchemy's own executemany stores (SQLite, and PostgreSQL with
VIDERE_TEST_DATABASE=postgres): the raw values as the driver reads them back are identical."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.orm import Session

from models.ads import Ad, Site
from models.entities import AdPhone, Phone
from videre.store import bulk_write
from videre.store.bulk_write import write_many
from videre.store.db import Database

WHEN = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=timezone(timedelta(hours=2)))


def _ads(site_id: int, prefix: str) -> list[dict[str, Any]]:
    return [{"url": f"{prefix}/{i}", "site_id": site_id, "version": 1, "content_hash": f"h{i}",
             "first_seen": WHEN, "last_seen": WHEN + timedelta(seconds=i), "changed_at": WHEN,
             "title": f"Titel {i} åäö \"'; --", "body": "x\ny\u2028z", "name": "Anna", "age_raw": "",
             "location_raw": "", "phone_raw": "", "posted_at": WHEN if i % 2 else None, "gone_at": None,
             "extraction": {"age": 20 + i, "phones": [{"e164": "+46701234567"}], "u": "ö", "n": None},
             "region": "SE", "city": "Malmö" if i % 2 else None, "place_id": None, "age": 20 + i,
             "phone_obfuscated": bool(i % 2)} for i in range(5)]


def _raw(session: Session, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in session.connection().exec_driver_sql(sql).all()]


def _write_both(session: Session, stmt: Any, a: list[dict[str, Any]], b: list[dict[str, Any]]) -> None:
    session.execute(stmt, a)
    write_many(session, stmt, b)


def test_write_many_stores_what_sqlalchemy_stores(db: Database) -> None:
    with db.session() as s:
        _write_both(s, Site.__table__.insert(), [{"slug": "a", "name": "A", "created_at": WHEN}],
                    [{"slug": "b", "name": "A", "created_at": WHEN}])
        sites = dict(_raw(s, "SELECT slug, id FROM sites"))
        _write_both(s, Ad.__table__.insert(), _ads(sites["a"], "a"), _ads(sites["b"], "b"))
        ids = dict(_raw(s, "SELECT url, id FROM ads"))
        ads = Ad.__table__
        by_id = update(ads).where(ads.c.id == bindparam("b_id"))
        _write_both(s, by_id, [{"b_id": ids[f"a/{i}"], "last_seen": WHEN, "extraction": [i, "ä"], "age": None}
                               for i in range(5)],
                    [{"b_id": ids[f"b/{i}"], "last_seen": WHEN, "extraction": [i, "ä"], "age": None}
                     for i in range(5)])
        # A column left out gets its Python-side default, as with SQLAlchemy.
        _write_both(s, Phone.__table__.insert(), [{"e164": "+461"}], [{"e164": "+462"}])
        phones = dict(_raw(s, "SELECT e164, id FROM phones"))
        _write_both(s, AdPhone.__table__.insert(), [{"ad_id": ids["a/0"], "phone_id": phones["+461"]}],
                    [{"ad_id": ids["b/0"], "phone_id": phones["+462"]}])

        cols = [c.name for c in ads.columns if c.name not in ("id", "url", "site_id")]
        rows = _raw(s, f"SELECT url, {', '.join(cols)} FROM ads ORDER BY url")
        a = [r[1:] for r in rows if r[0].startswith("a/")]
        b = [r[1:] for r in rows if r[0].startswith("b/")]
        assert len(a) == 5 and a == b
        assert _raw(s, "SELECT name, created_at FROM sites WHERE slug = 'a'") == \
            _raw(s, "SELECT name, created_at FROM sites WHERE slug = 'b'")
        phone_rows = _raw(s, "SELECT country, is_hub, hub_reason, first_seen FROM phones ORDER BY e164")
        assert phone_rows[0][:3] == phone_rows[1][:3] and phone_rows[1][3] is not None
        assert type(phone_rows[0][3]) is type(phone_rows[1][3])
        links = _raw(s, "SELECT raw, field, obfuscation FROM ad_phones ORDER BY ad_id")
        assert len(links) == 2 and links[0] == links[1]


def test_a_statement_of_the_same_shape_is_compiled_once_and_writes_its_own_values(db: Database) -> None:
    ads = Ad.__table__
    with db.session() as s:
        write_many(s, Site.__table__.insert(), [{"slug": "a", "name": "A", "created_at": WHEN}])
        site = _raw(s, "SELECT id FROM sites")[0][0]
        write_many(s, ads.insert(), _ads(site, "a"))
        ids = dict(_raw(s, "SELECT url, id FROM ads"))
        bulk_write._COMPILED.clear()
        for i, title in enumerate(["first", "second", "third"]):
            stmt = update(ads).where(ads.c.id == bindparam("b_id")).values(title=title, age=30 + i)
            write_many(s, stmt, [{"b_id": ids[f"a/{i}"]}])
        # One compilation for the three: same structure, other literal values.
        assert len(bulk_write._COMPILED) == 1
        assert _raw(s, "SELECT url, title, age FROM ads WHERE url IN ('a/0', 'a/1', 'a/2') ORDER BY url") == \
            [("a/0", "first", 30), ("a/1", "second", 31), ("a/2", "third", 32)]

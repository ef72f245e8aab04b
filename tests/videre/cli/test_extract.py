"""`videre extract` (docs/cli.md): JSON Lines in, one line out per input, bad lines reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from videre.cli.main import main


def _run(stdin: bytes | str, *args: str, cwd: Path) -> tuple[int, list[dict], str]:
    """Run in an empty folder (so no config.yaml) and check that nothing was written there."""
    work = cwd / "work"
    work.mkdir(exist_ok=True)
    before = sorted(work.iterdir())
    argv = [*args, "extract"] if args and args[0] == "--config" else ["extract", *args]
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(work)
        result = CliRunner().invoke(main, argv, input=stdin)
    assert sorted(work.iterdir()) == before  # no database, no files
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    return result.exit_code, lines, result.stderr


def _jsonl(*objs: object) -> str:
    return "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objs)


def test_one_line_out_per_line_in_in_order(tmp_path: Path) -> None:
    stdin = _jsonl(
        {"id": "a", "text": "Ring noll sju noll 174 06 05, Gbg"},
        {"id": 7, "title": "Anna, 23", "body": "Call +40 712 034 567", "location": "Sthlm"},
        {"url": "https://site.example/ad/3", "phone": "070-174 06 18"},
        {"body": "Ingen telefon här"},
    )
    code, out, err = _run(stdin, cwd=tmp_path)
    assert code == 0 and err == ""
    assert [o["id"] for o in out] == ["a", 7, "https://site.example/ad/3", 4]
    assert out[0] == {"id": "a", "phones": ["+46701740605"], "phone_obfuscated": True, "emails": [],
                      "location": {"city": "Göteborg", "raw": "Gbg"}, "age": None,
                      "languages": ["sv"], "indicators": ["phone_obfuscated"]}
    assert out[1]["phones"] == ["+40712034567"] and out[1]["age"] == 23
    assert out[1]["location"] == {"city": "Stockholm", "raw": "Sthlm"}
    assert out[2]["phones"] == ["+46701740618"] and out[2]["phone_obfuscated"] is False
    assert out[3]["phones"] == [] and out[3]["location"] is None


def test_bad_lines_are_reported_and_the_rest_goes_on(tmp_path: Path) -> None:
    stdin = (b'{"id": 1, "text": "070-174 06 05"}\n'
             b"not json\n"
             b"[1, 2]\n"
             b'{"id": "t", "title": 5}\n'
             b'{"id": "r", "text": "x", "region": "Sweden"}\n'
             b'{"age": [23]}\n'
             b"\xff\xfe{}\n"
             b"\n"
             b'{"id": 9, "text": "0701740618"}\n')
    code, out, err = _run(stdin, cwd=tmp_path)
    assert code == 1
    assert [o["id"] for o in out] == [1, 2, 3, "t", "r", 6, 7, 9]
    assert out[0]["phones"] == ["+46701740605"] and out[-1]["phones"] == ["+46701740618"]
    assert [o["error"] for o in out[1:-1]] == [
        "invalid JSON: Expecting value at column 1", "expected a JSON object, got list",
        "'title' must be a string, got int", "'region' must be a two-letter country code, got 'Sweden'",
        "'age' must be a string or a whole number, got list", "not valid UTF-8: ff at byte 1"]
    assert err.splitlines() == [
        "line 2: invalid JSON: Expecting value at column 1", "line 3: expected a JSON object, got list",
        "line 4: 'title' must be a string, got int",
        "line 5: 'region' must be a two-letter country code, got 'Sweden'",
        "line 6: 'age' must be a string or a whole number, got list",
        "line 7: not valid UTF-8: ff at byte 1"]


def test_over_long_line_is_skipped_with_a_message(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("import:\n  max_line_bytes: 1000\n", encoding="utf-8")
    stdin = _jsonl({"id": 1, "text": "x" * 5000}, {"id": 2, "text": "070-174 06 05"})
    code, out, err = _run(stdin, "--config", str(config), cwd=tmp_path)
    assert code == 1
    assert out == [{"id": 1, "error": "line longer than 1000 bytes"}, out[1]]
    assert out[1]["id"] == 2 and out[1]["phones"] == ["+46701740605"]
    assert err == "line 1: line longer than 1000 bytes\n"


def test_region_flag_and_record_region(tmp_path: Path) -> None:
    stdin = _jsonl({"id": 1, "text": "0712 034 567"}, {"id": 2, "text": "070-174 06 05", "region": "SE"})
    _, out, _ = _run(stdin, "--region", "ro", cwd=tmp_path)
    assert [o["phones"] for o in out] == [["+40712034567"], ["+46701740605"]]
    _, out, _ = _run(stdin, cwd=tmp_path)
    assert [o["phones"] for o in out] == [[], ["+46701740605"]]


def test_config_region_is_the_default(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("region: RO\n", encoding="utf-8")
    code, out, _ = _run(_jsonl({"text": "0712 034 567"}), "--config", str(config), cwd=tmp_path)
    assert code == 0 and out[0]["phones"] == ["+40712034567"]


@pytest.mark.parametrize("bad", ["Sverige", "S", "12"])
def test_bad_region_flag_is_a_usage_error(bad: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["extract", "--region", bad], input="")
    assert result.exit_code == 2 and "two-letter country code" in result.output


def test_empty_input_gives_empty_output(tmp_path: Path) -> None:
    assert _run(b"", cwd=tmp_path) == (0, [], "")


def test_no_trailing_newline_and_unicode_survive(tmp_path: Path) -> None:
    stdin = '{"id": "ü", "text": "Ring ０７０１７４０６０５ i Malmö"}'.encode()
    code, out, _ = _run(stdin, cwd=tmp_path)
    assert code == 0 and out[0]["id"] == "ü" and out[0]["phones"] == ["+46701740605"]
    assert out[0]["location"] == {"city": "Malmö", "raw": "Malmö"}


def test_lone_surrogates_from_json_escapes_do_not_break_the_output(tmp_path: Path) -> None:
    stdin = b'{"id": "\\ud800x", "text": "Ring 070-174 06 05 \\udfff"}\n{"id": 2, "text": "ok"}\n'
    code, out, _ = _run(stdin, cwd=tmp_path)
    assert code == 0 and out[0]["id"] == "\ud800x" and out[0]["phones"] == ["+46701740605"]
    assert out[1]["id"] == 2


def test_help_has_an_example() -> None:
    result = CliRunner().invoke(main, ["extract", "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output and "videre extract" in result.output


def test_a_long_input_read_in_worker_processes_keeps_its_order(tmp_path: Path) -> None:
    """Over 1 000 lines the chunks go to worker processes (on two cores or more): every line
    still comes out in its place, and bad lines are reported in order."""
    lines = [json.dumps({"id": n, "text": f"Ring 070-174 {n % 100:02d} 05"}) for n in range(1, 2501)]
    for bad in (5, 1500, 2400):
        lines[bad - 1] = "{not json"
    code, out, err = _run("\n".join(lines) + "\n", cwd=tmp_path)
    assert code == 1
    assert [row["id"] for row in out] == list(range(1, 2501))
    assert [n for n, row in enumerate(out, 1) if "error" in row] == [5, 1500, 2400]
    assert out[1998]["phones"] == ["+46701749905"]   # line 1999
    assert [line.split(":")[0] for line in err.splitlines()] == ["line 5", "line 1500", "line 2400"]


def test_big_lines_are_cut_into_chunks_by_bytes_and_all_come_out(tmp_path: Path) -> None:
    """Lines of 1 MB: a chunk ends at its byte budget long before 1 000 lines (so a hostile
    file holds little in flight), and the chunks after the first still go to the workers."""
    filler = "x" * 1_000_000
    lines = [json.dumps({"id": n, "text": f"Ring 070-174 {n:02d} 05 {filler}"}) for n in range(1, 41)]
    code, out, _ = _run("\n".join(lines) + "\n", cwd=tmp_path)
    assert code == 0
    assert [row["id"] for row in out] == list(range(1, 41))
    assert out[39]["phones"] == ["+46701744005"]

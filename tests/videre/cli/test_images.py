"""`videre images dedupe`: groups of files showing one photo, as JSON lines, with no database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.triage.photo_samples import border, caption, chain, crop, jpeg, mirror, resize, scene
from videre.cli.main import main


@pytest.fixture(scope="module")
def photo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("photos")
    (root / "site-b").mkdir()
    anna = scene(21)
    anna.save(root / "anna.jpg", quality=88)
    crop(left=0.12, top=0.05)(anna).save(root / "site-b" / "anna-cropped.png")
    chain(mirror(), border(24, (200, 30, 90)), caption("br"))(anna).save(root / "site-b" / "x.webp")
    scene(22).save(root / "bea.jpg")
    resize(0.5)(scene(22)).save(root / "site-b" / "bea-small.gif")
    scene(21, figure=9).save(root / "same-room-other-photo.jpg")
    scene(23).save(root / "alone.jpg")
    (root / "notes.txt").write_text("not a photo, not looked at")
    (root / "broken.jpg").write_bytes(jpeg(scene(24))[:2500])
    (root / "empty.png").write_bytes(b"")
    return root


def _run(*args: str) -> tuple[int, list[dict], str]:
    result = CliRunner().invoke(main, ["images", "dedupe", *args])
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return result.exit_code, lines, result.stderr


def test_groups_are_printed_one_json_line_each(photo_dir: Path) -> None:
    code, lines, _ = _run(str(photo_dir))
    assert code == 0
    groups = sorted(sorted(Path(p).name for p in line["group"]) for line in lines)
    assert groups == [["anna-cropped.png", "anna.jpg", "x.webp"], ["bea-small.gif", "bea.jpg"]]
    assert all(set(line) == {"group"} for line in lines)


def test_explain_gives_the_reason_for_each_pair(photo_dir: Path) -> None:
    code, lines, _ = _run("--explain", str(photo_dir))
    assert code == 0
    for line in lines:
        assert line["pairs"], line
        for pair in line["pairs"]:
            assert {"a", "b", "method", "distance", "reason"} <= set(pair)
            assert pair["a"] in line["group"] and pair["b"] in line["group"]
    reasons = " ".join(p["reason"] for line in lines for p in line["pairs"])
    assert "mirrored" in reasons and "PDQ distance" in reasons


def test_unreadable_files_are_reported_and_skipped(photo_dir: Path) -> None:
    code, lines, err = _run(str(photo_dir))
    assert code == 0 and len(lines) == 2
    assert "broken.jpg" in err and "truncated" in err
    assert "empty.png" in err and "empty" in err
    assert "notes.txt" not in err


def test_files_and_several_directories_can_be_named(photo_dir: Path) -> None:
    code, lines, _ = _run(str(photo_dir / "bea.jpg"), str(photo_dir / "site-b"))
    assert code == 0
    groups = sorted(sorted(Path(p).name for p in line["group"]) for line in lines)
    assert groups == [["anna-cropped.png", "x.webp"], ["bea-small.gif", "bea.jpg"]]


def test_missing_path_is_an_error(photo_dir: Path) -> None:
    code, _, err = _run(str(photo_dir), str(photo_dir / "no-such-dir"))
    assert code != 0 and "does not exist" in err


def test_help_has_an_example() -> None:
    result = CliRunner().invoke(main, ["images", "dedupe", "--help"])
    assert result.exit_code == 0 and "videre images dedupe" in result.output

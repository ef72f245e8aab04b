"""Photos named by path in an import: only regular files inside the JSONL's folder, bounded reads."""

from __future__ import annotations

import os
from pathlib import Path

from videre.store.photo_files import confined_path, read_photo_file


def test_a_path_must_stay_inside_the_folder_after_symlinks(tmp_path: Path) -> None:
    inside = tmp_path / "in"
    (inside / "sub").mkdir(parents=True)
    (inside / "sub" / "a.jpg").write_bytes(b"x")
    (tmp_path / "secret.jpg").write_bytes(b"s")
    os.symlink(tmp_path / "secret.jpg", inside / "link.jpg")
    os.symlink(inside / "sub" / "a.jpg", inside / "ok-link.jpg")
    assert confined_path(inside, "sub/a.jpg") == (inside / "sub" / "a.jpg").resolve()
    assert confined_path(inside, "sub/../sub/a.jpg") == (inside / "sub" / "a.jpg").resolve()
    assert confined_path(inside, "ok-link.jpg") == (inside / "sub" / "a.jpg").resolve()
    for ref in ("../secret.jpg", str(tmp_path / "secret.jpg"), "link.jpg", "/etc/passwd"):
        assert confined_path(inside, ref) == "outside the folder of the JSONL file"
    assert confined_path(inside, "a\x00b") == "path contains a NUL character"
    # A JSONL at / would put everything inside: kernel views are refused anyway.
    assert confined_path(Path("/"), "proc/self/environ") == "a system file, not a photo"
    assert confined_path(Path("/"), "dev/zero") == "a system file, not a photo"


def test_reads_are_capped_and_never_block(tmp_path: Path) -> None:
    (tmp_path / "big.jpg").write_bytes(b"y" * 5000)
    (tmp_path / "small.jpg").write_bytes(b"z" * 100)
    os.mkfifo(tmp_path / "fifo.jpg")  # no writer: a blocking open would hang here
    (tmp_path / "dir.jpg").mkdir()
    assert read_photo_file(tmp_path, "small.jpg", 1000).data == b"z" * 100
    assert read_photo_file(tmp_path, "big.jpg", 1000).error == "over the 1000-byte limit"
    assert read_photo_file(tmp_path, "fifo.jpg", 1000).error == "refused: not a regular file"
    assert read_photo_file(tmp_path, "dir.jpg", 1000).error == "refused: not a regular file"
    assert "No such file" in (read_photo_file(tmp_path, "gone.jpg", 1000).error or "")

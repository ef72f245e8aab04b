"""Photos an imported JSONL file names by path: read only from inside that file's folder.

Import files come from outside and are hostile (README, "Importing ads"): a path may point at
`/dev/zero`, a FIFO, `/proc/self/environ`, or out of the folder through `..` or a symlink. A photo
is read only when, after every symlink is resolved, it is a regular file under the folder of
the JSONL file that names it; the read stops at the byte limit whatever the file claims its
size is, and the open never blocks (a FIFO or device is refused before any read).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from videre.extract.records import FetchedPhoto

# Kernel views that look like regular files (size 0, contents made up on read).
PSEUDO_ROOTS = (Path("/proc"), Path("/sys"), Path("/dev"))
READ_CHUNK = 1 << 16
OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
              | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))


def confined_path(folder: Path, ref: str) -> Path | str:
    """The photo's real path, or why it is refused."""
    if "\x00" in ref:
        return "path contains a NUL character"
    if not ref.strip():
        return "empty path"
    root = Path(os.path.realpath(folder))
    real = Path(os.path.realpath(root / ref))
    if real != root and not real.is_relative_to(root):
        return "outside the folder of the JSONL file"
    if any(real.is_relative_to(p) for p in PSEUDO_ROOTS):
        return "a system file, not a photo"
    return real


def read_photo_file(folder: Path, ref: str, limit: int) -> FetchedPhoto:
    """Read a photo named in a JSONL file by a path relative to that file's folder, at most
    `limit` bytes; never raises."""
    where = confined_path(folder, ref)
    if isinstance(where, str):
        return FetchedPhoto(ref, error=f"refused: {where}")
    try:
        # O_NOFOLLOW: a symlink put in place of the checked file after realpath() is refused.
        fd = os.open(where, OPEN_FLAGS)
    except OSError as exc:
        return FetchedPhoto(ref, error=f"cannot read photo: {exc.strerror or exc}")
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            return FetchedPhoto(ref, error="refused: not a regular file")
        parts: list[bytes] = []
        size = 0
        while True:
            # st_size is not trusted (a file can grow while it is read): count what arrives.
            part = os.read(fd, min(READ_CHUNK, limit + 1 - size))
            if not part:
                break
            parts.append(part)
            size += len(part)
            if size > limit:
                return FetchedPhoto(ref, error=f"over the {limit}-byte limit")
        return FetchedPhoto(ref, data=b"".join(parts))
    except OSError as exc:
        return FetchedPhoto(ref, error=f"cannot read photo: {exc.strerror or exc}")
    finally:
        os.close(fd)

"""Importing the crawler keeps Scrapy's public-suffix look-ups offline (docs/security.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import socket
asked = []
real = socket.getaddrinfo
def recording(host, *args, **kwargs):
    asked.append(host)
    return real(host, *args, **kwargs)
socket.getaddrinfo = recording
import crawler
from scrapy.downloadermiddlewares.cookies import _is_public_domain
assert _is_public_domain("co.uk") and not _is_public_domain("example.co.uk")
print(asked)
"""


def test_the_public_suffix_list_is_never_fetched(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TLDEXTRACT_")}
    env["TLDEXTRACT_CACHE"] = str(tmp_path / "empty-cache")  # nothing cached to hide a fetch
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", done.stdout
    assert "publicsuffix" not in done.stderr

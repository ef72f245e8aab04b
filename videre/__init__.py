"""Videre: escort-ad monitoring crawler and triage pipeline."""

from importlib.metadata import PackageNotFoundError, version

try:
    # pyproject.toml is the one place the version is written.
    __version__ = version("videre")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0+unknown"

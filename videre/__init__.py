"""Videre: escort-ad monitoring crawler and triage pipeline."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    # `__version__` is read from the installed package's metadata on first use, not at import:
    # importlib.metadata costs every process (the command, the crawl, its photo workers) about
    # 0.03 s of start-up (bench/README.md, crawl).
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        # pyproject.toml is the one place the version is written.
        found = version("videre")
    except PackageNotFoundError:  # running from a checkout that was never installed
        found = "0+unknown"
    globals()["__version__"] = found
    return found

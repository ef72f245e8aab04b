"""Videre: escort-ad monitoring crawler and triage pipeline."""

__version__ = "0.1.0"

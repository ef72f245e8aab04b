"""`python -m videre` is the `videre` command."""

from videre.cli.main import run

run()

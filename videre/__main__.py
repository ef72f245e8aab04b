"""`python -m videre` is the `videre` command."""

from videre.cli.main import main

main()

"""The `videre` command line: one small module per command, registered in main.py."""

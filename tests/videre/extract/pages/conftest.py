"""The shipped config.yaml, shared with the crawler tests."""

from tests.crawler.conftest import shipped  # noqa: F401  (the fixture)

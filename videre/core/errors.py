"""The one exception hierarchy. The CLI and the web layer translate these into messages."""

from __future__ import annotations


class VidereError(Exception):
    """Base of every error Videre raises on purpose."""


class ConfigError(VidereError):
    """config.yaml or the environment is wrong."""


class InputError(VidereError):
    """A record, line, page or file from outside is malformed; the message names the problem."""


class ImageRejected(InputError):
    """A photo was refused (wrong type, too big, corrupt); carries the reason."""


class CrawlError(VidereError):
    """A crawl could not be started or failed as a whole."""


class NotFound(VidereError):
    """An item, ad or user asked for does not exist."""


class PermissionDenied(VidereError):
    """The user's role does not allow this."""


class AppendOnlyViolation(VidereError):
    """Application code tried to change or delete an append-only record (the audit log)."""


class Throttled(VidereError):
    """Too many failed sign-ins for an account or an address; try again later."""

"""SQLAlchemy models. Importing this package registers every table on Base.metadata."""

from models import ads, crawl, entities, ops, review, users  # noqa: F401  (table registration)
from models.base import Base

__all__ = ["Base"]

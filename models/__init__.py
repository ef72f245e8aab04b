"""SQLAlchemy models. Importing this package registers every table on Base.metadata."""

from models.base import Base
from models import ads, crawl, entities, ops, review, users  # noqa: F401  (table registration)

__all__ = ["Base"]

"""Storage: SQLAlchemy tables, repositories, a unit of work, Alembic migrations."""

from territorial.storage.database import make_engine, migrate, resolve_url
from territorial.storage.unit_of_work import UnitOfWork

__all__ = ["UnitOfWork", "make_engine", "migrate", "resolve_url"]

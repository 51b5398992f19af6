"""region: a manager may be limited to a region or district of the hierarchy

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-01 16:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("region", sa.String(length=255), nullable=True))


def downgrade() -> None:
    # plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+), no batch copy of the table
    op.execute("ALTER TABLE users DROP COLUMN region")

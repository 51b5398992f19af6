"""workflow: effective dates and versions of scenarios, design name claims, overrides

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 15:00:00

Scenarios gain ``effective_from``/``effective_to`` (filled from the publish and archive
events already recorded), ``version`` (1 for every existing scenario) and who/when last
changed them; ``scenario_claims`` holds the names of running designs; scenario events
say whether the override flag was used.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("scenarios", schema=None) as batch_op:
        batch_op.add_column(sa.Column("effective_from", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("effective_to", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(sa.Column("changed_by", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("scenario_events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("overridden", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "scenario_claims",
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("claimed_by", sa.Text(), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_scenario_claims")),
    )
    # the dates of alignments published before this revision, from their events
    for column, kind in (("effective_from", "published"), ("effective_to", "archived")):
        op.execute(
            f"UPDATE scenarios SET {column} = ("
            "SELECT e.effective_date FROM scenario_events e "
            f"WHERE e.scenario_id = scenarios.id AND e.kind = '{kind}' "
            "ORDER BY e.at DESC, e.id DESC LIMIT 1)"
        )


def downgrade() -> None:
    # plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+): a batch copy of ``scenarios``
    # would drop the old table, and with foreign keys on that deletes every territory,
    # assignment and event that refers to it
    op.drop_table("scenario_claims")
    op.execute("ALTER TABLE scenario_events DROP COLUMN overridden")
    for column in ("changed_at", "changed_by", "version", "effective_to", "effective_from"):
        op.execute(f"ALTER TABLE scenarios DROP COLUMN {column}")

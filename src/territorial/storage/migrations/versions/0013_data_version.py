"""data version: one counter that every change to the workspace's data raises

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 22:00:00

Triggers on the data tables raise ``data_version.version`` inside the writing
transaction, so a reader sees a new version exactly when it can see the new rows.
Cached answers (:mod:`territorial.services.answers`) are keyed by it. Jobs, job files,
uploads, users, login failures, design name claims and the audit log (written beside
the changes it records, and by user administration) are not data: they leave it alone.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

#: The tables whose rows the pages show (frozen here: a later table adds its own trigger).
DATA_TABLES = (
    "accounts",
    "reps",
    "scenarios",
    "territories",
    "assignments",
    "sales",
    "visits",
    "settings",
    "quota_sets",
    "territory_quotas",
    "quota_slices",
    "goals",
    "territory_plans",
    "balance_snapshots",
    "scenario_events",
    "quota_transfers",
    "scenario_edits",
    "scenario_edit_heads",
)
BUMP = "UPDATE data_version SET version = version + 1 WHERE id = 1"
PG_FUNCTION = "territorial_bump_data_version"
PG_FLAG = "territorial.data_version_raised"  # set for the rest of the transaction


def upgrade() -> None:
    op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_version")),
    )
    op.execute("INSERT INTO data_version (id, version) VALUES (1, 1)")
    if op.get_bind().dialect.name == "postgresql":
        # once per transaction: psycopg sends an executemany as one statement per row,
        # and updating one row again and again in one transaction grows its chain of
        # versions (each update walks it: quadratic; a 50,000-account import stalled)
        op.execute(
            f"CREATE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF coalesce(current_setting('{PG_FLAG}', true), '') <> 'on' THEN {BUMP}; "
            f"PERFORM set_config('{PG_FLAG}', 'on', true); END IF; RETURN NULL; END $$"
        )
        for table in DATA_TABLES:  # once per statement, however many rows it writes
            op.execute(
                f"CREATE TRIGGER {table}_data_version AFTER INSERT OR UPDATE OR DELETE "
                f"OR TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {PG_FUNCTION}()"
            )
    else:  # SQLite has row triggers only
        for table in DATA_TABLES:
            for event in ("INSERT", "UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_{event.lower()}_data_version AFTER {event} "
                    f"ON {table} BEGIN {BUMP}; END"
                )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in DATA_TABLES:
            op.execute(f"DROP TRIGGER {table}_data_version ON {table}")
        op.execute(f"DROP FUNCTION {PG_FUNCTION}()")
    else:
        for table in DATA_TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER {table}_{event}_data_version")
    op.drop_table("data_version")

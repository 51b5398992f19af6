"""scenario versions: a new draft no longer outdates the answers about other scenarios

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 01:00:00

Two more counters beside the data version of 0013 (which every change still raises):

- ``scenario_versions.version`` of one scenario: raised by every change to its row in
  ``scenarios`` and to the rows that carry its ``scenario_id`` (territories, assignments,
  events, edits, snapshots, plans, quota sets);
- ``data_version.common``: raised by every change *except* those rows and the row of a
  draft that stays a draft of the same name (a new draft, a draft's edit or deletion).

An answer about one scenario reads that scenario's rows, which alignment holds (the
published scenarios' rows) and the common data (accounts, reps, sales...), so it is
keyed by ``common`` and that scenario's version (:mod:`territorial.services.answers`).
Rows of ``scenario_versions`` are never deleted, so a scenario id used again (SQLite)
goes on counting. Each counter is raised once per transaction on PostgreSQL (see 0013).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

#: Tables whose rows belong to one scenario (a ``scenario_id`` column; frozen here).
SCENARIO_TABLES = (
    "territories",
    "assignments",
    "balance_snapshots",
    "quota_sets",
    "scenario_events",
    "scenario_edits",
    "scenario_edit_heads",
    "territory_plans",
)
#: The other data tables of 0013 (``scenarios`` has triggers of its own).
COMMON_TABLES = (
    "accounts",
    "reps",
    "sales",
    "visits",
    "settings",
    "territory_quotas",
    "quota_slices",
    "goals",
    "quota_transfers",
)
COMMON = "UPDATE data_version SET common = common + 1 WHERE id = 1"
PG_COMMON = "territorial_raise_common"
PG_RAISE = "territorial_raise_common_now"
PG_SCENARIO = "territorial_raise_scenario"
PG_ROWS = "territorial_raise_scenario_rows"
PG_SCENARIOS = "territorial_raise_scenarios"
PG_FLAG = "territorial.common_raised"
#: a row of a draft that stays a draft of the same name (old and new rows of scenarios)
DRAFT_ONLY = "{o}.status = 'draft' AND {n}.status = 'draft' AND {o}.name = {n}.name"


def upgrade() -> None:
    op.add_column(
        "data_version",
        sa.Column("common", sa.BigInteger(), nullable=False, server_default="1"),
    )
    op.create_table(
        "scenario_versions",
        sa.Column("scenario_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("scenario_id", name=op.f("pk_scenario_versions")),
    )
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
    else:
        _upgrade_sqlite()


def _upgrade_postgresql() -> None:
    op.execute(
        f"CREATE FUNCTION {PG_RAISE}() RETURNS void LANGUAGE plpgsql AS $$ BEGIN "
        f"IF coalesce(current_setting('{PG_FLAG}', true), '') <> 'on' THEN {COMMON}; "
        f"PERFORM set_config('{PG_FLAG}', 'on', true); END IF; END $$"
    )
    op.execute(
        f"CREATE FUNCTION {PG_COMMON}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"PERFORM {PG_RAISE}(); RETURN NULL; END $$"
    )
    op.execute(
        f"CREATE FUNCTION {PG_SCENARIO}(sid bigint) RETURNS void LANGUAGE plpgsql AS $$ "
        "DECLARE flag text := 'territorial.scenario_' || sid; BEGIN "
        "IF sid IS NOT NULL AND coalesce(current_setting(flag, true), '') <> 'on' THEN "
        "INSERT INTO scenario_versions (scenario_id, version) VALUES (sid, 1) "
        "ON CONFLICT (scenario_id) DO UPDATE SET version = scenario_versions.version + 1; "
        "PERFORM set_config(flag, 'on', true); END IF; END $$"
    )
    # statement triggers with the changed rows (transition tables: one per event)
    op.execute(
        f"CREATE FUNCTION {PG_ROWS}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "DECLARE sid bigint; BEGIN "
        "IF TG_OP IN ('INSERT', 'UPDATE') THEN FOR sid IN SELECT DISTINCT scenario_id "
        f"FROM new_rows LOOP PERFORM {PG_SCENARIO}(sid); END LOOP; END IF; "
        "IF TG_OP IN ('UPDATE', 'DELETE') THEN FOR sid IN SELECT DISTINCT scenario_id "
        f"FROM old_rows LOOP PERFORM {PG_SCENARIO}(sid); END LOOP; END IF; "
        "RETURN NULL; END $$"
    )
    draft_only = DRAFT_ONLY.format(o="o", n="n")
    op.execute(
        f"CREATE FUNCTION {PG_SCENARIOS}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "DECLARE sid bigint; BEGIN "
        "IF TG_OP = 'INSERT' THEN "
        f"FOR sid IN SELECT id FROM new_rows LOOP PERFORM {PG_SCENARIO}(sid); END LOOP; "
        "IF EXISTS (SELECT 1 FROM new_rows WHERE status <> 'draft') THEN "
        f"PERFORM {PG_RAISE}(); END IF; "
        "ELSIF TG_OP = 'DELETE' THEN "
        f"FOR sid IN SELECT id FROM old_rows LOOP PERFORM {PG_SCENARIO}(sid); END LOOP; "
        "IF EXISTS (SELECT 1 FROM old_rows WHERE status <> 'draft') THEN "
        f"PERFORM {PG_RAISE}(); END IF; "
        "ELSE "
        "FOR sid IN SELECT id FROM new_rows UNION SELECT id FROM old_rows LOOP "
        f"PERFORM {PG_SCENARIO}(sid); END LOOP; "
        "IF EXISTS (SELECT 1 FROM old_rows o FULL JOIN new_rows n ON o.id = n.id "
        f"WHERE NOT coalesce({draft_only}, false)) THEN PERFORM {PG_RAISE}(); END IF; "
        "END IF; RETURN NULL; END $$"
    )
    for table in COMMON_TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_common_version AFTER INSERT OR UPDATE OR DELETE "
            f"OR TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {PG_COMMON}()"
        )
    for table, function in [(t, PG_ROWS) for t in SCENARIO_TABLES] + [("scenarios", PG_SCENARIOS)]:
        for event, rows in (
            ("INSERT", "NEW TABLE AS new_rows"),
            ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
            ("DELETE", "OLD TABLE AS old_rows"),
        ):
            op.execute(
                f"CREATE TRIGGER {table}_{event.lower()}_scenario_version AFTER {event} "
                f"ON {table} REFERENCING {rows} FOR EACH STATEMENT "
                f"EXECUTE FUNCTION {function}()"
            )
        # a TRUNCATE has no rows to look at: it counts as a change to everything
        op.execute(
            f"CREATE TRIGGER {table}_truncate_scenario_version AFTER TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {PG_COMMON}()"
        )


def _raise_scenario(sid: str) -> str:
    return (
        f"INSERT OR IGNORE INTO scenario_versions (scenario_id, version) VALUES ({sid}, 0); "
        f"UPDATE scenario_versions SET version = version + 1 WHERE scenario_id = {sid};"
    )


def _upgrade_sqlite() -> None:  # row triggers only
    for table in COMMON_TABLES:
        for event in ("INSERT", "UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_{event.lower()}_common_version AFTER {event} "
                f"ON {table} BEGIN {COMMON}; END"
            )
    for table in SCENARIO_TABLES:
        for event, rows in (("INSERT", "NEW"), ("UPDATE", "OLD NEW"), ("DELETE", "OLD")):
            body = " ".join(_raise_scenario(f"{row}.scenario_id") for row in rows.split())
            op.execute(
                f"CREATE TRIGGER {table}_{event.lower()}_scenario_version AFTER {event} "
                f"ON {table} BEGIN {body} END"
            )
    for event, rows, draft_only in (
        ("INSERT", "NEW", "NEW.status = 'draft'"),
        ("UPDATE", "OLD NEW", DRAFT_ONLY.format(o="OLD", n="NEW")),
        ("DELETE", "OLD", "OLD.status = 'draft'"),
    ):
        body = " ".join(_raise_scenario(f"{row}.id") for row in rows.split())
        op.execute(
            f"CREATE TRIGGER scenarios_{event.lower()}_scenario_version AFTER {event} "
            f"ON scenarios BEGIN {body} END"
        )
        op.execute(
            f"CREATE TRIGGER scenarios_{event.lower()}_common_version AFTER {event} "
            f"ON scenarios WHEN NOT ({draft_only}) BEGIN {COMMON}; END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in COMMON_TABLES:
            op.execute(f"DROP TRIGGER {table}_common_version ON {table}")
        for table in (*SCENARIO_TABLES, "scenarios"):
            for event in ("insert", "update", "delete", "truncate"):
                op.execute(f"DROP TRIGGER {table}_{event}_scenario_version ON {table}")
        for function in (PG_SCENARIOS, PG_ROWS, PG_COMMON):
            op.execute(f"DROP FUNCTION {function}()")
        op.execute(f"DROP FUNCTION {PG_RAISE}()")
        op.execute(f"DROP FUNCTION {PG_SCENARIO}(bigint)")
    else:
        for table in COMMON_TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER {table}_{event}_common_version")
        for table in SCENARIO_TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER {table}_{event}_scenario_version")
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER scenarios_{event}_scenario_version")
            op.execute(f"DROP TRIGGER scenarios_{event}_common_version")
    op.drop_table("scenario_versions")
    op.drop_column("data_version", "common")

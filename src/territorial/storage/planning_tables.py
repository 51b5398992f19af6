"""Tables for planning and monitoring: quotas, goals, plans, snapshots, scenario events.

They live on the one ``metadata`` (:mod:`territorial.storage.metadata`). Money is stored
as exact decimal text (``String``) so quotas keep summing exactly on every database.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false

from territorial.storage.metadata import metadata

quota_sets = Table(
    "quota_sets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("scenario_id", Integer, ForeignKey("scenarios.id", ondelete="CASCADE"), nullable=False),
    Column("period", String(16), nullable=False),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("total", String(40), nullable=False),
    Column("method", String(16), nullable=False),
    Column("unit", String(40), nullable=False),
    Column("granularity", String(16), nullable=False),
    Column("weights", JSON, nullable=False, default=dict),
    Column("seasonality", JSON, nullable=False, default=list),
    Column("seasonality_years", Integer, nullable=False, default=0),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("scenario_id", "period", name="uq_quota_sets_scenario_period"),
)

territory_quotas = Table(
    "territory_quotas",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "quota_set_id", Integer, ForeignKey("quota_sets.id", ondelete="CASCADE"), nullable=False
    ),
    Column("territory", String(255), nullable=False),
    Column("rep_id", Integer, ForeignKey("reps.id", ondelete="SET NULL")),
    Column("amount", String(40), nullable=False),
    Column("overridden", Boolean, nullable=False, default=False),
    UniqueConstraint("quota_set_id", "territory", name="uq_territory_quotas_set_territory"),
)

quota_slices = Table(
    "quota_slices",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "territory_quota_id",
        Integer,
        ForeignKey("territory_quotas.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("label", String(32), nullable=False),
    Column("start", Date, nullable=False),
    Column("end", Date, nullable=False),
    Column("amount", String(40), nullable=False),
)

goals = Table(
    "goals",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("scope", String(16), nullable=False),
    Column("subject", String(255), nullable=False),
    Column("metric", String(64), nullable=False),
    Column("baseline", Float, nullable=False),
    Column("target", Float, nullable=False),
    Column("start", Date, nullable=False),
    Column("due", Date, nullable=False),
    Column("owner", String(255), nullable=False),
    Column("description", Text),
)

territory_plans = Table(
    "territory_plans",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("scenario_id", Integer, ForeignKey("scenarios.id", ondelete="CASCADE"), nullable=False),
    Column("territory", String(255), nullable=False),
    Column("sections", JSON, nullable=False, default=dict),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("scenario_id", "territory", name="uq_territory_plans_scenario_territory"),
)

balance_snapshots = Table(
    "balance_snapshots",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("scenario_id", Integer, ForeignKey("scenarios.id", ondelete="CASCADE"), nullable=False),
    Column("measure", String(64), nullable=False),
    Column("deviations", JSON, nullable=False),
    Column("taken_at", DateTime(timezone=True), nullable=False),
    Column("reason", Text),
    Index("ix_balance_snapshots_scenario", "scenario_id", "taken_at"),
)

scenario_events = Table(
    "scenario_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("scenario_id", Integer, ForeignKey("scenarios.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("effective_date", Date),
    Column("other_scenario", String(255)),
    Column("by", Text),
    Column("note", Text),
    # the step went ahead with the override flag (--force) past a refusal (see note)
    Column("overridden", Boolean, nullable=False, server_default=sa_false()),
    Index("ix_scenario_events_scenario", "scenario_id", "at"),
)

quota_transfers = Table(
    "quota_transfers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "quota_set_id", Integer, ForeignKey("quota_sets.id", ondelete="CASCADE"), nullable=False
    ),
    Column("account_external_id", String(255), nullable=False),
    Column("from_territory", String(255), nullable=False),
    Column("to_territory", String(255), nullable=False),
    Column("effective", Date, nullable=False),
    Column("share", Float, nullable=False),
    Column("remaining", Float, nullable=False),
    Column("amount", String(40), nullable=False),
    Index("ix_quota_transfers_set", "quota_set_id"),
)

"""The core tables as SQLAlchemy Core tables (the migrations create them).

The whole schema, with the planning and editing tables: :mod:`territorial.storage.schema`.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from territorial.storage.metadata import metadata

accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("external_id", String(255), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("street", Text),
    Column("city", Text),
    Column("state", String(64)),
    Column("zip", String(16)),
    Column("country", String(64)),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("located_by", String(16), nullable=False),
    Column("industry", Text),
    Column("employees", Integer),
    Column("annual_revenue", Float),
    Column("potential", Float),
    Column("visits_per_year", Float),
    Column("visit_minutes", Float),
    Column("status", String(16)),
    Column("competitor_presence", Boolean),
    Column("tier", String(16)),
    Column("extra", JSON, nullable=False, default=dict),
)

reps = Table(
    "reps",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("external_id", String(255), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("email", Text),
    Column("home_city", Text),
    Column("home_state", String(64)),
    Column("home_zip", String(16)),
    Column("home_latitude", Float),
    Column("home_longitude", Float),
    Column("skills", JSON, nullable=False, default=list),
    Column("years_experience", Float),
    Column("capacity_hours_per_week", Float),
    Column("yearly_cost", Float),
)

scenarios = Table(
    "scenarios",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(255), nullable=False, unique=True),
    Column("status", String(16), nullable=False),
    Column("created_by", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("parent_id", Integer, ForeignKey("scenarios.id", ondelete="SET NULL")),
    Column("description", Text),
    # measure -> tolerance the scenario was designed to meet; {} or NULL (before 0004): none
    Column("balance_spec", JSON),
    # a published alignment holds from effective_from (NULL: since always, as imported)
    # until the day before effective_to (NULL: until replaced)
    Column("effective_from", Date),
    Column("effective_to", Date),
    # incremented by every save of its territories or assignments (optimistic locking)
    Column("version", Integer, nullable=False, server_default="1"),
    Column("changed_by", Text),
    Column("changed_at", DateTime(timezone=True)),
)

# a scenario name held by a running design, so that a second design of that name is
# refused at once (``token`` tells the holder apart; ``expires_at`` frees a dead one's)
scenario_claims = Table(
    "scenario_claims",
    metadata,
    Column("name", String(255), primary_key=True),
    Column("token", String(64), nullable=False),
    Column("claimed_by", Text),
    Column("claimed_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

territories = Table(
    "territories",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("scenario_id", Integer, ForeignKey("scenarios.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(255), nullable=False),
    Column("level", String(16), nullable=False),
    Column("parent_name", String(255)),
    Column("rep_id", Integer, ForeignKey("reps.id", ondelete="SET NULL")),
    UniqueConstraint("scenario_id", "name", name="uq_territories_scenario_name"),
)

assignments = Table(
    "assignments",
    metadata,
    Column(
        "scenario_id",
        Integer,
        ForeignKey("scenarios.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "territory_id",
        Integer,
        ForeignKey("territories.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("locked", Boolean, nullable=False, default=False),
)

sales = Table(
    "sales",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("date", Date, nullable=False),
    Column("amount", Float, nullable=False),
    Column("reference", String(255)),
    Index("ix_sales_account_date", "account_id", "date"),
)

visits = Table(
    "visits",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("rep_id", Integer, ForeignKey("reps.id", ondelete="SET NULL")),
    Column("date", Date, nullable=False),
    Column("minutes", Float),
    Column("kind", String(64)),
    Index("ix_visits_account_date", "account_id", "date"),
)

settings = Table(
    "settings",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# one row (id 1): raised by triggers on the data tables in the writing transaction
# (version: every change, migration 0013; common: every change but those confined to one
# scenario's rows or a draft's, 0015); cached answers are keyed by them
# (territorial.services.answers)
data_version = Table(
    "data_version",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", BigInteger, nullable=False),
    Column("common", BigInteger, nullable=False, server_default="1"),
)

# one scenario's version, raised by every change to its rows (migration 0015); rows are
# never deleted, so that an id used again goes on counting
scenario_versions = Table(
    "scenario_versions",
    metadata,
    Column("scenario_id", Integer, primary_key=True, autoincrement=False),
    Column("version", BigInteger, nullable=False),
)

# answers computed by one app worker for a data version, read by the others (PostgreSQL;
# territorial.services.answers): a cache, so rows of older versions are simply dropped
shared_answers = Table(
    "shared_answers",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("version", BigInteger, nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("gzipped", LargeBinary, nullable=False),
)

jobs = Table(
    "jobs",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("params", JSON, nullable=False),
    Column("state", String(16), nullable=False),
    Column("progress", JSON, nullable=False),
    Column("result", JSON),
    Column("error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("started_at", DateTime(timezone=True)),
    Column("finished_at", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True)),
    Column("worker", String(255)),
    Column("key", String(64)),  # a file job's inputs and data version (reuse, see job_files)
    Index("ix_jobs_state_created", "state", "created_at"),
    Index("ix_jobs_key", "key"),
)

job_files = Table(  # a job's files: an import's upload, a report's or export's result
    "job_files",
    metadata,
    Column("job_id", String(36), ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(8), primary_key=True),  # "input" or "output"
    Column("name", String(255), nullable=False),
    Column("size", Integer, nullable=False),
    Column("content", LargeBinary, nullable=False),
)
users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(255), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("role", String(16), nullable=False),
    Column("rep_id", Integer, ForeignKey("reps.id", ondelete="SET NULL")),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("region", String(255)),
)

login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(255), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_login_failures_key_at", "key", "at"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(255), nullable=False),
    Column("action", String(64), nullable=False),
    Column("target", Text, nullable=False),
    Column("before", JSON),
    Column("after", JSON),
    Index("ix_audit_log_at", "at"),
)

# files the web import wizard keeps between its two steps (any worker reads them back)
uploads = Table(
    "uploads",
    metadata,
    Column("token", String(32), primary_key=True),
    Column("name", String(255), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("options", JSON, nullable=False),
    Column("size", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Index("ix_uploads_expires_at", "expires_at"),
)

"""Unit of work: one transaction, all repositories on it; commit or nothing."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Connection, Engine, exc
from sqlalchemy.engine import make_url

from territorial.domain.errors import TerritorialError
from territorial.storage.access_repositories import AuditRepository, UserRepository
from territorial.storage.database import (
    BUSY_TIMEOUT_SECONDS,
    make_engine,
    migrate,
    resolve_url,
)
from territorial.storage.editing_repository import EditRepository
from territorial.storage.jobs_repository import JobRepository
from territorial.storage.planning_repositories import (
    GoalRepository,
    PlanRepository,
    QuotaRepository,
    SaleUpdates,
    SnapshotRepository,
    VisitRepository,
)
from territorial.storage.publish_repositories import PublishingRepository
from territorial.storage.repositories import (
    AccountRepository,
    RepRepository,
    SalesRepository,
    ScenarioRepository,
    SettingsRepository,
)
from territorial.storage.schema import metadata
from territorial.storage.uploads_repository import UploadRepository
from territorial.storage.versions import (
    SharedAnswers,
    data_version,
    data_versions,
    scenario_version,
)

WRITER_LOCK_KEY = 0x7E771  # PostgreSQL advisory lock shared by Territorial's writers


class UnitOfWork:
    """Open with ``with uow:``; changes are kept only if ``commit()`` is called.

    Leaving the block without a commit, or through an exception, rolls everything back,
    so a failed import or job leaves the database exactly as it was.
    """

    accounts: AccountRepository
    reps: RepRepository
    scenarios: ScenarioRepository
    sales: SalesRepository
    settings: SettingsRepository
    quotas: QuotaRepository
    goals: GoalRepository
    plans: PlanRepository
    visits: VisitRepository
    snapshots: SnapshotRepository
    sale_updates: SaleUpdates
    publishing: PublishingRepository
    jobs: JobRepository
    users: UserRepository
    audit: AuditRepository
    edits: EditRepository
    uploads: UploadRepository
    shared_answers: SharedAnswers

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._conn: Connection | None = None

    @classmethod
    def open(cls, db: str | None = None) -> UnitOfWork:
        """A unit of work on ``db`` (path or URL), migrating the schema if needed."""
        url = resolve_url(db)
        try:
            engine = make_engine(url)
            migrate(engine)
        except (exc.ArgumentError, exc.NoSuchModuleError, exc.DatabaseError) as error:
            reason = str(error.orig if isinstance(error, exc.DBAPIError) else error)
            raise TerritorialError(
                f"cannot open the database {make_url(url).render_as_string(hide_password=True)}: "
                f"{(reason.strip().splitlines() or ['unknown error'])[0]}"
            ) from error
        return cls(engine)

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def __enter__(self) -> UnitOfWork:
        self._conn = self.engine.connect()
        self._conn.begin()
        self.accounts = AccountRepository(self._conn)
        self.reps = RepRepository(self._conn)
        self.scenarios = ScenarioRepository(self._conn)
        self.sales = SalesRepository(self._conn)
        self.settings = SettingsRepository(self._conn)
        self.quotas = QuotaRepository(self._conn)
        self.goals = GoalRepository(self._conn)
        self.plans = PlanRepository(self._conn)
        self.visits = VisitRepository(self._conn)
        self.snapshots = SnapshotRepository(self._conn)
        self.sale_updates = SaleUpdates(self._conn)
        self.publishing = PublishingRepository(self._conn)
        self.jobs = JobRepository(self._conn)
        self.users = UserRepository(self._conn)
        self.audit = AuditRepository(self._conn)
        self.edits = EditRepository(self._conn)
        self.uploads = UploadRepository(self._conn)
        self.shared_answers = SharedAnswers(self._conn)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._conn is not None
        self._conn.rollback()
        self._conn.close()
        self._conn = None

    def commit(self) -> None:
        assert self._conn is not None
        self._conn.commit()
        self._conn.begin()

    def clear_all(self) -> None:
        """Delete every row of every table (the schema stays; the data versions go on
        rising, so nothing cached for the old data is served again)."""
        assert self._conn is not None
        for table in reversed(metadata.sorted_tables):
            if table.name not in ("data_version", "scenario_versions"):
                self._conn.execute(table.delete())

    def data_version(self) -> int:
        """The data version this transaction sees (:mod:`territorial.storage.versions`)."""
        assert self._conn is not None
        return data_version(self._conn)

    def data_versions(self) -> tuple[int, int]:
        """(data version, common version) this transaction sees
        (:mod:`territorial.storage.versions`)."""
        assert self._conn is not None
        return data_versions(self._conn)

    def scenario_version(self, name: str | None) -> tuple[int, int | None, int]:
        """(common version, scenario id, its version) of the scenario ``name`` (None: the
        alignment in force today) as this transaction sees them
        (:func:`territorial.storage.versions.scenario_version`)."""
        assert self._conn is not None
        return scenario_version(self._conn, name)

    def write_lock(self, timeout: float = BUSY_TIMEOUT_SECONDS) -> None:
        """Hold off every other writer until this transaction ends; call it first.

        A writer that reads what it then changes (an import, a design's save, a publish)
        calls this before its first read: a second writer waits until the first commits
        and then reads what the first wrote, so neither change is lost nor half seen.
        SQLite restarts the transaction as ``BEGIN IMMEDIATE`` (other writers wait, readers
        do not: the write-ahead log); PostgreSQL takes a transaction-scoped advisory lock.
        Waiting longer than ``timeout`` seconds is a clear error, not a raw database one.
        """
        assert self._conn is not None
        ms = max(1, int(timeout * 1000))
        try:
            if self._conn.dialect.name == "sqlite":
                self._conn.rollback()  # the driver begins nothing until told so
                self._conn.begin()
                self._conn.exec_driver_sql(f"PRAGMA busy_timeout = {ms}")
                try:
                    self._conn.exec_driver_sql("BEGIN IMMEDIATE")
                finally:
                    default = int(BUSY_TIMEOUT_SECONDS * 1000)
                    self._conn.exec_driver_sql(f"PRAGMA busy_timeout = {default}")
            else:
                self._conn.exec_driver_sql(f"SET LOCAL lock_timeout = {ms}")
                self._conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITER_LOCK_KEY})")
                self._conn.exec_driver_sql("SET LOCAL lock_timeout = DEFAULT")
        except exc.OperationalError as error:
            raise TerritorialError(
                f"the database is busy: another change has held it for over {timeout:g} s; "
                "nothing was written, try again"
            ) from error

    def rollback(self) -> None:
        assert self._conn is not None
        self._conn.rollback()
        self._conn.begin()

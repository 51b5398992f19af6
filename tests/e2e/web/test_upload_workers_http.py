"""The import wizard under ``serve --workers N``: a file uploaded through one worker is
confirmed through another (SQLite and PostgreSQL). Two app instances on one database
stand for two workers; the first one's copy of the file is removed before the second
reads, as another process would not have it."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta

import pytest
from tests.e2e.web.login import logged_in

from territorial.domain.users import Role
from territorial.services import uploads
from territorial.services.workspace import open_workspace

CSV = "external_id,name,latitude,longitude,potential\n" + "".join(
    f"W-{i},Account {i},{40 + i * 0.01:.2f},{-90 - i * 0.01:.2f},{i + 1}\n" for i in range(12)
)


def _accounts(db: str) -> int:
    uow = open_workspace(db)
    with uow:
        return len(uow.accounts.list())


def test_an_upload_through_one_worker_is_confirmed_through_another(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with logged_in(db_url, "manager", Role.MANAGER) as first:
        preview = first.post("/api/import", files={"file": ("w.csv", CSV.encode(), "text/csv")})
        assert preview.status_code == 200 and preview.json()["ok"], preview.text
        token = preview.json()["token"]
    shutil.rmtree(uploads.cache_dir())  # the first worker's copy: not in another process
    monkeypatch.setattr(uploads, "_cache", None)
    assert _accounts(db_url) == 0
    with logged_in(db_url, "manager", Role.MANAGER) as second:
        page = second.post("/import/confirm", data={"token": token})
        assert page.status_code == 200, page.text
        assert 'data-testid="import-result"' in page.text
        assert _accounts(db_url) == 12
        again = second.post("/api/import/confirm", json={"token": token})
        assert again.status_code == 404  # imported: forgotten by every worker
    uow = open_workspace(db_url)
    with uow:
        assert uow.uploads.tokens() == []


def test_an_expired_upload_is_gone_for_every_worker(db_url: str) -> None:
    uow = open_workspace(db_url)
    old = uploads.keep_upload(
        uow,
        CSV.encode(),
        name="old.csv",
        kind="accounts",
        options={},
        now=datetime.now(UTC) - timedelta(days=2),
    )
    assert uploads.find_upload(uow, old.token) is None  # past its expiry
    fresh = uploads.keep_upload(
        uow, CSV.encode(), name="new.csv", kind="accounts", options={"mapping": {}}
    )
    with uow:
        assert uow.uploads.tokens() == [fresh.token]  # the expired one was pruned
    found = uploads.find_upload(uow, fresh.token)
    assert found is not None and found.name == "new.csv" and found.size == len(CSV)
    assert uploads.upload_path(uow, found).read_text(encoding="utf-8") == CSV
    with logged_in(db_url, "manager", Role.MANAGER) as web:
        gone = web.post("/api/import/confirm", json={"token": old.token})
        assert gone.status_code == 404 and "upload the file again" in gone.json()["error"]

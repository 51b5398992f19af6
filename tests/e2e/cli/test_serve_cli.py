"""`territorial serve` listens on this machine only unless told otherwise, and warns then."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import uvicorn
from typer.testing import CliRunner

from territorial.cli.main import app
from territorial.cli.serve import exposure_warning, is_loopback

runner = CliRunner()


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """uvicorn.run replaced by a recorder: what serve would have started."""
    calls: list[dict[str, Any]] = []

    def fake_run(app: object, **kwargs: Any) -> None:
        calls.append(kwargs)

    monkeypatch.setattr(uvicorn, "run", fake_run)
    return calls


def test_default_is_loopback_and_quiet(served: list[dict[str, Any]], tmp_path: Path) -> None:
    result = runner.invoke(app, ["serve", "--db", str(tmp_path / "w.db")])
    assert result.exit_code == 0, result.output
    assert served[0]["host"] == "127.0.0.1"
    assert "warning" not in result.output
    assert "http://127.0.0.1:8000/" in result.output


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "203.0.113.7", "example.com"])
def test_other_interfaces_warn_about_https(
    served: list[dict[str, Any]], tmp_path: Path, host: str
) -> None:
    result = runner.invoke(app, ["serve", "--host", host, "--db", str(tmp_path / "w.db")])
    assert result.exit_code == 0, result.output
    assert served[0]["host"] == host
    assert "warning:" in result.output and "HTTPS" in result.output and host in result.output


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
def test_loopback_addresses_do_not_warn(host: str) -> None:
    assert is_loopback(host)
    assert exposure_warning(host) is None


@pytest.mark.parametrize("port", ["0", "70000", "-1"])
def test_port_out_of_range_is_a_usage_error(served: list[dict[str, Any]], port: str) -> None:
    result = runner.invoke(app, ["serve", "--port", port])
    assert result.exit_code == 2 and "--port" in result.output
    assert served == []

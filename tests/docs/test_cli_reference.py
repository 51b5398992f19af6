"""docs/cli.md is generated from the CLI's help and must match it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_cli_reference_is_current() -> None:
    script = ROOT / "scripts" / "cli_reference.py"
    spec = importlib.util.spec_from_file_location("cli_reference", script)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    expected = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert module.render() == expected, "docs/cli.md is stale: run python scripts/cli_reference.py"

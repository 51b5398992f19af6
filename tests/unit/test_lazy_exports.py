"""Lazy package re-exports: every exported name resolves to its home's object, a module
of the package loads without its heavy siblings, and a name shared with a submodule
keeps meaning the export."""

from __future__ import annotations

import subprocess
import sys
from importlib import import_module
from pathlib import Path

import pytest

from territorial.lazy_exports import lazy_exports, type_checking_imports

SRC = Path(__file__).resolve().parents[2] / "src"
LAZY = ["territorial.metrics", "territorial.io", "territorial.optimize.design"]


def _loaded_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
    )
    return set(out.stdout.split())


@pytest.mark.parametrize("name", LAZY)
def test_every_exported_name_is_its_homes_object(name: str) -> None:
    package = import_module(name)
    homes = type_checking_imports(Path(str(package.__file__)).read_text(encoding="utf-8"))
    assert set(package.__all__) == set(homes)
    for export, (home, attribute) in homes.items():
        assert getattr(package, export) is getattr(import_module(home), attribute)
    assert set(package.__all__) <= set(dir(package))


def test_a_module_of_a_lazy_package_loads_without_its_siblings() -> None:
    loaded = _loaded_after("from territorial.metrics.goals import goal_status")
    assert "territorial.metrics" in loaded
    assert not {"scipy", "territorial.metrics.assessment"} & loaded
    loaded = _loaded_after("from territorial.optimize.design import Progress")
    assert not {"numba", "highspy", "territorial.optimize.design.solve"} & loaded


def test_a_name_shared_with_a_submodule_stays_the_export() -> None:
    loaded = _loaded_after(
        "import territorial.optimize.design.solve\n"
        "import territorial.metrics.compactness\n"
        "from territorial.optimize.design import solve\n"
        "from territorial.metrics import compactness\n"
        "assert callable(solve) and solve.__name__ == 'solve', solve\n"
        "assert callable(compactness) and compactness.__name__ == 'compactness'\n"
    )
    assert "territorial.optimize.design.solve" in loaded


def test_an_unknown_name_is_an_attribute_error() -> None:
    package = import_module("territorial.metrics")
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        package.nothing_here  # noqa: B018


def test_an_exported_name_without_an_import_is_refused(tmp_path: Path) -> None:
    init = tmp_path / "__init__.py"
    init.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from json import dumps as to_text\n"
        "__all__ = ['to_text', 'missing']\n"
    )
    module = type(sys)("lazy_probe")
    module.__all__ = ["to_text", "missing"]
    sys.modules["lazy_probe"] = module
    try:
        with pytest.raises(ImportError, match="missing"):
            lazy_exports("lazy_probe", str(init))
        module.__all__ = ["to_text"]
        lazy_exports("lazy_probe", str(init))
        import json

        assert module.to_text is json.dumps
    finally:
        del sys.modules["lazy_probe"]

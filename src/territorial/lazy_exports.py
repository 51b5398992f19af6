"""Package re-exports that import their module on first use (PEP 562).

A package such as :mod:`territorial.metrics` offers its main names at the top
(``from territorial.metrics import assess``) without importing every module behind them
as soon as any one module of the package loads, so the CLI's light commands start
without SciPy, Numba or HiGHS. The package writes its re-exports once, as imports under
``if TYPE_CHECKING:`` (which type checkers and linters read) beside a literal
``__all__``, and ends with ``lazy_exports(__name__, __file__)``; at run time each name
is imported from the module named there when it is first read.
"""

from __future__ import annotations

import ast
import sys
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Any


class _LazyPackage(ModuleType):
    """A package whose exported names load their module when first read."""

    _homes: dict[str, tuple[str, str]]

    def __getattr__(self, name: str) -> Any:
        home = type(self)._homes.get(name)
        if home is None:
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        module, attribute = home
        value = getattr(import_module(module), attribute)
        super().__setattr__(name, value)
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        # Importing a submodule binds it on its package; where an exported name is also a
        # submodule's name (``solve`` in ``solve.py``), the name keeps meaning the export.
        if isinstance(value, ModuleType) and name in type(self)._homes:
            return
        super().__setattr__(name, value)

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *type(self)._homes})


def type_checking_imports(source: str) -> dict[str, tuple[str, str]]:
    """Each name imported under a top-level ``if TYPE_CHECKING:``, mapped to its module
    and its name there."""
    homes: dict[str, tuple[str, str]] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for item in node.body:
                if isinstance(item, ast.ImportFrom) and item.module and not item.level:
                    homes.update({a.asname or a.name: (item.module, a.name) for a in item.names})
    return homes


def lazy_exports(package: str, init_file: str) -> None:
    """Make ``package`` import each name of its ``TYPE_CHECKING`` block on first use."""
    homes = type_checking_imports(Path(init_file).read_text(encoding="utf-8"))
    target = sys.modules[package]
    missing = set(getattr(target, "__all__", ())) - homes.keys()
    if missing:
        raise ImportError(f"{package}: __all__ names without a home: {sorted(missing)}")
    target.__class__ = type("LazyPackage", (_LazyPackage,), {"_homes": homes})

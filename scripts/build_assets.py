"""Copy the data and front-end files the package needs out of ``node_modules``.

Run after ``npm ci`` (``make install`` does both). Nothing is downloaded here: the npm
packages are pinned by ``package.json`` and ``package-lock.json``. The copies are build
products, ignored by git.

Usage: ``python scripts/build_assets.py [--check]`` (``--check`` only reports what is
missing or stale and exits 1 if anything is).
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
PACKAGE = ROOT / "src" / "territorial"

#: (source under node_modules, destination under src/territorial)
ASSETS: list[tuple[str, str]] = [
    ("us-atlas/counties-10m.json", "geo/data/counties-10m.json"),
    # web app: Leaflet (map) and htmx (partial page updates), served from web/static/vendor/
    ("leaflet/dist/leaflet.js", "web/static/vendor/leaflet/leaflet.js"),
    ("leaflet/dist/leaflet.css", "web/static/vendor/leaflet/leaflet.css"),
    *(
        (f"leaflet/dist/images/{name}", f"web/static/vendor/leaflet/images/{name}")
        for name in (
            "layers.png",
            "layers-2x.png",
            "marker-icon.png",
            "marker-icon-2x.png",
            "marker-shadow.png",
        )
    ),
    ("htmx.org/dist/htmx.min.js", "web/static/vendor/htmx/htmx.min.js"),
    # charts (quotas, monitoring): Chart.js's one-file UMD build
    ("chart.js/dist/chart.umd.min.js", "web/static/vendor/chartjs/chart.umd.min.js"),
]


def build(check: bool = False) -> int:
    """Copy (or with ``check`` only compare) every asset; return a process exit code."""
    problems = 0
    for source_rel, dest_rel in ASSETS:
        source = NODE_MODULES / source_rel
        dest = PACKAGE / dest_rel
        if not source.is_file():
            print(f"missing {source.relative_to(ROOT)}: run `npm ci` first", file=sys.stderr)
            problems += 1
            continue
        fresh = dest.is_file() and filecmp.cmp(source, dest, shallow=False)
        if check:
            if not fresh:
                print(f"stale or missing {dest.relative_to(ROOT)}", file=sys.stderr)
                problems += 1
            continue
        if not fresh:
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, dest)
            print(f"copied {source.relative_to(ROOT)} -> {dest.relative_to(ROOT)}")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report, copy nothing")
    args = parser.parse_args(argv)
    return build(check=args.check)


if __name__ == "__main__":
    raise SystemExit(main())

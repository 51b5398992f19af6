"""The ``territorial`` command's entry point: ``--version`` answers before anything heavy
loads; every other use builds the full command (:mod:`territorial.cli.main`)."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from territorial import __version__

        print(f"territorial {__version__}")
        return
    from territorial.cli.main import app

    app()


if __name__ == "__main__":
    main()

"""`territorial serve`: run the web app (pages, JSON twins, the map) with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from territorial.cli.common import DbOption, console, line, styled, user_errors, warn
from territorial.domain import TerritorialError

LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost", "ip6-localhost"})


def is_loopback(host: str) -> bool:
    """True when ``host`` only takes connections from this machine."""
    import ipaddress

    name = host.strip().strip("[]").lower()
    if name in LOOPBACK:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str) -> str | None:
    """What to tell someone who serves on an interface other machines can reach."""
    if is_loopback(host):
        return None
    return (
        f"listening on {host}: other machines can reach this server, and it speaks plain "
        "HTTP. Put it behind a reverse proxy that terminates HTTPS (and restricts who can "
        "connect) before anyone uses it over a network; the default --host 127.0.0.1 "
        "keeps it on this machine."
    )


WILDCARDS = ("0.0.0.0", "::", "[::]")
HOSTS_ENV = "TERRITORIAL_ALLOWED_HOSTS"


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


@user_errors
def serve(
    db: DbOption = None,
    host: Annotated[
        str,
        typer.Option(
            help="Interface to listen on. The default serves this machine only; another "
            "interface (0.0.0.0, a public address) needs HTTPS in front (a warning says so)."
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=1, max=65535)] = 8000,
    workers: Annotated[
        int, typer.Option(help="App processes (PostgreSQL: share the load; SQLite: use 1).")
    ] = 1,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            help="A host name browsers use to reach this server (repeatable); requests "
            "naming any other host are refused. Also read from TERRITORIAL_ALLOWED_HOSTS."
        ),
    ] = None,
) -> None:
    """Serve the web app on http://HOST:PORT (works offline; Ctrl+C stops it)."""
    import os

    import uvicorn

    from territorial.storage.database import ENV_VAR, resolve_url
    from territorial.web.app import create_app

    if workers < 1:
        raise TerritorialError("--workers must be at least 1")
    url = resolve_url(db)
    if workers > 1 and url.startswith("sqlite"):
        raise TerritorialError(
            "--workers above 1 needs a database server (--db postgresql://...): SQLite "
            "takes one writer at a time"
        )
    names = [*(allow_host or []), *([] if host in WILDCARDS else [host])]
    if names:  # every worker builds its allow-list from the environment
        known = os.environ.get(HOSTS_ENV, "")
        os.environ[HOSTS_ENV] = ",".join(h for h in (known, *names) if h)
    warning = exposure_warning(host)
    if warning:
        warn(warning)
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    console.print(line("Territorial on ", styled(f"http://{shown}:{port}/"), " (Ctrl+C to stop)"))
    if workers == 1:
        uvicorn.run(create_app(db), host=host, port=port, log_level="info")
        return
    os.environ[ENV_VAR] = url  # each worker process builds the app from the environment
    uvicorn.run(
        "territorial.web.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
    )

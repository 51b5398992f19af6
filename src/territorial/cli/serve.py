"""`territorial serve`: run the web app (pages, JSON twins, the map) with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from territorial.cli.common import DbOption, console, user_errors
from territorial.domain import TerritorialError


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


@user_errors
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[
        int, typer.Option(help="App processes (PostgreSQL: share the load; SQLite: use 1).")
    ] = 1,
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
    console.print(f"Territorial on [bold]http://{host}:{port}/[/] (Ctrl+C to stop)")
    if workers == 1:
        uvicorn.run(create_app(db), host=host, port=port, log_level="info")
        return
    os.environ[ENV_VAR] = url  # each worker process builds the app from the environment
    uvicorn.run("territorial.web.app:create_app", factory=True, host=host, port=port,
                workers=workers, log_level="info")

"""`territorial serve`: run the web app (pages, JSON twins, the map) with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from territorial.cli.common import DbOption, console, user_errors


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


@user_errors
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
) -> None:
    """Serve the web app on http://HOST:PORT (works offline; Ctrl+C stops it)."""
    import uvicorn

    from territorial.web.app import create_app

    web_app = create_app(db)
    console.print(f"Territorial on [bold]http://{host}:{port}/[/] (Ctrl+C to stop)")
    uvicorn.run(web_app, host=host, port=port, log_level="info")

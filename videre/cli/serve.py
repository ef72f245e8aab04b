"""`videre serve`"""

from __future__ import annotations

import click

from videre.cli.main import App, pass_app


@click.command()
@click.option("--host", default=None, help="default: web.host in config (127.0.0.1)")
@click.option("--port", type=int, default=None, help="default: web.port in config (8000)")
@pass_app
def serve(app: App, host: str | None, port: int | None) -> None:
    """Serve the analysts' web UI.

    \b
    Example:
        videre serve --port 8000
    """
    import uvicorn

    from videre.web.app import create_app, server_options

    web = app.settings.web
    uvicorn.run(create_app(app.settings, app.db), host=host or web.host, port=port or web.port,
                log_level="info", **server_options(web))

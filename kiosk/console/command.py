"""``talkcat console``: the staff web console's command (the web stack is imported lazily, so
the other commands start as fast as before and work without the ``console`` extra)."""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from kiosk.errors import ConfigError

log = logging.getLogger(__name__)

EXIT_INVALID = 2
NO_PASSWORD = (
    "no staff password for the console: run 'talkcat staff hash --password' and put the line"
    " it prints under [staff] in kiosk.toml, then give --config kiosk.toml"
)


def _fail(message: str, code: int = EXIT_INVALID) -> None:
    """Raise the project's error for ``code``; the root group prints it and exits (one edge)."""
    from talkcat.errors import InvalidInput, Unavailable

    raise (InvalidInput if code == EXIT_INVALID else Unavailable)(message)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _split_bind(bind: str) -> tuple[str, int]:
    host, sep, port = bind.rpartition(":")
    if not sep or not host or not port.isdigit() or int(port) > 65535:
        raise click.BadParameter(f"must be HOST:PORT, e.g. 127.0.0.1:8080, got {bind!r}",
                                 param_hint="--bind")
    return host.strip("[]"), int(port)


def settings_from(db: str | None, config_path: str | None, bind: str | None) -> Any:
    """Validated console settings from the config file and the command line (which wins)."""
    from kiosk import config
    from kiosk.console.state import Settings

    try:
        cfg = config.load(config_path, {"kiosk": {"db": db}, "console": {"bind": bind}})
    except ConfigError:
        raise  # the root group lists every problem, exit 2
    if not cfg.db:
        _fail("no catalogue: give --db DB (or [kiosk] db in the config file)")
    if not cfg.staff_password_hash:
        _fail(NO_PASSWORD)
    host, port = _split_bind(cfg.console["bind"])
    c = cfg.console
    return Settings(
        db=Path(cfg.db),
        password_hash=cfg.staff_password_hash,
        host=host,
        port=port,
        language=cfg.language,
        phrases_dir=cfg.phrases_dir,
        missing_state=cfg.missing_state,
        transcript=cfg.transcript,
        speech_engine=cfg.speech_engine,
        speech_rate=cfg.speech_rate,
        verbose=cfg.verbose,
        max_upload_bytes=int(c["max_upload_mb"]) * 1024 * 1024,
        tls_cert=c["tls_cert"],
        tls_key=c["tls_key"],
        session_minutes=int(c["session_minutes"]),
    )


@click.command("console")
@click.option("--db", type=click.Path(dir_okay=False), help="Catalogue file (SQLite).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="kiosk.toml: [staff] password_hash, [console], [kiosk] settings.")
@click.option("--bind", metavar="HOST:PORT",
              help="Where to listen (default 127.0.0.1:8080; port 0 picks a free one).")
def console_command(db: str | None, config_path: str | None, bind: str | None) -> None:
    """Serve the staff web console until SIGINT or SIGTERM (then exit 0 within 2 s).

    Staff log in with the password whose hash 'talkcat staff hash --password' made; the
    console imports files, searches, plays records as the kiosk speaks them, lists unfound
    scans and edits phrases.  /status.json and /metrics need no login.
    """
    settings = settings_from(db, config_path, bind)
    # The health checks open the sound device through SDL, which would otherwise take over
    # SIGINT and turn Ctrl-C into an event nobody reads.
    os.environ.setdefault("SDL_NO_SIGNAL_HANDLERS", "1")
    try:
        import uvicorn

        from kiosk.console.app import Console, create_app
    except ImportError as exc:
        _fail(f"the console needs its extra packages ({exc.name}): "
              "pip install 'talking-catalogue[console]'", EXIT_INVALID)
    if not _is_loopback(settings.host) and not settings.tls:
        click.echo(
            f"talkcat: WARNING: the console listens on {settings.host} without TLS: passwords"
            " and sessions cross the network in clear. Set [console] tls_cert and tls_key, or"
            " put it behind a TLS reverse proxy (docs/operations.md).", err=True,
        )
    console = Console(settings)
    app = create_app(console)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level="warning",
        access_log=False,
        server_header=False,
        date_header=False,
        proxy_headers=False,
        timeout_graceful_shutdown=1,
        ssl_certfile=settings.tls_cert,
        ssl_keyfile=settings.tls_key,
    )
    scheme = "https" if settings.tls else "http"

    class Server(uvicorn.Server):
        """Says where it listens only once the socket accepts connections; a signal ends it
        with exit code 0 (uvicorn itself would re-raise the signal and die of it)."""

        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            def on_signal(signum: int, _frame: object) -> None:
                log.info("signal %d: stopping the console", signum)
                if self.should_exit:
                    self.force_exit = True
                self.should_exit = True

            old = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
            try:
                yield
            finally:
                for sig, handler in old.items():
                    signal.signal(sig, handler)

        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets=sockets)
            if self.should_exit:
                return
            port = settings.port
            for listener in getattr(self, "servers", []):
                for sock in getattr(listener, "sockets", []) or []:
                    port = sock.getsockname()[1]
            host = f"[{settings.host}]" if ":" in settings.host else settings.host
            click.echo(f"console listening on {scheme}://{host}:{port}")
            sys.stdout.flush()

    server = Server(config)
    server.run()
    if not server.started:
        _fail(f"the console could not listen on {settings.host}:{settings.port}", 3)
    # Shut down cleanly above (connections closed, lifespan ended); now leave without waiting
    # for interpreter finalisation, which a daemon thread inside eSpeak or SDL (a health check
    # under way) can hold up for seconds - the contract is exit 0 within 2 s.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def register(group: click.Group) -> None:
    group.add_command(console_command)

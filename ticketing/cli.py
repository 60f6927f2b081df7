"""The `ticketing` command line."""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from uuid import UUID

from wiring.config import ConfigError, Settings


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ticketing", description="An event-sourced help desk.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the API on the configured store")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="API processes (PostgreSQL only)")
    serve.add_argument(
        "--server", choices=("granian", "uvicorn"), default="granian", help="the HTTP server"
    )
    commands.add_parser("migrate", help="create the store's tables, once")
    commands.add_parser("demo", help="walk a ticket through its lifecycle on a throwaway store")
    worker = commands.add_parser("worker", help="run a long-running worker")
    worker.add_argument("name", help="projections, sla, notifier, assigner, mail-in, or all")
    quiet = argparse.ArgumentParser(add_help=False)
    quiet.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    mail = commands.add_parser("mail", help="inbound mail")
    mail_commands = mail.add_subparsers(dest="mail_command", required=True)
    ingesting = mail_commands.add_parser("ingest", help="store one message (an MTA's pipe)")
    ingesting.add_argument("file", nargs="?", help="the message (default: standard input)")
    projections = commands.add_parser("projections", help="read models: status and rebuilds")
    projection_commands = projections.add_subparsers(dest="projection_command", required=True)
    projection_commands.add_parser("status", help="position and lag of each projection")
    rebuild = projection_commands.add_parser(
        "rebuild", help="rebuild from position 0", parents=[quiet]
    )
    rebuild.add_argument("name", help="a projection's name, or all")
    events = commands.add_parser("events", help="the event log for analysts")
    event_commands = events.add_subparsers(dest="events_command", required=True)
    exporting = event_commands.add_parser(
        "export", help="stream the log as JSON lines or CSV", parents=[quiet]
    )
    exporting.add_argument("--after", type=int, default=0, help="start after this position")
    exporting.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    exporting.add_argument("-o", "--output", help="file to write (default: standard output)")
    reports = commands.add_parser("reports", help="reports for people who would rather look")
    report_commands = reports.add_subparsers(dest="reports_command", required=True)
    drawing = report_commands.add_parser("plot", help="created vs resolved, SLA compliance")
    drawing.add_argument("--from", dest="since", required=True, type=date.fromisoformat)
    drawing.add_argument("--to", dest="until", required=True, type=date.fromisoformat)
    drawing.add_argument("-o", "--output", required=True, type=Path)
    audit = commands.add_parser("audit", help="tamper evidence")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_commands.add_parser("verify", help="recompute hash chains", parents=[quiet])
    verify.add_argument("ticket_id", nargs="?")
    verify.add_argument("--checkpoint", help="prove nothing before this checkpoint changed")
    taking = audit_commands.add_parser("checkpoint", help="sign every stream's head")
    taking.add_argument("-o", "--output", help="file to write (default: standard output)")
    what_if = commands.add_parser("what-if", help="past traffic under other rules")
    what_if_commands = what_if.add_subparsers(dest="what_if_command", required=True)
    sla = what_if_commands.add_parser("sla", help="a period's tickets under another SLA plan")
    sla.add_argument("--plan", required=True, type=Path, help="a JSON file: an SLA plan's fields")
    sla.add_argument("--from", dest="since", required=True, help="RFC 3339 with a zone")
    sla.add_argument("--to", dest="until", required=True)
    sla.add_argument("--department", type=UUID, default=None)
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_environment()
        if args.command == "serve":
            return _serve(settings, args.host, args.port, args.workers, args.server)
        if args.command == "migrate":
            from wiring.migrate import migrate

            migrate(settings)
            print(f"tables ready on {_redacted(settings.database_url)}")
            return 0
        if args.command == "demo":
            from .demo import run_demo

            return run_demo()
        if args.command == "worker":
            from .workers_cli import run_worker

            return run_worker(settings, args.name)
        if args.command == "mail":
            from .mail_cli import ingest

            if args.file:
                with open(args.file, "rb") as source:
                    return ingest(settings, source)
            return ingest(settings, sys.stdin.buffer)
        if args.command == "projections":
            from .workers_cli import rebuild_command, status

            if args.projection_command == "status":
                return status(settings)
            return rebuild_command(settings, args.name, quiet=args.quiet)
        if args.command == "events":
            from .export import export

            if args.output:
                with open(args.output, "w", newline="", encoding="utf-8") as out:
                    export(settings, args.after, args.format, out, quiet=args.quiet)
            else:
                export(settings, args.after, args.format, sys.stdout, quiet=args.quiet)
            return 0
        if args.command == "reports":
            from .plot import plot

            return plot(settings, args.since, args.until, args.output)
        if args.command == "what-if":
            from .what_if_cli import what_if_command

            return what_if_command(settings, args.plan, args.since, args.until, args.department)
        if args.command == "audit":
            return _audit(settings, args)
    except ConfigError as e:
        print(f"ticketing: {e}", file=sys.stderr)
        return 2
    return 2


def _audit(settings: Settings, args: argparse.Namespace) -> int:
    from readside.checkpoint import CheckpointError

    from .audit_cli import checkpoint_command, verify_checkpoint_command, verify_command

    try:
        if args.audit_command == "checkpoint":
            return checkpoint_command(settings, args.output)
        if args.checkpoint:
            return verify_checkpoint_command(settings, args.checkpoint)
        return verify_command(settings, args.ticket_id, quiet=args.quiet)
    except CheckpointError as e:
        print(f"ticketing: {e}", file=sys.stderr)
        return 2


def _serve(settings: Settings, host: str, port: int, workers: int, server: str) -> int:
    with _metrics_directory():
        return _run_server(settings, host, port, workers, server)


@contextmanager
def _metrics_directory() -> Iterator[None]:
    """Where the API processes share their metrics (prometheus-client's multi-process
    mode), holding this run's files only: the operator's `PROMETHEUS_MULTIPROC_DIR`
    emptied of an earlier run's, or a temporary directory removed afterwards. Set before
    any process imports the library, which picks its mode on import."""
    chosen = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if chosen:
        directory = Path(chosen)
        directory.mkdir(parents=True, exist_ok=True)
        for stale in directory.glob("*.db"):
            stale.unlink()
        yield
        return
    directory = Path(tempfile.mkdtemp(prefix="ticketing-metrics-"))
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory)
    try:
        yield
    finally:
        del os.environ["PROMETHEUS_MULTIPROC_DIR"]
        shutil.rmtree(directory, ignore_errors=True)


def _run_server(settings: Settings, host: str, port: int, workers: int, server: str) -> int:
    from wiring.migrate import migrate

    if not settings.admin_token:
        token = secrets.token_urlsafe(32)
        os.environ["TICKETING_ADMIN_TOKEN"] = token
        settings = Settings.from_environment()
        print(f"admin token (generated, set TICKETING_ADMIN_TOKEN to choose one): {token}")
    if not settings.console_secret:
        # One key for every server process, so that a console session works in all of them.
        os.environ["TICKETING_CONSOLE_SECRET"] = secrets.token_urlsafe(32)
    processes = workers if not settings.is_sqlite else 1
    os.environ["TICKETING_API_PROCESSES"] = str(processes)  # each takes its share of limits
    migrate(settings)
    print(f"ticketing on {_redacted(settings.database_url)}, listening on http://{host}:{port}")
    print(f"OpenAPI: http://{host}:{port}/schema")
    print(f"Console: http://{host}:{port}/console/", flush=True)
    from .http_server import run_http_server

    run_http_server(server, host, port, processes)
    return 0


def _redacted(url: str) -> str:
    """The database URL without its password, for printing."""
    if "@" not in url:
        return url
    scheme, _, rest = url.partition("://")
    credentials, _, host = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}@{host}"


if __name__ == "__main__":
    raise SystemExit(main())

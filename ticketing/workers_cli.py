"""`ticketing worker ...` and `ticketing projections ...`: long-running followers and
the operator's view of them."""

from __future__ import annotations

import signal
import sys
import threading
import time

from wiring.config import Settings
from wiring.migrate import migrate
from wiring.runtime import WORKERS, Runtime
from wiring.services import build_services
from wiring.views import PROJECTIONS, projection_named
from workers.projections import rebuild_all

from .progress import Bar


def run_worker(settings: Settings, name: str) -> int:
    """Runs until SIGTERM or SIGINT, then finishes the batch in hand and exits."""
    if name not in (*WORKERS, "all"):
        print(
            f"ticketing: no worker {name!r}; choose from {', '.join(WORKERS)} or all",
            file=sys.stderr,
        )
        return 2
    migrate(settings)
    runtime = Runtime(build_services(settings))
    stop = runtime.stopping

    def on_signal(signum: int, _: object) -> None:
        print(f"worker: signal {signum}, stopping", file=sys.stderr, flush=True)
        stop.set()
        runtime.wake_all()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    runtime.listen_to_log()
    jobs = runtime.worker_jobs(name)
    print(f"worker {name}: running", flush=True)
    threads = [threading.Thread(target=job, daemon=True) for job in jobs]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            while thread.is_alive():
                thread.join(timeout=0.5)
    finally:
        runtime.close()
    return 0


def status(settings: Settings) -> int:
    services = build_services(settings)
    try:
        print(f"{'projection':<12} {'version':>7} {'position':>10} {'lag':>8} {'seconds':>8}")
        for lag in services.lags():
            print(
                f"{lag.name:<12} {lag.version:>7} {lag.position:>10} {lag.lag_events:>8}"
                f" {lag.lag_seconds:>8.1f}"
            )
    finally:
        services.close()
    return 0


def rebuild_command(settings: Settings, name: str, *, quiet: bool = False) -> int:
    """Rebuilds beside the live generation, then swaps; safe while servers run. `all`
    rebuilds every projection in one pass over the log."""
    try:
        chosen = list(PROJECTIONS) if name == "all" else [projection_named(name)]
    except KeyError:
        names = ", ".join(p.name for p in PROJECTIONS)
        print(f"ticketing: no projection {name!r}; choose from {names} or all", file=sys.stderr)
        return 2
    migrate(settings)
    services = build_services(settings)
    try:
        runner = Runtime(services).projection_runner()
        started = time.monotonic()
        with Bar(name, services.log.head(), "events", quiet=quiet) as bar:
            rebuild_all(runner, chosen, lambda done: bar.to(done.position, done.head))
        print(f"{name}: rebuilt in {time.monotonic() - started:.1f} s", flush=True)
    finally:
        services.close()
    return 0

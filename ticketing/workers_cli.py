"""`ticketing worker ...` and `ticketing projections ...`: long-running followers and
the operator's view of them."""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Callable

from wiring.config import Settings
from wiring.migrate import migrate
from wiring.runtime import WORKERS, Runtime
from wiring.services import build_services
from wiring.views import PROJECTIONS, projection_named
from workers.projections import Progress, rebuild_all


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


def rebuild_command(settings: Settings, name: str) -> int:
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
        rebuild_all(runner, chosen, _bar(name))
        print(f"\n{name}: rebuilt in {time.monotonic() - started:.1f} s", flush=True)
    finally:
        services.close()
    return 0


def _bar(name: str) -> Callable[[Progress], None]:
    lock = threading.Lock()

    def report(progress: Progress) -> None:
        elapsed = max(time.monotonic() - progress.started, 1e-6)
        rate = progress.events / elapsed
        remaining = max(progress.head - progress.position, 0)
        eta = remaining / rate if rate else 0.0
        done = progress.position / progress.head if progress.head else 1.0
        filled = int(done * 30)
        with lock:
            print(
                f"\r{name:<10} [{'#' * filled}{'.' * (30 - filled)}] {done:6.1%}"
                f" {progress.position}/{progress.head} {rate:,.0f} events/s ETA {eta:5.1f} s",
                end="",
                file=sys.stderr,
                flush=True,
            )

    return report

"""The HTTP server `ticketing serve` runs the ASGI app in.

Granian by default: its HTTP parser and event loop are compiled (Rust, hyper and tokio),
and measured in `bench/commands.py` it costs the API less CPU per command than uvicorn
with httptools and uvloop. uvicorn stays available (`--server uvicorn`) for platforms
without Granian wheels."""

from __future__ import annotations

APP = "ticketing.asgi:app"


def run_http_server(server: str, host: str, port: int, workers: int) -> None:
    """Serves until stopped; each of `workers` processes builds its own app (factory)."""
    if server == "uvicorn":
        import uvicorn

        uvicorn.run(
            APP,
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
            http="httptools",
            loop="uvloop",
        )
        return
    from granian import Granian
    from granian.constants import Interfaces
    from granian.log import LogLevels

    Granian(
        APP,
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        workers=workers,
        factory=True,
        log_level=LogLevels.warning,
    ).serve()

"""Settings from the environment, with the embedded SQLite store as the default."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

DEFAULT_DATABASE_URL = "sqlite:///var/ticketing.sqlite3"
DEFAULT_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAIL_MAX_BYTES = 25 * 1024 * 1024


class ConfigError(ValueError):
    """A setting is malformed; the message says which and how."""


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    admin_token: str | None = None
    smtp_url: str | None = None
    embedded_workers: bool | None = None
    rate_per_second: float = 50.0
    """Requests per second per caller, in bursts of up to `rate_burst` (0: unlimited)."""
    rate_burst: int = 200
    api_processes: int = 1
    """How many API processes share the limits (`serve --workers N` sets it): each keeps
    its buckets in memory, so each allows its share of the rate and of the burst."""
    read_wait_seconds: float = 5.0
    """How long a read with `min_position` waits for its projection before 503 (the contract's
    5 s; tests inject less)."""
    read_waiters_per_caller: int = 8
    """How many reads of one caller may wait for a projection at once (beyond: 429)."""
    audit_key_file: str = "var/audit.key"
    """The Ed25519 key (PEM) that signs audit checkpoints; a public key verifies only."""
    console_secret: str | None = None
    """Signs the console's session cookies; without it each process draws its own, so set it
    when several processes serve the console."""
    console_session_minutes: float = 480.0
    """How long a console sign-in lasts (a working day)."""
    attachment_max_bytes: int = DEFAULT_ATTACHMENT_MAX_BYTES
    """The largest file an upload may carry (beyond: 413, nothing recorded)."""
    mail_address: str = "ticketing@localhost"
    """The desk's address: From and Reply-To of its mail, and where mail opens tickets."""
    mail_name: str = "Help desk"
    mail_in_listen: str | None = None
    """`host:port` of the inbound SMTP listener."""
    mail_max_bytes: int = DEFAULT_MAIL_MAX_BYTES

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        workers = env.get("TICKETING_EMBEDDED_WORKERS")
        return cls(
            database_url=env.get("TICKETING_DATABASE_URL") or DEFAULT_DATABASE_URL,
            admin_token=env.get("TICKETING_ADMIN_TOKEN") or None,
            smtp_url=env.get("TICKETING_SMTP_URL") or None,
            embedded_workers=None
            if workers is None
            else workers.lower() in ("1", "true", "yes", "on"),
            rate_per_second=_number(env, "TICKETING_RATE_LIMIT", 50.0),
            rate_burst=int(_number(env, "TICKETING_RATE_BURST", 200)),
            audit_key_file=env.get("TICKETING_AUDIT_KEY_FILE") or "var/audit.key",
            console_secret=env.get("TICKETING_CONSOLE_SECRET") or None,
            console_session_minutes=_number(env, "TICKETING_CONSOLE_SESSION_MINUTES", 480.0),
            attachment_max_bytes=int(
                _number(env, "TICKETING_ATTACHMENT_MAX_BYTES", DEFAULT_ATTACHMENT_MAX_BYTES)
            ),
            api_processes=max(1, int(_number(env, "TICKETING_API_PROCESSES", 1))),
            mail_address=env.get("TICKETING_MAIL_ADDRESS") or "ticketing@localhost",
            mail_name=env.get("TICKETING_MAIL_NAME") or "Help desk",
            mail_in_listen=env.get("TICKETING_MAIL_IN_LISTEN") or None,
            mail_max_bytes=int(_number(env, "TICKETING_MAIL_MAX_BYTES", DEFAULT_MAIL_MAX_BYTES)),
        )

    def rate_limit_per_process(self) -> tuple[float, int]:
        """This process's share of the per-caller rate and burst (at least 1 request)."""
        share = self.api_processes
        return self.rate_per_second / share, max(1, self.rate_burst // share)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite:")

    def store_env(self) -> dict[str, str]:
        """The eventsourcing library's settings for this store (tables are created by `migrate`)."""
        common = {
            "PERSISTENCE_MODULE": "",
            "MAPPER_TOPIC": "wiring.encoding:MsgspecMapper",
            "AGGREGATE_CACHE_MAXSIZE": "2000",
            # Loads trust the cache; each request first catches it up with the log
            # (domain/cache_follower.py), and a stale save conflicts and reloads.
            "AGGREGATE_CACHE_FASTFORWARD": "n",
        }
        if self.is_sqlite:
            path = sqlite_path(self.database_url)
            return common | {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": str(path),
                "SQLITE_LOCK_TIMEOUT": "10",
            }
        if self.database_url.startswith(("postgresql:", "postgres:")):
            url = urlsplit(self.database_url)
            return common | {
                "PERSISTENCE_MODULE": "eventsourcing.postgres",
                "POSTGRES_DBNAME": url.path.lstrip("/") or "postgres",
                "POSTGRES_HOST": url.hostname or "127.0.0.1",
                "POSTGRES_PORT": str(url.port or 5432),
                "POSTGRES_USER": unquote(url.username or "postgres"),
                "POSTGRES_PASSWORD": unquote(url.password or ""),
                "POSTGRES_POOL_SIZE": "10",
                "POSTGRES_MAX_OVERFLOW": "20",
                "POSTGRES_CONNECT_TIMEOUT": "5",
                "APPLICATION_RECORDER_TOPIC": "wiring.postgres_log:OneTripRecorder",
            }
        raise ConfigError(
            "TICKETING_DATABASE_URL must start with sqlite:// or postgresql://, "
            f"not {self.database_url!r}"
        )

    def views_location(self) -> Path | None:
        """The SQLite file of the read models, beside the log's; None on PostgreSQL,
        where read models share the log's database."""
        if not self.is_sqlite:
            return None
        path = sqlite_path(self.database_url)
        return path.with_name(f"{path.stem}.views{path.suffix or '.sqlite3'}")

    def mail_in_address(self) -> tuple[str, int]:
        """`TICKETING_MAIL_IN_LISTEN` as a host and a port."""
        host, _, port = (self.mail_in_listen or "").rpartition(":")
        if not host or not port.isdigit():
            listen = self.mail_in_listen
            raise ConfigError(
                f"TICKETING_MAIL_IN_LISTEN must look like 127.0.0.1:2525, not {listen!r}"
            )
        return host.strip("[]"), int(port)

    @property
    def workers_embedded(self) -> bool:
        return self.is_sqlite if self.embedded_workers is None else self.embedded_workers


def sqlite_path(url: str) -> Path:
    """`sqlite:///relative/path` or `sqlite:////absolute/path`, as the contract says."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or len(url) == len(prefix):
        raise ConfigError(f"a SQLite URL looks like sqlite:///var/ticketing.sqlite3, not {url!r}")
    return Path(url[len(prefix) :])


def _number(env: Any, name: str, default: float) -> float:
    text = env.get(name)
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {text!r}") from None
    if value < 0:
        raise ConfigError(f"{name} must not be negative")
    return value

"""The bytes of attachments, stored once per SHA-256: files in a directory beside the SQLite
database (embedded), rows of a PostgreSQL table (production). Events name the digest only.

An upload is spooled first (`Spool`: counted and hashed as it arrives, refused as soon as it
passes the limit), and stored (`keep`) only once the whole request has been read, so a
refused request leaves nothing behind. Storing the same bytes twice keeps one copy.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Protocol

import psycopg

from .config import Settings, sqlite_path
from .event_store import postgres_conninfo

CHUNK = 64 * 1024
BLOBS_TABLE = (
    "CREATE TABLE IF NOT EXISTS attachment_blobs ("
    " sha256 TEXT PRIMARY KEY, size BIGINT NOT NULL, bytes BYTEA NOT NULL)"
)


class TooLarge(ValueError):
    """More bytes than the attachment limit allows."""


class Spool:
    """One upload's bytes in a temporary file, with their digest and size so far."""

    def __init__(self, limit: int, directory: Path | None) -> None:
        self.limit = limit
        self.size = 0
        self._hash = hashlib.sha256()
        self.file: IO[bytes] = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed by `close`
            dir=directory, prefix=".upload-", delete=False
        )

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.limit:
            raise TooLarge(f"an attachment may have at most {self.limit} bytes")
        self._hash.update(chunk)
        self.file.write(chunk)

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    def close(self) -> None:
        """Removes the temporary file (after `keep` moved or copied it)."""
        self.file.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.file.name)


class BlobStore(Protocol):
    def spool(self) -> Spool: ...

    def keep(self, spool: Spool) -> None:
        """Stores the spooled bytes under their digest (once, however often kept)."""

    def chunks(self, sha256: str) -> Iterator[bytes]:
        """The bytes stored under the digest; KeyError when there are none."""

    def forget(self, sha256: str) -> None:
        """Deletes the bytes (an erasure's), if there are any."""


class DirectoryBlobs:
    """`<dir>/ab/abcdef...`: written to a temporary file in the same directory and renamed
    into place, so a reader never sees half a file."""

    def __init__(self, root: Path, limit: int) -> None:
        self.root = root
        self.limit = limit

    def spool(self) -> Spool:
        self.root.mkdir(parents=True, exist_ok=True)
        return Spool(self.limit, self.root)

    def keep(self, spool: Spool) -> None:
        spool.file.flush()
        os.fsync(spool.file.fileno())
        target = self._path(spool.sha256)
        target.parent.mkdir(exist_ok=True)
        if not target.exists():
            os.replace(spool.file.name, target)

    def chunks(self, sha256: str) -> Iterator[bytes]:
        path = self._path(sha256)
        if not path.is_file():
            raise KeyError(sha256)
        return _read(path)

    def forget(self, sha256: str) -> None:
        with contextlib.suppress(FileNotFoundError, KeyError):
            self._path(sha256).unlink()

    def _path(self, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise KeyError(sha256)
        return self.root / sha256[:2] / sha256


def _read(path: Path) -> Iterator[bytes]:
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            yield chunk


class PostgresBlobs:
    """One row per digest in `attachment_blobs`."""

    def __init__(self, conninfo: str, limit: int) -> None:
        self.conninfo = conninfo
        self.limit = limit

    def spool(self) -> Spool:
        return Spool(self.limit, None)

    def keep(self, spool: Spool) -> None:
        spool.file.flush()
        with open(spool.file.name, "rb") as f:
            data = f.read()
        with psycopg.connect(self.conninfo) as conn:
            conn.execute(
                "INSERT INTO attachment_blobs (sha256, size, bytes) VALUES (%s, %s, %s)"
                " ON CONFLICT (sha256) DO NOTHING",
                (spool.sha256, spool.size, data),
            )

    def forget(self, sha256: str) -> None:
        """The row, and (by a vacuum) the dead row's bytes in the table's pages."""
        with psycopg.connect(self.conninfo, autocommit=True) as conn:
            conn.execute("DELETE FROM attachment_blobs WHERE sha256 = %s", (sha256,))
            conn.execute("VACUUM attachment_blobs")

    def chunks(self, sha256: str) -> Iterator[bytes]:
        with psycopg.connect(self.conninfo) as conn:
            row = conn.execute(
                "SELECT bytes FROM attachment_blobs WHERE sha256 = %s", (sha256,)
            ).fetchone()
        if row is None:
            raise KeyError(sha256)
        data = bytes(row[0])
        return iter([data[i : i + CHUNK] for i in range(0, len(data), CHUNK)] or [b""])


def open_blobs(settings: Settings) -> BlobStore:
    if settings.is_sqlite:
        return DirectoryBlobs(blobs_directory(settings), settings.attachment_max_bytes)
    return PostgresBlobs(postgres_conninfo(settings), settings.attachment_max_bytes)


def blobs_directory(settings: Settings) -> Path:
    """Beside the database: `var/ticketing.sqlite3` keeps its blobs in `var/ticketing.blobs/`."""
    path = sqlite_path(settings.database_url)
    return path.with_name(f"{path.stem}.blobs")


def install(settings: Settings) -> None:
    """The table of blobs, on PostgreSQL (the directory is made on first use)."""
    if settings.is_sqlite:
        return
    with psycopg.connect(postgres_conninfo(settings), autocommit=True) as conn:
        conn.execute(BLOBS_TABLE)

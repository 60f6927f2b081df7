"""`ticketing audit verify [TICKET_ID]`: recompute hash chains, non-zero exit on tampering;
`ticketing audit checkpoint [-o FILE]` signs every stream's head; `ticketing audit verify
--checkpoint FILE` proves nothing recorded before the checkpoint changed."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from typing import TextIO
from uuid import UUID

from domain.ticket import Ticket
from projections.audit.queries import digest_at
from readside import checkpoint
from readside.event_log import EventLog
from readside.verification import verify_ticket
from wiring.config import Settings
from wiring.event_store import open_helpdesk
from wiring.views import open_views

from .progress import Bar


def verify_command(settings: Settings, ticket_id: str | None, *, quiet: bool = False) -> int:
    helpdesk = open_helpdesk(settings)
    views = open_views(settings)
    try:
        log = EventLog(helpdesk.recorder, helpdesk.mapper)
        if ticket_id is not None:
            try:
                ids = [UUID(ticket_id)]
            except ValueError:
                print(f"ticketing: {ticket_id!r} is not a ticket id", file=sys.stderr)
                return 2
        else:
            ids = list(log.ids_of(Ticket.Created))
        failed = []
        with Bar("verified", len(ids), "tickets", quiet=quiet) as bar:
            for tid in ids:
                report = verify_ticket(log, tid, lambda position: digest_at(views, position))
                if not report.ok:
                    failed.append(tid)
                    bar.say(f"TAMPERED {tid}: version {report.first_bad_version}: {report.detail}")
                bar.advance()
        print(f"{len(ids) - len(failed)} of {len(ids)} tickets intact")
        return 1 if failed else 0
    finally:
        views.close()
        helpdesk.close()


def checkpoint_command(settings: Settings, output: str | None) -> int:
    """Writes the file only once the checkpoint is signed: a missing key leaves none."""
    key = checkpoint.private_key(settings.audit_key_file)
    helpdesk = open_helpdesk(settings)
    try:
        taken = checkpoint.take(helpdesk.recorder, key, datetime.now(UTC))
    finally:
        helpdesk.close()
    if output is None:
        _write(taken, sys.stdout)
    else:
        with open(output, "w", encoding="utf-8") as out:
            _write(taken, out)
    streams = len(taken["streams"])
    print(f"checkpoint at position {taken['position']}: {streams} streams", file=sys.stderr)
    return 0


def verify_checkpoint_command(settings: Settings, path: str) -> int:
    key = checkpoint.public_key(settings.audit_key_file)
    try:
        with open(path, encoding="utf-8") as f:
            signed = json.load(f)
    except (OSError, ValueError) as e:
        raise checkpoint.CheckpointError(f"cannot read the checkpoint {path}: {e}") from e
    helpdesk = open_helpdesk(settings)
    try:
        report = checkpoint.verify(helpdesk.recorder, signed, key)
    finally:
        helpdesk.close()
    for problem in report.problems:
        print(f"TAMPERED {problem}")
    intact = "intact" if report.ok else "CHANGED"
    print(f"{report.streams} streams up to position {report.position}: {intact}")
    return 0 if report.ok else 1


def _write(taken: dict[str, object], out: TextIO) -> None:
    json.dump(taken, out, indent=1, sort_keys=True)
    out.write("\n")

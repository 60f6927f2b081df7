"""`ticketing audit verify [TICKET_ID]`: recompute hash chains, non-zero exit on tampering."""

from __future__ import annotations

import sys
from uuid import UUID

from domain.ticket import Ticket
from projections.audit.queries import digest_at
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

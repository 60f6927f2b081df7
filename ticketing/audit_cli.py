"""`ticketing audit verify [TICKET_ID]`: recompute hash chains, non-zero exit on tampering."""

from __future__ import annotations

import sys
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder
from eventsourcing.utils import get_topic

from domain.ticket import Ticket
from projections.audit.queries import digest_at

from .audit import verify_ticket
from .config import Settings
from .store import EventLog, open_helpdesk
from .views import open_views


def verify_command(settings: Settings, ticket_id: str | None) -> int:
    helpdesk = open_helpdesk(settings)
    views = open_views(settings)
    try:
        log = EventLog(helpdesk)
        if ticket_id is not None:
            try:
                ids = [UUID(ticket_id)]
            except ValueError:
                print(f"ticketing: {ticket_id!r} is not a ticket id", file=sys.stderr)
                return 2
        else:
            ids = _all_ticket_ids(helpdesk.recorder)
        failed = []
        for done, tid in enumerate(ids, 1):
            report = verify_ticket(log, tid, lambda position: digest_at(views, position))
            if not report.ok:
                failed.append(tid)
                print(f"TAMPERED {tid}: version {report.first_bad_version}: {report.detail}")
            if done % 100 == 0 or done == len(ids):
                print(f"\rverified {done}/{len(ids)}", end="", file=sys.stderr, flush=True)
        print(file=sys.stderr)
        print(f"{len(ids) - len(failed)} of {len(ids)} tickets intact")
        return 1 if failed else 0
    finally:
        views.close()
        helpdesk.close()


def _all_ticket_ids(recorder: ApplicationRecorder) -> list[UUID]:

    topic = get_topic(Ticket.Created)
    ids: list[UUID] = []
    after = 0
    while True:
        batch = recorder.select_notifications(after, 1000, topics=[topic], inclusive_of_start=False)
        for n in batch:
            ids.append(
                n.originator_id if isinstance(n.originator_id, UUID) else UUID(n.originator_id)
            )
            after = n.id
        if len(batch) < 1000:
            return ids

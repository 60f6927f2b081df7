"""`ticketing mail ingest [FILE]`: one message from a file or standard input, what an
MTA's pipe transport runs. Exit 0 once the message is committed to the store; 75
(EX_TEMPFAIL: the MTA keeps it and retries) while the store is unreachable; 65 (EX_DATAERR) above
`TICKETING_MAIL_MAX_BYTES` (read no further than the limit), which the MTA bounces."""

from __future__ import annotations

import sys
from typing import BinaryIO

from wiring.config import Settings
from wiring.services import utc_now
from wiring.views import open_views
from workers import mail_store
from workers.notifier import STORE_ERRORS

EX_TEMPFAIL = 75
EX_DATAERR = 65


def ingest(settings: Settings, source: BinaryIO) -> int:
    raw = source.read(settings.mail_max_bytes + 1)
    if len(raw) > settings.mail_max_bytes:
        print(f"552 message larger than {settings.mail_max_bytes} bytes", file=sys.stderr)
        return EX_DATAERR
    try:
        views = open_views(settings)
        try:
            sha = mail_store.store(views, raw, utc_now())
        finally:
            views.close()
    except STORE_ERRORS as e:
        print(f"451 the store is unreachable, try again later: {e}", file=sys.stderr)
        return EX_TEMPFAIL
    print(f"250 stored as {sha}")
    return 0

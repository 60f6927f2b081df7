"""Query parameters every list shares, spelled once: `limit`, `cursor`, `min_position`
(and `after`, the event feed's position cursor)."""

from __future__ import annotations

from typing import Annotated

from litestar.params import QueryParameter

LIMIT_DEFAULT = 50
LIMIT_MAX = 200
POSITION_MAX = 2**63 - 1

Limit = Annotated[int, QueryParameter(ge=1, le=LIMIT_MAX, description="items per page")]
Cursor = Annotated[
    str | None,
    QueryParameter(max_length=512, description="where the previous page ended (`next_cursor`)"),
]
MinPosition = Annotated[
    int | None,
    QueryParameter(
        ge=0,
        le=POSITION_MAX,
        description="Read your own write: a command's `X-Log-Position`. The read waits until "
        "the read model has processed it (up to 5 s, then 503); a position beyond the log's "
        "head is refused at once (400); a caller may have 8 reads waiting at once (429 beyond).",
    ),
]
After = Annotated[
    int,
    QueryParameter(
        ge=0, le=POSITION_MAX, description="the position the previous page ended at (`next_cursor`)"
    ),
]
AsOf = Annotated[
    str | None,
    QueryParameter(max_length=64, description="an RFC 3339 time: the answer as it was then"),
]

"""Query parameters every list shares, spelled once: `limit`, `cursor`, `min_position`."""

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
        ge=0, le=POSITION_MAX, description="wait until the read model has processed this position"
    ),
]

"""Attachments: uploading files to a ticket (multipart, streamed, refused by size as soon as
a file passes the limit), and downloading one, for exactly whoever may read its message."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import anyio.to_thread
from litestar import Controller, Response, get, post
from litestar.exceptions import HTTPException
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIMediaType, Operation, RequestBody, Schema
from litestar.openapi.spec.enums import OpenAPIFormat, OpenAPIType
from litestar.params import FromPath
from litestar.response import Stream

from domain.values import TICKET_READERS
from wiring.blobs import TooLarge
from wiring.services import Services
from wiring.uploads import Received, download, fingerprint, record

from .auth import allow
from .deps import ServicesDep
from .intent import answer_headers, intent_of, status_of
from .openapi import problems
from .ticket_commands import CUSTOMER_OR_WORKER, Caller
from .ticket_schemas import AttachmentList
from .ticket_views import attachment_view
from .uploads import receive

FILE = ResponseSpec(
    bytes,
    description="The file's bytes, as a download",
    media_type="application/octet-stream",
    generate_examples=False,
)


@dataclass
class UploadOperation(Operation):
    """The upload's body, which the handler reads as a stream (so Litestar cannot see it)."""

    def __post_init__(self) -> None:
        files = Schema(
            type=OpenAPIType.ARRAY,
            items=Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY),
        )
        self.request_body = RequestBody(
            required=True,
            description="One or more `file` parts, each with a filename",
            content={
                "multipart/form-data": OpenAPIMediaType(
                    schema=Schema(
                        type=OpenAPIType.OBJECT, properties={"file": files}, required=["file"]
                    )
                )
            },
        )


class AttachmentController(Controller):
    tags = ["attachments"]

    @post(
        "/v1/tickets/{ticket_id:uuid}/attachments",
        operation_id="uploadAttachments",
        guards=[allow(*CUSTOMER_OR_WORKER)],
        request_max_body_size=None,
        operation_class=UploadOperation,
        responses=problems(404, 409, 413, 422),
    )
    async def upload(
        self, request: Caller, services: ServicesDep, ticket_id: FromPath[UUID]
    ) -> Response[AttachmentList]:
        """Uploads one or more `file` parts (multipart/form-data) for the caller's next reply
        or note; each at most `TICKETING_ATTACHMENT_MAX_BYTES` (413, nothing recorded).
        The ticket is looked up first: nobody streams files to a ticket not theirs."""
        await anyio.to_thread.run_sync(services.helpdesk.ticket, ticket_id, request.user)
        try:
            received = await receive(request, services.blobs)
        except TooLarge as e:
            raise HTTPException(status_code=413, detail=str(e)) from None
        try:
            return await anyio.to_thread.run_sync(_record, request, services, ticket_id, received)
        finally:
            for item in received:
                item.spool.close()

    @get(
        "/v1/attachments/{attachment_id:uuid}",
        operation_id="downloadAttachment",
        guards=[allow(*TICKET_READERS)],
        responses={200: FILE, **problems(404)},
    )
    async def download(
        self, request: Caller, services: ServicesDep, attachment_id: FromPath[UUID]
    ) -> Stream:
        """The file's bytes, as a download (`Content-Disposition: attachment`, `nosniff`);
        404 for whoever may not read its message (a note's file for a customer)."""
        file = await anyio.to_thread.run_sync(download, services, attachment_id, request.user)
        return Stream(file.chunks, media_type=file.media_type, headers=file.headers)


def _record(
    request: Caller, services: Services, ticket_id: UUID, received: list[Received]
) -> Response[AttachmentList]:
    outcome, uploaded = record(
        services, ticket_id, received, intent_of(request, fingerprint(received)), request.user
    )
    return Response(
        AttachmentList(items=[attachment_view(a) for a in uploaded]),
        status_code=status_of(outcome),
        headers=answer_headers(services, outcome),
    )

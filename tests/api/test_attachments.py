"""Attachments over the API, on both stores: upload, send on a reply or note, download as
whoever may read the message, and refusals that record nothing."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any
from urllib.parse import unquote

import pytest
from litestar.testing import TestClient

from api.app import create_app
from wiring.config import Settings
from wiring.migrate import migrate
from wiring.services import build_services

from ..conftest import ADMIN_TOKEN, FakeClock
from .conftest import Caller, register

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40


def upload(caller: Caller, ticket_id: str, *files: tuple[str, bytes, str], **headers: str) -> Any:
    return caller.client.post(
        f"/v1/tickets/{ticket_id}/attachments",
        files=[("file", f) for f in files],
        headers=caller.headers(**headers),
    )


def uploaded(caller: Caller, ticket_id: str, name: str = "screen.png", data: bytes = PNG) -> str:
    answer = upload(caller, ticket_id, (name, data, "image/png"))
    assert answer.status_code == 201, answer.text
    attachment_id: str = answer.json()["items"][0]["id"]
    return attachment_id


def history_types(caller: Caller, ticket_id: str) -> list[str]:
    answer = caller.get(f"/v1/tickets/{ticket_id}/history")
    return [item["type"] for item in answer.json()["items"]]


def test_an_uploaded_file_sent_on_a_reply_downloads_as_it_was(
    customer: Caller, agent: Caller, ticket: dict[str, Any]
) -> None:
    # The customer uploads a screenshot: its digest, name, type and size come back.
    answer = upload(customer, ticket["id"], ("screen.png", PNG, "image/png"))
    assert answer.status_code == 201, answer.text
    (item,) = answer.json()["items"]
    assert item["filename"] == "screen.png"
    assert item["content_type"] == "image/png"
    assert item["size"] == len(PNG)
    assert item["sha256"] == hashlib.sha256(PNG).hexdigest()

    # It goes out on their reply, which lists it.
    reply = customer.post(
        f"/v1/tickets/{ticket['id']}/replies",
        {"body": "Here is the error.", "attachment_ids": [item["id"]]},
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["messages"][-1]["attachments"] == [item]
    assert "AttachmentUploaded" in history_types(customer, ticket["id"])

    # Both the customer and the agent download the same bytes, as a download.
    for caller in (customer, agent):
        download = caller.get(f"/v1/attachments/{item['id']}")
        assert download.status_code == 200
        assert download.content == PNG
        assert download.headers["content-type"].startswith("image/png")
        assert download.headers["x-content-type-options"] == "nosniff"
        assert download.headers["content-disposition"].startswith("attachment;")


def test_a_file_over_the_limit_is_413_and_records_nothing(
    settings: Settings, clock: FakeClock
) -> None:
    settings = replace(settings, embedded_workers=True, attachment_max_bytes=1000)
    migrate(settings)
    services = build_services(settings, clock=clock)
    with TestClient(create_app(services)) as client:
        admin = Caller(client, ADMIN_TOKEN)
        customer = register(admin, "/v1/customers", name="Jane Roe", email="jane@example.com")
        opened = customer.post("/v1/tickets", {"subject": "Outage", "body": "Down."}).json()
        before = customer.get(f"/v1/tickets/{opened['id']}").json()["version"]

        small = ("small.txt", b"x" * 10, "text/plain")
        answer = upload(customer, opened["id"], small, ("big.bin", b"x" * 1001, "text/plain"))

        assert answer.status_code == 413
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert customer.get(f"/v1/tickets/{opened['id']}").json()["version"] == before
        with pytest.raises(KeyError):  # not even the small file's bytes were kept
            services.blobs.chunks(hashlib.sha256(b"x" * 10).hexdigest())
        assert upload(customer, opened["id"], ("edge.bin", b"x" * 1000, "a/b")).status_code == 201


@pytest.mark.parametrize(
    ("hostile", "shown"),
    [
        ("../../etc/passwd", "passwd"),
        ('a"b\\c.txt', "c.txt"),
        ("evil\r\nSet-Cookie: x=1.txt", "evilSet-Cookie: x=1.txt"),
        ("r\u00e9sum\u00e9 \u65e5\u672c.pdf", "r\u00e9sum\u00e9 \u65e5\u672c.pdf"),
    ],
)
def test_a_hostile_filename_never_reaches_a_header_as_given(
    customer: Caller, ticket: dict[str, Any], hostile: str, shown: str
) -> None:
    answer = upload(customer, ticket["id"], (hostile, b"data", "text/plain"))
    assert answer.status_code == 201, answer.text
    item = answer.json()["items"][0]
    assert item["filename"] == shown

    header = customer.get(f"/v1/attachments/{item['id']}").headers["content-disposition"]
    assert "\r" not in header
    assert "\n" not in header
    assert header.isascii()
    extended = header.split("filename*=UTF-8''", 1)[1].split(";", 1)[0]
    assert unquote(extended) == shown
    assert "set-cookie" not in customer.get(f"/v1/attachments/{item['id']}").headers


def test_a_notes_attachment_is_404_for_the_customer_and_another_customers_too(
    customer: Caller, other_customer: Caller, agent: Caller, ticket: dict[str, Any]
) -> None:
    note_file = uploaded(agent, ticket["id"], "internal.png")
    note = agent.post(
        f"/v1/tickets/{ticket['id']}/notes", {"body": "Log.", "attachment_ids": [note_file]}
    )
    assert note.status_code == 200, note.text
    reply_file = uploaded(customer, ticket["id"])
    customer.post(
        f"/v1/tickets/{ticket['id']}/replies", {"body": "See.", "attachment_ids": [reply_file]}
    )

    assert customer.get(f"/v1/attachments/{note_file}").status_code == 404
    assert agent.get(f"/v1/attachments/{note_file}").status_code == 200
    assert other_customer.get(f"/v1/attachments/{reply_file}").status_code == 404
    seen = customer.get(f"/v1/tickets/{ticket['id']}").json()["messages"]
    assert all(m["kind"] == "reply" for m in seen)


def test_an_unsent_upload_is_its_uploaders_alone(
    customer: Caller, agent: Caller, ticket: dict[str, Any]
) -> None:
    pending = uploaded(customer, ticket["id"])
    assert customer.get(f"/v1/attachments/{pending}").status_code == 200
    assert agent.get(f"/v1/attachments/{pending}").status_code == 404


@pytest.mark.parametrize("case", ["unknown", "another's upload", "sent already", "twice"])
def test_a_message_naming_an_attachment_it_may_not_send_is_400_and_records_nothing(
    customer: Caller, agent: Caller, ticket: dict[str, Any], case: str
) -> None:
    mine = uploaded(agent, ticket["id"])
    theirs = uploaded(customer, ticket["id"])
    if case == "sent already":
        agent.post(f"/v1/tickets/{ticket['id']}/notes", {"body": "x", "attachment_ids": [mine]})
    ids = {
        "unknown": ["00000000-0000-4000-8000-000000000000"],
        "another's upload": [theirs],
        "sent already": [mine],
        "twice": [mine, mine],
    }[case]
    before = agent.get(f"/v1/tickets/{ticket['id']}").json()["version"]

    answer = agent.post(f"/v1/tickets/{ticket['id']}/replies", {"body": "y", "attachment_ids": ids})

    assert answer.status_code == 400, answer.text
    assert answer.json()["field"] == "attachment_ids"
    assert agent.get(f"/v1/tickets/{ticket['id']}").json()["version"] == before


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", b"{}"),
        ("multipart/form-data; boundary=xyz", b"--xyz\r\nContent-Disposition: form-data"),
        ("multipart/form-data; boundary=xyz", b"--xyz--\r\n"),
    ],
    ids=["not multipart", "malformed", "no files"],
)
def test_an_upload_that_is_not_files_is_400(
    customer: Caller, ticket: dict[str, Any], content_type: str, body: bytes
) -> None:
    answer = customer.client.post(
        f"/v1/tickets/{ticket['id']}/attachments",
        content=body,
        headers=customer.headers(**{"Content-Type": content_type}),
    )
    assert answer.status_code == 400, answer.text
    assert answer.json()["field"] == "file"


def test_another_customers_ticket_takes_no_upload(
    other_customer: Caller, ticket: dict[str, Any]
) -> None:
    answer = upload(other_customer, ticket["id"], ("a.txt", b"a", "text/plain"))
    assert answer.status_code == 404

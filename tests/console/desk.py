"""What the console tests share: an organisation built through the API (a 24x7 SLA plan,
the IT Support department and help topic, people of every role), and people who use the
console through its forms, each with their own cookies."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any

from litestar.testing import TestClient

from ..conftest import ADMIN_TOKEN
from .organisation import organisation

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_ONCE = re.compile(r'name="once" value="([^"]+)"')
HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    '<a href="javascript:alert(1)">click</a>',
    "invoice \u202egnp.exe",
]
"""Subjects and bodies that must be shown as text: script, attribute break-out, a
javascript: link, and a right-to-left override disguising a file name."""


@dataclass
class Person:
    """Someone at the console: their own cookies, sent with every request."""

    client: TestClient[Any]
    token: str
    id: str = ""
    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str = ""

    def request(self, method: str, path: str, **options: Any) -> Any:
        self.client.cookies.clear()
        for name, value in self.cookies.items():
            self.client.cookies.set(name, value, domain="testserver.local", path="/console")
        answer = self.client.request(method, path, follow_redirects=False, **options)
        for name, value in answer.cookies.items():
            self.cookies[name] = value
        for header in answer.headers.get_list("set-cookie"):
            if "Max-Age=0" in header or "expires=Thu, 01 Jan 1970" in header:
                self.cookies.pop(header.split("=", 1)[0], None)
        if found := _CSRF.search(answer.text):
            self.csrf = found.group(1)
        return answer

    def get(self, path: str) -> Any:
        return self.request("GET", path)

    def post(self, path: str, csrf: bool = True, **form: str) -> Any:
        data = {"csrf": self.csrf, **form} if csrf else form
        return self.request("POST", path, data=data)

    def attach(
        self, path: str, files: list[tuple[str, bytes, str]], csrf: bool = True, **form: str
    ) -> Any:
        """Sends a form as multipart/form-data, with `files` parts (name, bytes, type)."""
        data = {"csrf": self.csrf, **form} if csrf else form
        parts = [("files", file) for file in files]
        return self.request("POST", path, data=data, files=parts)

    def follow(self, answer: Any) -> Any:
        assert answer.status_code == 303, answer.text
        return self.get(answer.headers["location"])

    def sign_in(self) -> Any:
        self.get("/console/sign-in")
        return self.follow(self.post("/console/sign-in", token=self.token, next=""))


POLLS = 1000
"""Looks (10 ms apart) at a page the workers beside the app are changing."""


def eventually(person: Person, path: str, text: str) -> Any:
    """The page once it shows `text` (the assigner and the projections work beside the
    app, as in production)."""
    for _ in range(POLLS):
        page = person.get(path)
        if text in page.text:
            return page
        threading.Event().wait(0.01)
    raise AssertionError(f"{path} never showed {text!r}")


def once(page: Any) -> str:
    """A page's first one-time form key."""
    found = _ONCE.search(page.text)
    assert found, page.text
    return found.group(1)


def api(client: TestClient[Any], token: str, route: str, body: Any = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"}
    if body is None:
        answer = client.get(route, headers=headers)
    else:
        answer = client.post(route, json=body, headers=headers)
    assert answer.status_code in (200, 201), answer.text
    return answer.json()


@dataclass
class Organisation:
    department_id: str
    other_department_id: str
    topic_id: str
    people: dict[str, Person]


def organise(client: TestClient[Any]) -> Organisation:
    """The shared organisation, its people at the console through this client."""
    made = organisation(lambda route, body: api(client, ADMIN_TOKEN, route, body))
    people = {k: Person(client, token, person_id) for k, (person_id, token) in made.people.items()}
    return Organisation(made.department_id, made.other_department_id, made.topic_id, people)


def open_ticket(customer: Person, topic_id: str, subject: str, body: str) -> str:
    """Opens a ticket through the customer's form; its id."""
    form = customer.get("/console/tickets/new")
    answer = customer.post(
        "/console/tickets", subject=subject, body=body, help_topic_id=topic_id, once=once(form)
    )
    assert answer.status_code == 303, answer.text
    return str(answer.headers["location"]).split("/")[3].split("?")[0]

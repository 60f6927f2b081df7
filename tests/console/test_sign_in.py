"""Sign-in with a token, the session cookie, sign-out, expiry, CSRF and the headers."""

from __future__ import annotations

from typing import Any

from ..conftest import FakeClock
from .desk import Organisation, Person, open_ticket


def test_every_page_comes_with_a_strict_policy_and_no_framing(people: dict[str, Person]) -> None:
    page = people["customer"].get("/console/sign-in")
    assert page.status_code == 200
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert 'name="token"' in page.text


def test_the_root_leads_to_the_console_and_the_console_to_sign_in(
    people: dict[str, Person],
) -> None:
    visitor = people["customer"]
    assert visitor.get("/").headers["location"] == "/console/"
    assert visitor.get("/console/").headers["location"] == "/console/sign-in"


def test_a_known_token_starts_an_http_only_strict_session(people: dict[str, Person]) -> None:
    agent = people["agent"]
    agent.get("/console/sign-in")
    answer = agent.post("/console/sign-in", token=agent.token, next="")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/queue"
    cookie = next(
        h for h in answer.headers.get_list("set-cookie") if h.startswith("ticketing_session=")
    )
    assert "HttpOnly" in cookie
    assert "samesite=strict" in cookie.lower()
    assert "Path=/console" in cookie
    assert "Secure" not in cookie, "plain HTTP here; Secure only behind HTTPS"
    assert agent.token not in cookie
    assert agent.follow(answer).status_code == 200


def test_behind_https_the_cookie_is_secure(people: dict[str, Person]) -> None:
    agent = people["agent"]
    agent.get("/console/sign-in")
    answer = agent.request(
        "POST",
        "/console/sign-in",
        data={"csrf": agent.csrf, "token": agent.token},
        headers={"X-Forwarded-Proto": "https"},
    )
    assert "Secure" in answer.headers["set-cookie"]


def test_an_unknown_token_or_a_forged_form_starts_no_session(people: dict[str, Person]) -> None:
    visitor = people["customer"]
    visitor.get("/console/sign-in")
    refused = visitor.post("/console/sign-in", token="not-a-token")
    assert refused.status_code == 401
    assert "ticketing_session" not in visitor.cookies
    forged = visitor.post("/console/sign-in", csrf=False, token=visitor.token)
    assert forged.status_code == 403
    assert "ticketing_session" not in visitor.cookies


def test_a_page_asked_for_without_a_session_comes_back_after_sign_in(
    people: dict[str, Person],
) -> None:
    agent = people["agent"]
    detour = agent.get("/console/search?q=outage")
    assert detour.status_code == 303
    assert detour.headers["location"] == "/console/sign-in?next=%2Fconsole%2Fsearch%3Fq%3Doutage"
    agent.get(detour.headers["location"])
    back = agent.post("/console/sign-in", token=agent.token, next="/console/search?q=outage")
    assert back.headers["location"] == "/console/search?q=outage"
    agent.get("/console/sign-in")
    elsewhere = agent.post("/console/sign-in", token=agent.token, next="//evil.example/")
    assert elsewhere.headers["location"] == "/console/queue"


def test_signing_out_ends_the_session_even_for_a_kept_cookie(people: dict[str, Person]) -> None:
    customer = people["customer"]
    customer.sign_in()
    kept = dict(customer.cookies)
    answer = customer.post("/console/sign-out")
    assert answer.status_code == 303
    assert "ticketing_session" not in customer.cookies
    customer.cookies = kept
    assert customer.get("/console/tickets").status_code == 303


def test_an_ended_session_leads_to_sign_in_keeping_what_was_typed(
    org: Organisation, clock: FakeClock
) -> None:
    customer = org.people["customer"]
    customer.sign_in()
    ticket_id = open_ticket(customer, org.topic_id, "Printer", "It is on fire.")
    customer.get(f"/console/tickets/{ticket_id}")
    clock.advance(hours=9)
    assert customer.get("/console/tickets").status_code == 303
    answer = customer.post(f"/console/tickets/{ticket_id}/reply", body="Still burning <b>now</b>")
    assert answer.status_code == 401
    assert "Still burning &lt;b&gt;now&lt;/b&gt;" in answer.text
    assert 'name="token"' in answer.text


def _replies(person: Person, ticket_id: str) -> Any:
    return person.get(f"/console/tickets/{ticket_id}").text.count('class="message reply')


def test_a_form_without_or_with_a_wrong_csrf_token_is_403_and_records_nothing(
    org: Organisation,
) -> None:
    customer = org.people["customer"]
    customer.sign_in()
    ticket_id = open_ticket(customer, org.topic_id, "Printer", "It jams.")
    before = _replies(customer, ticket_id)
    missing = customer.post(f"/console/tickets/{ticket_id}/reply", csrf=False, body="one")
    wrong = customer.request(
        "POST", f"/console/tickets/{ticket_id}/reply", data={"csrf": "x" * 43, "body": "two"}
    )
    assert (missing.status_code, wrong.status_code) == (403, 403)
    other = org.people["other"]
    other.sign_in()
    borrowed = customer.request(
        "POST", f"/console/tickets/{ticket_id}/reply", data={"csrf": other.csrf, "body": "3"}
    )
    assert borrowed.status_code == 403
    assert _replies(customer, ticket_id) == before


def test_guessing_tokens_is_stopped_for_a_minute(
    people: dict[str, Person], clock: FakeClock
) -> None:
    guesser = people["customer"]
    guesser.get("/console/sign-in")
    codes = [guesser.post("/console/sign-in", token=f"guess-{n}").status_code for n in range(11)]
    assert codes == [401] * 10 + [429]
    assert guesser.post("/console/sign-in", token=guesser.token).status_code == 429
    clock.advance(seconds=61)
    assert guesser.post("/console/sign-in", token=guesser.token).status_code == 303

"""The console in a real browser: the walkthrough by a customer and an agent in two
browser contexts, worked with the keyboard; hostile text inert; CSRF refused; labels in
the accessibility tree; a phone's width."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..api.live_server import Live
from ..conftest import ADMIN_TOKEN
from ..console.organisation import organisation
from .conftest import SMALL_FILE, api

PHONE = {"width": 390, "height": 844}
XSS = '<script>alert(1)</script>"><img src=x onerror=alert(2)> <a href="javascript:alert(3)">x</a>'
UNNAMED = re.compile(r"^\s*- (textbox|combobox|button|radio|checkbox|link)\s*(\[.*\])?:?\s*$")


def organise(live: Live) -> dict[str, str]:
    """The console tests' organisation; each person's token."""
    made = organisation(lambda route, body: api(live, ADMIN_TOKEN, route, body))
    return {key: token for key, (_, token) in made.people.items()}


VIOLATIONS: list[str] = []
"""What the pages logged about the content security policy (nothing, checked after each
test: an assertion in an event handler would not fail the test)."""


@pytest.fixture(autouse=True)
def no_policy_violations() -> Iterator[None]:
    VIOLATIONS.clear()
    yield
    assert VIOLATIONS == []


def refuse_policy_violations(message: Any) -> None:
    if "Content Security Policy" in message.text:
        VIOLATIONS.append(message.text)


def dismissed(dialog: Any, seen: list[str]) -> None:
    """Notes a dialog a script opened (none may) and closes it."""
    seen.append(dialog.message)
    dialog.dismiss()


def signed_in(browser: Any, live: Live, token: str, **options: Any) -> Any:
    """A new browser context signed in; any message the page logs about the content
    security policy fails the test (the console has no inline script or style)."""
    page = browser.new_context(base_url=live.base_url, **options).new_page()
    page.on("console", refuse_policy_violations)
    page.goto("/console/")
    page.get_by_label("Your access token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    return page


def open_ticket(page: Any, subject: str, body: str, files: list[Any] | None = None) -> str:
    page.get_by_role("link", name="New ticket").first.click()
    page.get_by_label("Help topic").select_option(label="IT Support")
    page.get_by_label("Subject").fill(subject)
    page.get_by_label("What happened?").fill(body)
    if files:
        page.get_by_label("Attach files").set_input_files(files)
    page.get_by_role("button", name="Open ticket").click()
    page.wait_for_url(re.compile(r"/console/tickets/[0-9a-f-]{36}"))
    return str(page.url.split("?")[0])


def queue_row(page: Any, subject: str) -> Any:
    """The agent's queue, reloaded until the assigner has given them the ticket."""
    for _ in range(100):
        page.goto("/console/queue")
        row = page.locator("tr", has_text=subject)
        if row.count():
            return row
        page.wait_for_timeout(100)
    raise AssertionError(f"{subject!r} never reached the agent's queue")


def test_the_walkthrough_in_two_browsers_by_keyboard(browser: Any, live: Live, shots: Path) -> None:
    tokens = organise(live)
    customer = signed_in(browser, live, tokens["customer"])
    error = {"name": "error.txt", "mimeType": "text/plain", "buffer": b"HTTP 503 at login"}
    ticket_url = open_ticket(
        customer, "Online Banking Outage", "I cannot log in since 9:00.", [error]
    )
    with customer.expect_download() as download:
        customer.get_by_role("link", name="error.txt").click()
    assert download.value.path().read_bytes() == b"HTTP 503 at login"
    customer.screenshot(path=shots / "customer-ticket.png", full_page=True)

    agent = signed_in(browser, live, tokens["agent"])
    row = queue_row(agent, "Online Banking Outage")
    countdown = row.locator("time.countdown")
    countdown.wait_for()
    assert re.match(r"due in (\d+h \d\dm|\d+m)", countdown.inner_text()), countdown.inner_text()
    agent.screenshot(path=shots / "agent-queue.png", full_page=True)

    row.get_by_role("link", name="Online Banking Outage").click()
    reply = agent.get_by_label("Reply to the customer")
    reply.focus()
    agent.keyboard.type("Which browser do you use?")
    agent.keyboard.press("Tab")
    assert agent.evaluate("document.activeElement.textContent") == "Send reply"
    agent.keyboard.press("Enter")
    agent.wait_for_url(re.compile(r"min_position=\d+"))
    agent.get_by_label("Internal note (the customer never sees it)").fill("Reset the password.")
    agent.get_by_role("button", name="Add note").click()
    agent.get_by_label("Status").select_option("in_progress")
    agent.get_by_role("button", name="Change status").click()
    assert agent.locator(".message.note .badge", has_text="Internal note").count() == 1
    agent.screenshot(path=shots / "agent-ticket.png", full_page=True)
    agent.get_by_label("Resolution").fill("Password reset.")
    agent.get_by_role("button", name="Resolve").click()

    customer.goto(ticket_url)
    assert "Which browser do you use?" in customer.inner_text("main")
    assert "Reset the password" not in customer.content()
    customer.get_by_label("Why reopen it?").fill("Still broken")
    customer.get_by_role("button", name="Reopen").click()
    agent.goto(ticket_url)
    agent.get_by_label("Resolution").fill("Cleared the session cache.")
    agent.get_by_role("button", name="Resolve").click()
    customer.goto(ticket_url)
    customer.get_by_role("button", name="Confirm it is solved (close)").click()
    customer.get_by_label("5").check()
    customer.get_by_label("Comment").fill("Quick and kind.")
    customer.get_by_role("button", name="Send review").click()
    assert "5 of 5" in customer.inner_text("main")

    auditor = signed_in(browser, live, tokens["auditor"])
    auditor.goto(ticket_url + "/history")
    assert "Verified:" in auditor.inner_text(".verdict")
    assert auditor.locator(".timeline > li").count() >= 10
    auditor.screenshot(path=shots / "auditor-timeline.png", full_page=True)

    supervisor = signed_in(browser, live, tokens["supervisor"])
    plot = report_plot(supervisor)
    assert plot.get_attribute("role") == "img"
    assert "Tickets per day" in (supervisor.locator("svg.plot title").first.text_content() or "")
    assert supervisor.locator("svg.plot polyline").count() == 2
    assert supervisor.locator("svg.plot rect.bar").count() >= 1
    supervisor.screenshot(path=shots / "supervisor-report.png", full_page=True)


def report_plot(page: Any) -> Any:
    """The report page's plot, reloaded until the reports projection has the day."""
    for _ in range(100):
        page.goto("/console/reports")
        plot = page.locator("svg.plot")
        if plot.count():
            return plot
        page.wait_for_timeout(100)
    raise AssertionError("the report never showed its plot")


def test_hostile_text_is_inert_and_forms_without_csrf_are_refused(
    browser: Any, live: Live, shots: Path
) -> None:
    tokens = organise(live)
    dialogs: list[str] = []
    customer = signed_in(browser, live, tokens["customer"])
    customer.on("dialog", lambda d: dismissed(d, dialogs))
    ticket_url = open_ticket(customer, XSS[:200], XSS + " \u202egnp.exe")
    agent = signed_in(browser, live, tokens["agent"])
    agent.on("dialog", lambda d: dismissed(d, dialogs))
    queue_row(agent, "<script>alert(1)</script>")
    agent.goto(ticket_url)
    for page in (customer, agent):
        assert page.locator("img[src=x]").count() == 0
        assert page.locator("main script").count() == 0
        assert page.locator('a[href^="javascript"]').count() == 0
    assert "<script>alert(1)</script>" in agent.inner_text("h1")
    assert "[RLO]gnp.exe" in agent.inner_text(".message .body")
    agent.screenshot(path=shots / "hostile-ticket.png", full_page=True)
    assert dialogs == []

    refused = agent.request.post(ticket_url + "/reply", form={"body": "forged"})
    assert refused.status == 403
    agent.reload()
    assert "forged" not in agent.inner_text("main")


def test_a_file_past_the_old_body_limit_goes_with_a_reply(
    browser: Any, live: Live, shots: Path
) -> None:
    tokens = organise(live)
    customer = signed_in(browser, live, tokens["customer"])
    open_ticket(customer, "Scan", "A big scan follows.")
    scan = {"name": "scan.pdf", "mimeType": "application/pdf", "buffer": b"%" * (3 << 20)}
    customer.get_by_label("Attach files").set_input_files([scan])
    customer.get_by_role("textbox", name="Reply").fill("The scan")
    customer.get_by_role("button", name="Send reply").click()
    customer.wait_for_load_state()
    assert f"{3 << 20} bytes" in customer.inner_text("main")
    link = customer.get_by_role("link", name="scan.pdf").get_attribute("href")
    assert customer.request.get(link).body() == scan["buffer"]


def test_a_file_over_the_limit_gets_the_consoles_page(
    browser: Any, small_live: Live, shots: Path
) -> None:
    tokens = organise(small_live)
    customer = signed_in(browser, small_live, tokens["customer"])
    ticket_url = open_ticket(customer, "Scans", "A big scan follows.")
    assert "Up to 20 files of 97.7 KB each." in customer.inner_text("main")
    big = {"name": "scan.pdf", "mimeType": "application/pdf", "buffer": b"%" * (SMALL_FILE + 1)}
    customer.get_by_label("Attach files").set_input_files([big])
    customer.get_by_role("textbox", name="Reply").fill("The big scan")
    customer.get_by_role("button", name="Send reply").click()
    customer.wait_for_load_state()
    shown = customer.inner_text("main")
    assert f"an attachment may have at most {SMALL_FILE} bytes; nothing was recorded" in shown
    assert customer.get_by_role("button", name="Sign out").count() == 1
    customer.screenshot(path=shots / "too-large.png", full_page=True)
    customer.get_by_role("link", name="Back").click()
    assert customer.url == ticket_url
    assert "The big scan" not in customer.inner_text("main")


def test_every_control_is_labelled_and_fits_a_phone(browser: Any, live: Live, shots: Path) -> None:
    tokens = organise(live)
    customer = signed_in(browser, live, tokens["customer"], viewport=PHONE)
    open_ticket(customer, "Online Banking Outage", "I cannot log in.")
    agent = signed_in(browser, live, tokens["agent"], viewport=PHONE)
    queue_row(agent, "Online Banking Outage")
    agent.screenshot(path=shots / "phone-queue.png", full_page=True)
    agent.locator("td.subject a").first.click()
    agent.screenshot(path=shots / "phone-ticket.png", full_page=True)
    for page in (customer, agent):
        tree = page.locator("body").aria_snapshot()
        unnamed = [line for line in tree.splitlines() if UNNAMED.match(line)]
        assert unnamed == [], tree
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert 'textbox "Reply to the customer"' in agent.locator("body").aria_snapshot()
    supervisor = signed_in(browser, live, tokens["supervisor"], viewport=PHONE)
    report_plot(supervisor)
    assert supervisor.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    supervisor.screenshot(path=shots / "phone-report.png", full_page=True)

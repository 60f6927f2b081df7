"""The typed answers of the projection reads name exactly what the read models give, so a
column added to a read model cannot go missing from the API and its OpenAPI document."""

from __future__ import annotations

from api.read_schemas import AuditEvent, OutboxMail, QueueItem, ReportRow, TimerItem
from projections.audit.queries import COLUMNS as AUDIT_COLUMNS
from projections.queue.queries import ITEM_COLUMNS
from projections.reports.queries import FIELDS
from projections.timers.queries import COLUMNS as TIMER_COLUMNS
from workers.outbox import LISTED

COMPUTED = "business_minutes_left"


def test_a_queue_item_is_the_queue_row_with_its_countdown() -> None:
    row = [c for c in ITEM_COLUMNS if c != "sla_clock"]
    assert list(QueueItem.__struct_fields__) == [*row, COMPUTED]


def test_a_timer_item_is_the_timer_row_with_its_countdown() -> None:
    row = [c for c in TIMER_COLUMNS if c not in ("sla_clock", "due_sort")]
    assert list(TimerItem.__struct_fields__) == [*row, COMPUTED]


def test_an_audit_event_is_the_audit_row() -> None:
    assert set(AuditEvent.__struct_fields__) == set(AUDIT_COLUMNS)


def test_an_outbox_mail_is_the_listed_row_without_its_position() -> None:
    assert list(OutboxMail.__struct_fields__) == [c for c in LISTED if c != "position"]


def test_a_report_row_has_the_report_fields_in_order() -> None:
    assert ReportRow.__struct_fields__ == FIELDS

"""`/v1/help-topics`: what customers pick when opening a ticket (admins define, all read)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, JSONBody

from domain.organisation import HelpTopic
from domain.pipeline import Outcome
from domain.values import PEOPLE, Actor, Role
from projections.directory import documents
from projections.directory.handlers import Kind
from wiring.services import Services

from .auth import allow
from .deps import IntentDep, ServicesDep
from .directory_reads import answer, page, view
from .openapi import CREATE, WAITS, problems
from .org_schemas import DefineHelpTopic, HelpTopicList, HelpTopicView
from .params import Cursor, Limit, MinPosition


def shown(services: Services, topic_id: UUID) -> dict[str, Any]:
    topic = services.helpdesk.one(HelpTopic, topic_id)
    return documents.help_topic(topic.id, topic.created_on, topic)


def answered(services: Services, outcome: Outcome) -> Response[HelpTopicView]:
    return answer(services, outcome, shown(services, outcome.aggregate_id), HelpTopicView)


class HelpTopicController(Controller):
    path = "/v1/help-topics"
    tags = ["organisation"]

    @post(
        "/",
        operation_id="defineHelpTopic",
        responses=problems(*CREATE),
        guards=[allow(Role.ADMIN)],
        sync_to_thread=True,
    )
    def define(
        self, services: ServicesDep, intent: IntentDep, data: JSONBody[DefineHelpTopic]
    ) -> Response[HelpTopicView]:
        """A help topic: it routes new tickets to its department, priority and plan."""
        outcome = services.helpdesk.define_help_topic(
            data.name, data.department_id, data.priority, data.sla_plan_id, intent
        )
        return answered(services, outcome)

    @get("/", operation_id="listHelpTopics", responses=problems(*WAITS), guards=[allow(*PEOPLE)])
    async def list_all(
        self,
        request: Request[Actor, Any, Any],
        services: ServicesDep,
        limit: Limit = 50,
        cursor: Cursor = None,
        min_position: MinPosition = None,
    ) -> HelpTopicList:
        """Help topics in the order they were defined (customers pick one)."""
        items, next_cursor = await page(
            request, services, Kind.HELP_TOPIC, HelpTopicView, limit, cursor, min_position
        )
        return HelpTopicList(items=items, next_cursor=next_cursor)

    @get(
        "/{topic_id:uuid}",
        operation_id="getHelpTopic",
        responses=problems(404),
        guards=[allow(*PEOPLE)],
        sync_to_thread=True,
    )
    def one(self, services: ServicesDep, topic_id: FromPath[UUID]) -> HelpTopicView:
        """One help topic."""
        return view(shown(services, topic_id), HelpTopicView)

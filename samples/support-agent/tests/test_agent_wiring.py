"""agent.py's wiring, with small stand-ins for Vision Agents (not installed here): the tools it registers and what
they call, how it reads the phone participant, and a call from greeting to key press and answering machine.

The stand-ins have only the members agent.py uses; that Vision Agents has them is checked by running the sample
(README), not here.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import sys
import types
import unittest
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone
from unittest import mock

import paths
import support_desk as desk
from phonebridge_tools import PhoneCall

HUMAN = "+15550000000"
EASTERN = timezone(timedelta(hours=-5), "EST")
WEDNESDAY_MORNING = datetime(2026, 12, 2, 9, 30, tzinfo=EASTERN)
WEDNESDAY_NIGHT = datetime(2026, 12, 2, 22, 0, tzinfo=EASTERN)


def _stub_vision_agents() -> dict[str, types.ModuleType]:
    def module(name: str, **members: object) -> types.ModuleType:
        m = types.ModuleType(name)
        m.__dict__.update(members)
        return m

    class Edge:
        def __init__(self, **kwargs: object) -> None:
            pass

    class ParticipantJoinedEvent:
        pass

    getstream = module("vision_agents.plugins.getstream", Edge=Edge)
    gemini = module("vision_agents.plugins.gemini", Realtime=object, create_file_search_store=None)
    return {
        "vision_agents": module("vision_agents"),
        "vision_agents.core": module("vision_agents.core", Agent=object, AgentLauncher=object, Runner=object, User=object),
        "vision_agents.core.edge": module("vision_agents.core.edge"),
        "vision_agents.core.edge.events": module("vision_agents.core.edge.events", ParticipantJoinedEvent=ParticipantJoinedEvent),
        "vision_agents.plugins": module("vision_agents.plugins", gemini=gemini, getstream=getstream),
        "vision_agents.plugins.gemini": gemini,
        "vision_agents.plugins.getstream": getstream,
    }


def load_agent_module() -> types.ModuleType:
    settings = {"SUPPORT_HUMAN_NUMBER": HUMAN, "SUPPORT_TIMEZONE": "UTC", "RAG_BACKEND": "bm25", "SUPPORT_COMPANY": "Lumo"}
    spec = importlib.util.spec_from_file_location("support_agent_app", paths.SAMPLE / "agent.py")
    module = importlib.util.module_from_spec(spec)
    with mock.patch.dict(sys.modules, _stub_vision_agents()), mock.patch.dict(os.environ, settings):
        spec.loader.exec_module(module)
    # Eastern time makes the test's clock readable; the zone is the team's, as SUPPORT_TIMEZONE would set it.
    module.CONFIG = desk.SupportConfig(human_number=HUMAN, timezone=EASTERN)
    return module


class FakeBridge:
    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def transfer(self, call_id, to, mode="cold", from_=None):
        self.calls.append(("transfer", call_id, to, mode))
        return {"mode": mode, "state": "started"}

    def hang_up(self, call_id):
        self.calls.append(("hang_up", call_id))


class FakeLLM:
    def __init__(self) -> None:
        self.functions: dict[str, object] = {}

    def register_function(self, description: str):
        def register(function):
            self.functions[function.__name__] = function
            return function

        return register


class QueryUsersPayload:
    def __init__(self, filter_conditions: dict) -> None:
        self.filter_conditions = filter_conditions


class FakeUsers:
    """Stream's users API (`edge.client.query_users`), holding the users' custom data by id."""

    def __init__(self, custom_by_id: dict[str, object]) -> None:
        self.custom_by_id = custom_by_id
        self.queries: list[dict] = []

    async def query_users(self, payload: QueryUsersPayload):
        self.queries.append(payload.filter_conditions)
        user_id = payload.filter_conditions["id"]["$eq"]
        users = [types.SimpleNamespace(custom=self.custom_by_id[user_id])] if user_id in self.custom_by_id else []
        return types.SimpleNamespace(data=types.SimpleNamespace(users=users))


class FakeAgent:
    """Joins, lets `participant` join, then plays `events` from the line, recording what the model is asked."""

    def __init__(self, participant: object, events: list[dict], users: FakeUsers | None = None) -> None:
        self.llm = FakeLLM()
        self.edge = types.SimpleNamespace(on_custom_event=None, client=users or FakeUsers({}))
        self.said: list[str] = []
        self._handlers: list = []
        self._participant = participant
        self._events = events

    def subscribe(self, function):
        self._handlers.append(function)
        return function

    async def create_call(self, call_type: str, call_id: str) -> str:
        return f"{call_type}:{call_id}"

    @asynccontextmanager
    async def join(self, call: str):
        for handler in self._handlers:
            await handler(types.SimpleNamespace(participant=self._participant))
        yield

    async def simple_response(self, text: str) -> None:
        self.said.append(text)

    async def finish(self) -> None:
        for event in self._events:
            await self.edge.on_custom_event(event)


def participant(user_id: str, custom: object) -> object:
    return types.SimpleNamespace(user_id=user_id, original=types.SimpleNamespace(custom=custom))


class AgentWiringTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.app = load_agent_module()
        asyncio.run(cls.app.open_knowledge())

    def setUp(self) -> None:
        self.bridge = FakeBridge()
        self.patches = [
            mock.patch.object(self.app, "find_phone_call", lambda call_type, call_id: PhoneCall(self.bridge, "c1")),
            mock.patch.object(self.app, "now", lambda: WEDNESDAY_MORNING),
            # The line's pauses (letting a sentence be heard before a transfer or hang-up) are not what is tested.
            mock.patch.object(desk, "speaking_seconds", lambda text: 0.0),
            mock.patch.dict(sys.modules, {
                "getstream": types.ModuleType("getstream"),
                "getstream.models": types.SimpleNamespace(QueryUsersPayload=QueryUsersPayload),
            }),
        ]
        for patch in self.patches:
            patch.start()
        self.addCleanup(lambda: [patch.stop() for patch in self.patches])

    def run_call(self, who: object, events: list[dict], users: FakeUsers | None = None) -> FakeAgent:
        agent = FakeAgent(who, events, users)
        asyncio.run(self.app.join_call(agent, "default", "c1"))
        return agent

    def test_the_model_gets_the_three_tools_and_they_reach_the_line(self) -> None:
        agent = self.run_call(participant("phone-c1", None), [])
        tools = agent.llm.functions
        self.assertEqual(["hang_up", "search_knowledge", "transfer_to_human"], sorted(tools))
        self.assertIn("billing.md", asyncio.run(tools["search_knowledge"]("I was charged twice")))
        self.assertEqual(desk.NOTHING_FOUND, asyncio.run(tools["search_knowledge"]("tell me a joke")))
        asyncio.run(tools["transfer_to_human"]("double charge"))
        asyncio.run(tools["hang_up"]())
        self.assertEqual([("transfer", "c1", HUMAN, "cold"), ("hang_up", "c1")], self.bridge.calls)

    def test_a_remote_backend_answers_through_the_same_tool(self) -> None:
        asked: list[str] = []

        async def remote(query: str) -> str:
            asked.append(query)
            if query == "outage":
                raise ConnectionError("backend down")
            return "No relevant information found in the knowledge base." if query == "joke" else "Refunds take five days."

        with mock.patch.object(self.app, "_knowledge", remote):
            search = self.run_call(participant("phone-c1", None), []).llm.functions["search_knowledge"]
            self.assertIn("Refunds take five days.", asyncio.run(search("refund")))
            self.assertEqual(desk.NOTHING_FOUND, asyncio.run(search("joke")))
            with self.assertLogs(self.app.logger, "WARNING") as logged:
                self.assertIn("not available", asyncio.run(search("outage")))
            self.assertIn("ConnectionError", logged.output[0])
        self.assertEqual(["refund", "joke", "outage"], asked)

    def test_the_greeting_uses_the_participants_metadata_and_the_time(self) -> None:
        who = participant("phone-c1", {"phone": {"callId": "c1", "direction": "inbound", "customParameters": {"customerName": "Ada"}}})
        agent = self.run_call(who, [])
        self.assertEqual(1, len(agent.said))
        self.assertIn("Good morning, Ada, thank you for calling Lumo support", agent.said[0])

    def test_a_participant_without_metadata_is_greeted_plainly(self) -> None:
        users = FakeUsers({"phone-c1": {"other": 1}})
        agent = self.run_call(participant("phone-c1", {"other": 1}), [], users)
        self.assertIn("Good morning, thank you for calling Lumo support", agent.said[0])
        self.assertEqual([{"id": {"$eq": "phone-c1"}}], users.queries)

    def test_metadata_missing_from_the_participant_is_read_from_the_user(self) -> None:
        users = FakeUsers({"phone-c1": {"phone": {"callId": "c1", "direction": "outbound", "customParameters": {"reason": "your return"}}}})
        agent = self.run_call(participant("phone-c1", {}), [], users)
        self.assertIn("calling about your return", agent.said[0])

    def test_other_participants_are_not_taken_for_the_caller(self) -> None:
        users = FakeUsers({})
        with mock.patch.object(self.app, "CALLER_WAIT_SECONDS", 0.05):
            agent = self.run_call(participant("supervisor", {"name": "Sam"}), [], users)
        self.assertEqual([], users.queries)
        self.assertIn("thank you for calling", agent.said[0])

    def test_zero_transfers_to_the_human_line(self) -> None:
        agent = self.run_call(participant("phone-c1", None), [{"type": "phone.dtmf", "digit": "0"}])
        self.assertEqual([("transfer", "c1", HUMAN, "cold")], self.bridge.calls)
        self.assertIn(self.app.TRANSFER_NOTICE, agent.said[-1])

    def test_zero_at_night_explains_instead(self) -> None:
        with mock.patch.object(self.app, "now", lambda: WEDNESDAY_NIGHT):
            agent = self.run_call(participant("phone-c1", None), [{"type": "phone.dtmf", "digit": "0"}])
        self.assertEqual([], self.bridge.calls)
        self.assertIn("Good evening", agent.said[0])
        self.assertIn("closed", agent.said[-1])

    def test_an_answering_machine_gets_the_message_then_the_line_is_hung_up(self) -> None:
        agent = self.run_call(participant("phone-c1", None), [{"type": "phone.amd", "callId": "c1", "result": "machine"}])
        self.assertIn(self.app.CONFIG.voicemail_message, agent.said[-1])
        self.assertEqual([("hang_up", "c1")], self.bridge.calls)

    def test_an_outbound_greeting_waits_for_the_machine_and_is_not_said(self) -> None:
        self.app.CONFIG = desk.SupportConfig(human_number=HUMAN, timezone=EASTERN, amd_wait_seconds=5)
        self.addCleanup(setattr, self.app, "CONFIG", desk.SupportConfig(human_number=HUMAN, timezone=EASTERN))
        who = participant("phone-c1", {"phone": {"callId": "c1", "direction": "outbound"}})

        class MachineFirst(FakeAgent):
            @asynccontextmanager
            async def join(self, call):
                async with super().join(call):
                    # The result arrives while the greeting waits for it, as the connection's handler would run it.
                    self.amd = asyncio.ensure_future(self._amd_later())
                    yield

            async def _amd_later(self) -> None:
                await asyncio.sleep(0.05)
                await self.edge.on_custom_event({"type": "phone.amd", "callId": "c1", "result": "machine"})

            async def finish(self) -> None:
                # The real agent's finish lasts as long as the call: the handler completes meanwhile.
                await self.amd

        agent = MachineFirst(who, [])
        asyncio.run(self.app.join_call(agent, "default", "c1"))
        self.assertEqual(1, len(agent.said), agent.said)
        self.assertIn("answering machine", agent.said[0])
        self.assertEqual([("hang_up", "c1")], self.bridge.calls)

    def test_protobuf_free_custom_data_is_read_as_is(self) -> None:
        self.assertEqual({"phone": {}}, self.app.participant_custom(participant("phone-c1", {"phone": {}})))
        self.assertIsNone(self.app.participant_custom(participant("phone-c1", None)))
        self.assertIsNone(self.app.participant_custom(object()))


if __name__ == "__main__":
    unittest.main()

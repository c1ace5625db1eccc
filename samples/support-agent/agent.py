"""A phone support agent for the PhoneBridge samples: Vision Agents, answering from a Markdown knowledge base.

PhoneBridge asks this agent server for an agent per phone call, as it does the agent-server sample (`samples/agent`).
The agent greets the caller by the time of day (and by name, when the call carries one), answers questions from
`knowledge/` through its `search_knowledge` tool, and transfers the caller to a person (`SUPPORT_HUMAN_NUMBER`)
when the knowledge base has no answer, the caller asks for one or presses 0. On an outbound call answered by a
machine (the bridge's `phone.amd` event) it leaves a short voicemail message and hangs up.

The decisions live in `support_desk.py` and the retrieval in `knowledge_base.py` (standard library only, tested with
a bare python3); this file wires them to Vision Agents. Settings: see README.md.
"""

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timezone
from typing import Any

from vision_agents.core import Agent, AgentLauncher, Runner, User
from vision_agents.core.edge.events import ParticipantJoinedEvent
from vision_agents.plugins import gemini, getstream

import support_desk as desk  # first: it finds phonebridge_tools in samples/agent
from knowledge_base import KnowledgeBase
from phonebridge_tools import PhoneBridgeClient, PhoneBridgeError, PhoneCall, bridge_call_id, describe_phone_event

logger = logging.getLogger(__name__)

CONFIG = desk.SupportConfig.from_env()

INSTRUCTIONS = f"""You are the phone support assistant of {CONFIG.company}.
The caller hears you through a phone line: keep answers short and plain, no lists, no markdown, no web addresses.
For every question about the product, orders, delivery, returns, billing, accounts or opening hours, call
search_knowledge with the question in a few words, and answer only from what it returns. Never guess.
If it finds nothing, if the caller asks for a person, or if they need something done that you cannot do (a refund,
an account unlock, an identity check), say so and call transfer_to_human with one line on what they need.
Never ask for card numbers or passwords. Callers can press 0 at any time to reach a person.
Notes about the phone line (keys the caller pressed, transfers) reach you as messages; act on them.
When the caller says goodbye, say goodbye too and call hang_up."""

# How long the greeting waits for the phone participant's metadata: it is usually there when the agent has joined
# (the join waits for a participant), and the greeting goes on without it.
CALLER_WAIT_SECONDS = 3.0
# What the agent says before a transfer from the keypad, and lets the caller hear before the line moves.
TRANSFER_NOTICE = "One moment, I am transferring you to a person now."


def now() -> datetime:
    """The clock of greetings and opening hours (a function, so the tests can set the time)."""
    return datetime.now(timezone.utc)


class PhoneEdge(getstream.Edge):
    """The Stream edge, also passing the call's custom events (the bridge's phone.*) to `on_custom_event`.

    The same as in samples/agent/agent.py (a script, so not imported from here): Vision Agents hands the agent only
    the SFU's events, and the getstream connection emits the coordinator's custom events as "custom".
    """

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.on_custom_event: Callable[[dict], Awaitable[None]] | None = None

    async def join(self, agent: Agent, call: Any, **kwargs: Any):
        connection = await super().join(agent, call, **kwargs)
        self._connection.on("custom", self._forward_custom)
        return connection

    async def _forward_custom(self, message: dict) -> None:
        payload = message.get("custom")
        if self.on_custom_event is not None and isinstance(payload, dict):
            await self.on_custom_event(payload)


# -- knowledge ------------------------------------------------------------------------------------------------------

_knowledge: "Callable[[str], Awaitable[str]] | None" = None
_local_knowledge: KnowledgeBase | None = None
_knowledge_lock = asyncio.Lock()


async def open_knowledge() -> None:
    """Indexes `knowledge/` once per process, with the backend `RAG_BACKEND` names (on the server's event loop:
    the remote backends' clients are bound to it)."""
    global _knowledge, _local_knowledge
    async with _knowledge_lock:
        if _knowledge is not None or _local_knowledge is not None:
            return
        directory, backend = CONFIG.knowledge_dir, CONFIG.rag_backend
        if backend == "bm25":
            _local_knowledge = KnowledgeBase.from_directory(directory)
            logger.info("Knowledge base: %d sections from %s (BM25, offline)", len(_local_knowledge.chunks), directory)
            return
        if backend == "gemini":
            store = await gemini.create_file_search_store(
                name=os.environ.get("RAG_INDEX_NAME", "lumo-support-knowledge"), knowledge_dir=directory, extensions=[".md"]
            )
            _knowledge = store.search
        elif backend == "turbopuffer":
            from vision_agents.plugins import turbopuffer

            rag = await turbopuffer.create_rag(
                namespace=os.environ.get("RAG_INDEX_NAME", "lumo-support-knowledge"), knowledge_dir=directory, extensions=[".md"]
            )
            _knowledge = rag.search
        else:
            from vision_agents.plugins import qdrant

            rag = await qdrant.create_rag(
                collection=os.environ.get("RAG_INDEX_NAME", "lumo-support-knowledge"),
                knowledge_dir=directory,
                extensions=[".md"],
                url=os.environ.get("QDRANT_URL", "http://localhost:6333"),
            )
            _knowledge = rag.search
        logger.info("Knowledge base: %s indexed with %s", directory, backend)


# -- the call -------------------------------------------------------------------------------------------------------


def find_phone_call(call_type: str, call_id: str) -> PhoneCall | None:
    """The bridge's call behind this Stream call, or None when no bridge is configured (as in samples/agent)."""
    try:
        client = PhoneBridgeClient.from_env()
    except ValueError as error:
        logger.warning("No call control for %s:%s: %s", call_type, call_id, error)
        return None
    try:
        return client.call_for_stream(call_type, call_id)
    except PhoneBridgeError as error:
        logger.warning("Could not list the bridge's calls (%s); assuming the default call id scheme", error)
        return client.call(bridge_call_id(call_id))


def participant_custom(participant: Any) -> Any:
    """The SFU participant's custom data (a protobuf Struct in the getstream plugin) as a dict, or None."""
    custom = getattr(getattr(participant, "original", None), "custom", None)
    if custom is None or isinstance(custom, Mapping):
        return custom
    try:
        from google.protobuf.json_format import MessageToDict

        return MessageToDict(custom)
    except Exception:  # an unexpected shape: the users API below is asked instead
        return None


async def fetch_user_custom(agent: Agent, user_id: str) -> Any:
    """The Stream user's custom data, where the bridge writes `phone`; None when it cannot be read."""
    try:
        from getstream.models import QueryUsersPayload

        response = await agent.edge.client.query_users(QueryUsersPayload(filter_conditions={"id": {"$eq": user_id}}))
        users = response.data.users
        return users[0].custom if users else None
    except Exception as error:  # the greeting goes on without it
        logger.warning("Could not read the phone user's custom data: %s", type(error).__name__)
        return None


def register_support_tools(llm: Any, tools: desk.SupportTools) -> None:
    """The model's tools; each answers a sentence the model can act on, and none raises for a refusal."""

    @llm.register_function(
        description="Search the support knowledge base (orders, delivery, returns, billing, passwords, accounts, "
        "troubleshooting, warranty, opening hours). `query`: the caller's question in a few words."
    )
    async def search_knowledge(query: str) -> str:
        if _knowledge is None or not query.strip():
            return tools.search_knowledge(query)  # BM25: well under a millisecond, no need for a thread
        try:
            return desk.knowledge_reply(await _knowledge(query))
        except Exception as error:  # a remote backend's outage must not end the call
            logger.warning("Knowledge search failed: %s", type(error).__name__)
            return "The knowledge base is not available right now: offer to transfer the caller to a person."

    @llm.register_function(
        description="Transfer the caller to a person of the support team. Say so first. `reason`: one line on what "
        "the caller needs, for the person taking the call."
    )
    async def transfer_to_human(reason: str = "") -> str:
        return await asyncio.to_thread(tools.transfer_to_human, reason)

    @llm.register_function(description="Hang up the phone call. Say goodbye first.")
    async def hang_up() -> str:
        return await asyncio.to_thread(tools.hang_up)


async def create_agent(**kwargs) -> Agent:
    await open_knowledge()
    return Agent(
        edge=PhoneEdge(),
        agent_user=User(name=f"{CONFIG.company} support", id="agent"),
        instructions=INSTRUCTIONS,
        llm=gemini.Realtime(),
    )


async def join_call(agent: Agent, call_type: str, call_id: str, **kwargs) -> None:
    phone = await asyncio.to_thread(find_phone_call, call_type, call_id)
    own_call_id = phone.call_id if phone else None
    search = _local_knowledge.answer if _local_knowledge is not None else None
    tools = desk.SupportTools(CONFIG, phone, search, clock=lambda: now())
    # Before the join: the realtime model receives its tools when it connects.
    register_support_tools(agent.llm, tools)

    loop = asyncio.get_running_loop()
    caller_known: asyncio.Future = loop.create_future()
    amd_known: asyncio.Future = loop.create_future()
    line_done = asyncio.Event()  # set once the agent left a voicemail or hung up: no greeting after that

    @agent.subscribe
    async def on_participant_joined(event: ParticipantJoinedEvent) -> None:
        if caller_known.done():
            return
        custom = participant_custom(event.participant)
        if not desk.is_phone_participant(event.participant.user_id, custom, CONFIG.phone_user_prefix):
            return
        caller = desk.parse_phone_metadata(custom)
        if caller is None:
            caller = desk.parse_phone_metadata(await fetch_user_custom(agent, event.participant.user_id))
        if not caller_known.done():
            caller_known.set_result(caller)

    async def act(decision: desk.Decision) -> None:
        if decision.action == "tell" and decision.note:
            await agent.simple_response(decision.note)
        elif decision.action == "transfer":
            await agent.simple_response(f"Say exactly: \"{TRANSFER_NOTICE}\"")
            # A cold transfer takes the caller off this call: let them hear the sentence first.
            await asyncio.sleep(desk.speaking_seconds(TRANSFER_NOTICE))
            answer = await asyncio.to_thread(tools.transfer_to_human, "The caller pressed 0 to speak to a person.")
            if answer.startswith("Not done"):
                await agent.simple_response(answer)
        elif decision.action == "voicemail" and decision.note:
            line_done.set()
            await agent.simple_response(desk.voicemail_instruction(decision.note))
            await asyncio.sleep(desk.speaking_seconds(decision.note))
            await asyncio.to_thread(tools.hang_up)
        elif decision.action == "hang_up":
            line_done.set()
            await asyncio.to_thread(tools.hang_up)

    async def on_phone_event(event: dict) -> None:
        kind = event.get("type")
        logger.info("Phone event %s in %s:%s", kind, call_type, call_id)
        if kind == "phone.dtmf":
            decision = desk.decide_dtmf(event, own_call_id, CONFIG, now())
        elif kind == "phone.amd":
            decision = desk.decide_amd(event, own_call_id, CONFIG)
            if not amd_known.done():
                amd_known.set_result(decision)
        else:
            note = describe_phone_event(event, own_call_id)
            decision = desk.Decision("tell", note) if note else desk.NOTHING
        await act(decision)

    agent.edge.on_custom_event = on_phone_event
    call = await agent.create_call(call_type, call_id)
    # The phone participant joins a moment after the agent: the bridge launches the agent at webhook time.
    async with agent.join(call):
        try:
            caller = await asyncio.wait_for(asyncio.shield(caller_known), CALLER_WAIT_SECONDS)
        except asyncio.TimeoutError:
            caller = None
            logger.info("No phone metadata for %s:%s yet; greeting without it", call_type, call_id)
        if desk.greeting_waits_for_amd(caller, CONFIG):
            try:
                await asyncio.wait_for(asyncio.shield(amd_known), CONFIG.amd_wait_seconds)
            except asyncio.TimeoutError:
                pass
        if not line_done.is_set():
            await agent.simple_response(desk.greeting_instruction(caller, now(), CONFIG))
        await agent.finish()


if __name__ == "__main__":
    Runner(AgentLauncher(create_agent=create_agent, join_call=join_call)).cli()

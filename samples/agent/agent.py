"""A Vision Agents agent server for the PhoneBridge samples.

PhoneBridge asks it for an agent per phone call (POST /calls/{call_id}/sessions with {"call_type": ...}) while
the provider is still connecting the caller, and closes the session (DELETE /calls/{call_id}/sessions/{id})
when the caller hangs up. The agent joins the Stream call, greets whoever is there and talks until the call
ends or it is closed.

With PHONEBRIDGE_URL and PHONEBRIDGE_API_KEY set, the model can also hang up, transfer the caller (cold or warm),
press keys on the line and hold the caller (phonebridge_tools.py), and hears of the bridge's phone.* events.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from vision_agents.core import Agent, AgentLauncher, Runner, User
from vision_agents.plugins import gemini, getstream

from phonebridge_tools import (
    PhoneBridgeClient,
    PhoneBridgeError,
    PhoneCall,
    bridge_call_id,
    describe_phone_event,
)

logger = logging.getLogger(__name__)

INSTRUCTIONS = """You are a friendly assistant answering a phone call.
The caller hears you through a phone line: keep answers short and plain, no lists, no markdown.
If the caller asks for a person, transfer them: cold hands the caller over and you are done; warm brings the person
into this call first, so you can introduce the caller before saying goodbye. Say what you are about to do before
you transfer, hold or hang up. You can press keys on the line (send_dtmf) to work through a phone menu.
Notes about the phone line (keys the caller pressed, hold, transfers) reach you as messages; act on them.
If the caller says goodbye, say goodbye too and hang up."""


class PhoneEdge(getstream.Edge):
    """The Stream edge, also passing the call's custom events (the bridge's phone.*) to `on_custom_event`.

    Vision Agents hands the agent only the SFU's events; custom events come over the coordinator socket the
    getstream connection keeps for the call, which emits them as "custom" with the payload under "custom".
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


def find_phone_call(call_type: str, call_id: str) -> PhoneCall | None:
    """The bridge's call behind this Stream call, or None when no bridge is configured (the sample still talks)."""
    try:
        client = PhoneBridgeClient.from_env()
    except ValueError as error:
        logger.warning("No call control for %s:%s: %s", call_type, call_id, error)
        return None
    try:
        return client.call_for_stream(call_type, call_id)
    except PhoneBridgeError as error:
        # The list is only a check; the default scheme names the call anyway.
        logger.warning("Could not list the bridge's calls (%s); assuming the default call id scheme", error)
        return client.call(bridge_call_id(call_id))


def register_phone_tools(llm: Any, phone: PhoneCall) -> None:
    """The bridge's call control as tools of the model; each answers in a sentence the model can pass on."""

    async def attempt(action: Callable[..., None], *args: Any, done: str) -> str:
        try:
            await asyncio.to_thread(action, *args)
        except ValueError as error:
            return f"Not done: {error}."
        except PhoneBridgeError as error:
            logger.warning("%s refused for call %s: %s", action.__name__, phone.call_id, error)
            return f"Not done: the phone line refused it ({error.title}{': ' + error.detail if error.detail else ''})."
        return done

    @llm.register_function(description="Hang up the phone call. Say goodbye first.")
    async def hang_up() -> str:
        return await attempt(phone.hang_up, done="Hanging up.")

    @llm.register_function(
        description="Transfer the caller to a person. `to`: an E.164 number like +15551234567, or a sip: address. "
        "`mode`: 'cold' hands the caller over and ends your part; 'warm' dials the person into this call so you "
        "can introduce the caller first, then leave."
    )
    async def transfer(to: str, mode: str = "cold") -> str:
        return await attempt(phone.transfer, to, mode, done=f"Transfer ({mode}) started; you will hear how it goes.")

    @llm.register_function(
        description="Press keys on the phone line, for example to choose options in a phone menu. "
        "`digits`: up to 64 of 0-9, * and #, and A-D."
    )
    async def send_dtmf(digits: str) -> str:
        return await attempt(phone.send_dtmf, digits, done=f"Pressed {digits}.")

    @llm.register_function(description="Put the caller on hold: they hear hold audio and cannot hear or be heard.")
    async def hold() -> str:
        return await attempt(phone.hold, done="The caller is on hold.")

    @llm.register_function(description="Take the caller off hold.")
    async def unhold() -> str:
        return await attempt(phone.unhold, done="The caller is back.")


async def create_agent(**kwargs) -> Agent:
    return Agent(
        edge=PhoneEdge(),
        agent_user=User(name="Phone assistant", id="agent"),
        instructions=INSTRUCTIONS,
        llm=gemini.Realtime(),
    )


async def join_call(agent: Agent, call_type: str, call_id: str, **kwargs) -> None:
    phone = await asyncio.to_thread(find_phone_call, call_type, call_id)
    if phone is not None:
        # Before the join: the realtime model receives its tools when it connects.
        register_phone_tools(agent.llm, phone)

    async def on_phone_event(event: dict) -> None:
        note = describe_phone_event(event, phone.call_id if phone else None)
        logger.info("Phone event %s in %s:%s", event.get("type"), call_type, call_id)
        if note:
            await agent.simple_response(note)

    agent.edge.on_custom_event = on_phone_event
    call = await agent.create_call(call_type, call_id)
    # The phone participant joins a moment after the agent: the bridge launches the agent at webhook time.
    async with agent.join(call):
        await agent.simple_response("Greet the caller briefly and ask how you can help.")
        await agent.finish()


if __name__ == "__main__":
    Runner(AgentLauncher(create_agent=create_agent, join_call=join_call)).cli()

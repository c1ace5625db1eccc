"""A Vision Agents agent server for the PhoneBridge samples.

PhoneBridge asks it for an agent per phone call (POST /calls/{call_id}/sessions with {"call_type": ...}) while
the provider is still connecting the caller, and closes the session (DELETE /calls/{call_id}/sessions/{id})
when the caller hangs up. The agent joins the Stream call, greets whoever is there and talks until the call
ends or it is closed.
"""

from vision_agents.core import Agent, AgentLauncher, Runner, User
from vision_agents.plugins import gemini, getstream

INSTRUCTIONS = """You are a friendly assistant answering a phone call.
The caller hears you through a phone line: keep answers short and plain, no lists, no markdown.
If the caller presses keys you may receive them as events; if they say goodbye, say goodbye too."""


async def create_agent(**kwargs) -> Agent:
    return Agent(
        edge=getstream.Edge(),
        agent_user=User(name="Phone assistant", id="agent"),
        instructions=INSTRUCTIONS,
        llm=gemini.Realtime(),
    )


async def join_call(agent: Agent, call_type: str, call_id: str, **kwargs) -> None:
    call = await agent.create_call(call_type, call_id)
    # The phone participant joins a moment after the agent: the bridge launches the agent at webhook time.
    async with agent.join(call):
        await agent.simple_response("Greet the caller briefly and ask how you can help.")
        await agent.finish()


if __name__ == "__main__":
    Runner(AgentLauncher(create_agent=create_agent, join_call=join_call)).cli()

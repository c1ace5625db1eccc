"""What the support agent decides, apart from Vision Agents: its settings, who is calling, how it greets them, what a
key press or an answering machine makes it do, and the model's tools.

Standard library only and free of I/O except through the objects it is given (a `PhoneCall`, a search function, a
clock), so `tests/` checks every decision with Debian's `python3` and no network. `agent.py` wires it to the call.

Call control comes from `phonebridge_tools.py` of the agent-server sample (`samples/agent`): one module for both
samples. A copy beside this file wins (the script's own directory is first on `sys.path`); otherwise the sibling
sample's directory is appended to the path, so the sample runs from the repository as it is.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone, tzinfo
from pathlib import Path
from typing import Any

SAMPLE_DIR = Path(__file__).resolve().parent
SHARED_TOOLS_DIR = SAMPLE_DIR.parent / "agent"

try:
    import phonebridge_tools
except ImportError:
    sys.path.append(str(SHARED_TOOLS_DIR))
    import phonebridge_tools

from phonebridge_tools import PhoneBridgeError, PhoneCall, describe_phone_event  # noqa: E402

RAG_BACKENDS = ("bm25", "gemini", "turbopuffer", "qdrant")
TRANSFER_MODES = phonebridge_tools.TRANSFER_MODES

DEFAULT_VOICEMAIL = (
    "Hello, this is the Lumo support assistant with a message about your Lumo order. Nothing is needed from you "
    "right now; if you have questions, call us back or email support at lumo dot example. Goodbye."
)

# The support team's phone hours (the same as knowledge/opening-hours.md), by weekday (Monday = 0): [open, close).
# Public holidays are not modelled: on those days the transfer is tried and the line itself answers.
TEAM_HOURS: dict[int, tuple[int, int]] = {0: (8, 20), 1: (8, 20), 2: (8, 20), 3: (8, 20), 4: (8, 20), 5: (9, 17)}
TEAM_HOURS_TEXT = "Monday to Friday from 8 am to 8 pm and Saturday from 9 am to 5 pm"

NOTHING_FOUND = (
    "Nothing in the knowledge base answers this. Do not guess: tell the caller you do not have that information "
    "and offer to transfer them to a person."
)


@dataclass(frozen=True)
class SupportConfig:
    """The agent's settings, from the environment (`from_env`); every one has a default but the human line."""

    company: str = "Lumo"
    human_number: str | None = None
    """`SUPPORT_HUMAN_NUMBER`: where `transfer_to_human` sends the caller (E.164 or sip:); None: no transfers."""
    transfer_mode: str = "cold"
    timezone: tzinfo = timezone.utc
    """`SUPPORT_TIMEZONE`: the support team's time zone, for the greeting and the opening hours."""
    knowledge_dir: Path = SAMPLE_DIR / "knowledge"
    rag_backend: str = "bm25"
    voicemail_message: str = DEFAULT_VOICEMAIL
    amd_wait_seconds: float = 0.0
    """`SUPPORT_AMD_WAIT_SECONDS`: on an outbound call, how long the greeting waits for the answering-machine
    result (0: greet at once; set it when dialling with `machineDetection`)."""
    phone_user_prefix: str = "phone-"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SupportConfig:
        """The settings from `environ` (default `os.environ`); ValueError naming the variable for a bad one."""
        env = os.environ if environ is None else environ

        def text(name: str, default: str) -> str:
            value = env.get(name, "").strip()
            return value or default

        mode = text("SUPPORT_TRANSFER_MODE", "cold").lower()
        if mode not in TRANSFER_MODES:
            raise ValueError(f"SUPPORT_TRANSFER_MODE must be cold or warm, not {mode!r}")
        backend = text("RAG_BACKEND", "bm25").lower()
        if backend not in RAG_BACKENDS:
            raise ValueError(f"RAG_BACKEND must be one of {', '.join(RAG_BACKENDS)}, not {backend!r}")
        try:
            wait = float(text("SUPPORT_AMD_WAIT_SECONDS", "0"))
        except ValueError:
            raise ValueError("SUPPORT_AMD_WAIT_SECONDS must be a number of seconds") from None
        if not 0 <= wait <= 60:
            raise ValueError("SUPPORT_AMD_WAIT_SECONDS must be from 0 to 60")
        human = env.get("SUPPORT_HUMAN_NUMBER", "").strip() or None
        if human is not None and not (human.startswith("+") and human[1:].isdigit() or human.startswith("sip:")):
            raise ValueError("SUPPORT_HUMAN_NUMBER must be an E.164 number (+15551234567) or a sip: address")
        return cls(
            company=text("SUPPORT_COMPANY", "Lumo"),
            human_number=human,
            transfer_mode=mode,
            timezone=_zone(text("SUPPORT_TIMEZONE", "UTC")),
            knowledge_dir=Path(text("SUPPORT_KNOWLEDGE_DIR", str(SAMPLE_DIR / "knowledge"))),
            rag_backend=backend,
            voicemail_message=text("SUPPORT_VOICEMAIL_MESSAGE", DEFAULT_VOICEMAIL),
            amd_wait_seconds=wait,
            phone_user_prefix=text("PHONEBRIDGE_PHONE_USER_PREFIX", "phone-"),
        )


def _zone(name: str) -> tzinfo:
    if name.upper() == "UTC":
        return timezone.utc
    try:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
    except ImportError:  # pragma: no cover - Python 3.9 and older
        raise ValueError("SUPPORT_TIMEZONE needs Python 3.9+ with zoneinfo") from None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"SUPPORT_TIMEZONE: unknown time zone {name!r} (use an IANA name like America/New_York)") from None


# -- who is calling -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallerInfo:
    """The bridge's `phone` object on the phone participant's Stream user, as far as it could be read.

    Every field may be missing: an older bridge writes none of them, and the agent must still greet and help.
    `from_`/`to` are masked by the bridge unless it shows full numbers: use them for nothing but display.
    """

    call_id: str | None = None
    provider: str | None = None
    direction: str | None = None
    """"inbound", "outbound" or None."""
    from_: str | None = None
    to: str | None = None
    provider_call_id: str | None = None
    custom_parameters: dict[str, str] = field(default_factory=dict)
    stir_verstat: str | None = None

    @property
    def number_verified(self) -> bool | None:
        """STIR/SHAKEN: True when the carrier vouched for the caller's number, False when the check failed, None when
        unknown (no attestation, or an outbound call)."""
        if not self.stir_verstat:
            return None
        if self.stir_verstat.startswith("TN-Validation-Passed"):
            return True
        if self.stir_verstat.startswith("TN-Validation-Failed"):
            return False
        return None


def parse_phone_metadata(custom: Any) -> CallerInfo | None:
    """The caller's metadata from a Stream user's `custom` data (a mapping or its JSON text), or None when it holds
    no `phone` object. Fields of the wrong type are dropped, not trusted; unknown fields are ignored."""
    if isinstance(custom, (str, bytes)):
        try:
            custom = json.loads(custom)
        except ValueError:
            return None
    if not isinstance(custom, Mapping):
        return None
    phone = custom.get("phone")
    if isinstance(phone, (str, bytes)):
        # Some clients store nested objects as JSON text.
        try:
            phone = json.loads(phone)
        except ValueError:
            return None
    if not isinstance(phone, Mapping):
        return None

    def string(key: str) -> str | None:
        value = phone.get(key)
        return value if isinstance(value, str) and value else None

    direction = string("direction")
    direction = direction.lower() if direction and direction.lower() in ("inbound", "outbound") else None
    raw_parameters = phone.get("customParameters")
    parameters = (
        {k: v for k, v in raw_parameters.items() if isinstance(k, str) and isinstance(v, str)}
        if isinstance(raw_parameters, Mapping)
        else {}
    )
    return CallerInfo(
        call_id=string("callId"),
        provider=string("provider"),
        direction=direction,
        from_=string("from"),
        to=string("to"),
        provider_call_id=string("providerCallId"),
        custom_parameters=parameters,
        stir_verstat=string("stirVerstat"),
    )


def is_phone_participant(user_id: str | None, custom: Any, prefix: str = "phone-") -> bool:
    """Whether a participant of the Stream call is a phone leg: its user id has the bridge's prefix
    (`Stream:PhoneUserIdPrefix`), or its custom data has the bridge's `phone` object."""
    if user_id and prefix and user_id.startswith(prefix):
        return True
    return parse_phone_metadata(custom) is not None


# -- the greeting ---------------------------------------------------------------------------------------------------


def part_of_day(hour: int) -> str:
    """"morning" from 5 to 11, "afternoon" from 12 to 17, "evening" otherwise (night calls are greeted as evening)."""
    if 5 <= hour < 12:
        return "morning"
    if 12 <= hour < 18:
        return "afternoon"
    return "evening"


def local_time(now: datetime, config: SupportConfig) -> datetime:
    """`now` in the support team's time zone (a naive `now` is taken as UTC)."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    return now.astimezone(config.timezone)


def team_is_open(now: datetime, config: SupportConfig) -> bool:
    """Whether the support team answers the phone at `now` (TEAM_HOURS in the team's time zone)."""
    local = local_time(now, config)
    hours = TEAM_HOURS.get(local.weekday())
    return hours is not None and hours[0] <= local.hour < hours[1]


def greeting_instruction(caller: CallerInfo | None, now: datetime, config: SupportConfig) -> str:
    """What the model is asked to say first, by time of day and what the bridge told about the call."""
    salutation = f"Good {part_of_day(local_time(now, config).hour)}"
    name = (caller.custom_parameters.get("customerName") or "").strip() if caller else ""
    if name:
        salutation += f", {name}"
    if caller is not None and caller.direction == "outbound":
        reason = (caller.custom_parameters.get("reason") or "").strip()
        text = (
            f"You placed this call on behalf of {config.company} support. Say \"{salutation}\", say who you are"
            + (f", that you are calling about {reason}" if reason else "")
            + ", and check you are speaking to the right person."
        )
    else:
        text = f"Say \"{salutation}, thank you for calling {config.company} support\" and ask how you can help."
    if caller is not None and caller.number_verified is False:
        text += " The network could not verify the caller's number: do not treat it as proof of who they are."
    return text + " Keep it to one or two short sentences."


def greeting_waits_for_amd(caller: CallerInfo | None, config: SupportConfig) -> bool:
    """On an outbound call with AMD configured the agent holds its greeting until the answering-machine result (or
    `amd_wait_seconds`), so an answering machine gets the voicemail message and not a conversation."""
    return caller is not None and caller.direction == "outbound" and config.amd_wait_seconds > 0


# -- events from the line -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """What the agent does about an event.

    action: "none" (nothing), "tell" (pass `note` to the model), "transfer" (transfer to the human line, after
    telling the model `note`), "voicemail" (say `note` as it stands, then hang up), "hang_up" (hang up at once).
    """

    action: str
    note: str | None = None


NOTHING = Decision("none")


def _other_leg(event: Mapping[str, Any], own_call_id: str | None) -> bool:
    # The Stream call may hold a second phone leg (a warm transfer's): its keys and results are not the caller's.
    event_call = event.get("callId")
    return own_call_id is not None and event_call is not None and event_call != own_call_id


def decide_dtmf(event: Mapping[str, Any], own_call_id: str | None, config: SupportConfig, now: datetime) -> Decision:
    """`{"type":"phone.dtmf","digit":"0"}`: 0 asks for a person, * to hear the last answer again; other keys are
    passed to the model as they are."""
    digit = event.get("digit")
    if _other_leg(event, own_call_id) or not isinstance(digit, str) or len(digit) != 1 or digit not in phonebridge_tools.DTMF_KEYS:
        return NOTHING
    if digit == "0":
        if config.human_number is None:
            return Decision("tell", "The caller pressed 0 to speak to a person, but no one can take transfers on this "
                                    "line. Say so, and offer to keep helping.")
        if not team_is_open(now, config):
            return Decision("tell", "The caller pressed 0 to speak to a person, but the support team is closed now. "
                                    f"Tell them its phone hours ({TEAM_HOURS_TEXT}, {_zone_name(config)}) and offer "
                                    "to keep helping.")
        return Decision("transfer", "The caller pressed 0 to speak to a person: tell them in one sentence that you "
                                    "are transferring them now.")
    if digit == "*":
        return Decision("tell", "The caller pressed star: repeat your last answer, more slowly.")
    return Decision("tell", describe_phone_event(event))


def decide_amd(event: Mapping[str, Any], own_call_id: str | None, config: SupportConfig) -> Decision:
    """`{"type":"phone.amd","callId","result"}`: an answering machine gets the voicemail message and the line is hung
    up; a fax line is hung up at once; a person (or an unknown result) gets the conversation."""
    if _other_leg(event, own_call_id):
        return NOTHING
    result = event.get("result")
    if result == "machine":
        return Decision("voicemail", config.voicemail_message)
    if result == "fax":
        return Decision("hang_up")
    return NOTHING


def voicemail_instruction(message: str) -> str:
    return ("An answering machine took the call and is recording now. Say exactly this message, once, and nothing "
            f"else: \"{message}\"")


def speaking_seconds(text: str, words_per_second: float = 2.5, margin: float = 2.0) -> float:
    """About how long `text` takes to say, so the agent hangs up after its voicemail message and not during it."""
    return len(text.split()) / words_per_second + margin


def _zone_name(config: SupportConfig) -> str:
    return str(getattr(config.timezone, "key", None) or config.timezone.tzname(None) or "UTC")


# -- the model's tools ----------------------------------------------------------------------------------------------


def knowledge_reply(found: str | None) -> str:
    """What `search_knowledge` answers the model: the sections found, or a clear "nothing" so it does not guess."""
    found = (found or "").strip()
    if not found or found == "No relevant information found in the knowledge base.":
        return NOTHING_FOUND
    return "From the knowledge base (answer from this only, in your own short words):\n\n" + found


class SupportTools:
    """The model's tools, as plain blocking functions (agent.py runs the phone ones with `asyncio.to_thread`).

    `search` is the offline knowledge base's `answer` (or any function from question to text); `phone` is the bridge's
    call (None when the agent has no call control: the tools then say so instead of failing); `clock` gives the time.
    Each tool returns a sentence for the model, never raises for a refusal of the line.
    """

    def __init__(
        self,
        config: SupportConfig,
        phone: PhoneCall | None,
        search: Callable[[str], str] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    ):
        self.config = config
        self.phone = phone
        self._search = search
        self._clock = clock

    def search_knowledge(self, query: str) -> str:
        if not isinstance(query, str) or not query.strip():
            return "Not done: give the caller's question as the query."
        if self._search is None:
            return NOTHING_FOUND
        return knowledge_reply(self._search(query))

    def transfer_to_human(self, reason: str = "") -> str:
        if self.phone is None:
            return "Not done: this agent cannot control the phone line, so it cannot transfer. Apologise and keep helping."
        if self.config.human_number is None:
            return "Not done: no one takes transfers on this line. Apologise and keep helping, or suggest email."
        if not team_is_open(self._clock(), self.config):
            return (f"Not done: the support team is closed now. Its phone hours are {TEAM_HOURS_TEXT} "
                    f"({_zone_name(self.config)}). Tell the caller and offer to keep helping.")
        mode = self.config.transfer_mode
        try:
            self.phone.transfer(self.config.human_number, mode)
        except ValueError as error:
            return f"Not done: {error}."
        except PhoneBridgeError as error:
            return f"Not done: the phone line refused the transfer ({error.title}). Apologise and keep helping."
        if mode == "warm":
            brief = f" Tell them: {reason.strip()}" if reason and reason.strip() else " Tell them what the caller needs."
            return f"Transfer started: a person is being dialled into this call. When they answer, introduce the caller.{brief}"
        return "Transfer started: the caller is being handed to a person, and your part of the call is over."

    def hang_up(self) -> str:
        if self.phone is None:
            return "Not done: this agent cannot control the phone line."
        try:
            self.phone.hang_up()
        except PhoneBridgeError as error:
            return f"Not done: the phone line refused ({error.title})."
        return "Hanging up."

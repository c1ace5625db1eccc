"""Call control for an agent on a PhoneBridge phone line: hang up, transfer, press keys, hold.

Standard library only, so it runs (and is tested) anywhere Python 3.10+ is, without Vision Agents. Two layers:

- `PhoneBridgeClient`: the bridge's call API (`/calls`), bound to its base URL and API key.
- `PhoneCall`: one bridged phone call, bound to the bridge's call id: what an agent in that call uses.

`describe_phone_event` turns the bridge's `phone.*` custom events into a sentence for the agent's model.

Configuration comes from the environment: `PHONEBRIDGE_URL` (e.g. `http://127.0.0.1:5080`), `PHONEBRIDGE_API_KEY`
(the bridge's `PhoneBridge:ApiKey`) and, when the bridge sets `Stream:CallIdPrefix`, `PHONEBRIDGE_CALL_ID_PREFIX`.

The calls block (urllib); from asyncio code run them with `asyncio.to_thread`.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

DTMF_KEYS = frozenset("0123456789*#ABCD")
MAX_DTMF_DIGITS = 64
MIN_TONE_MS = 50
MAX_TONE_MS = 1000
TRANSFER_MODES = ("cold", "warm")
PROVIDERS = ("twilio", "telnyx")

URL_ENV = "PHONEBRIDGE_URL"
API_KEY_ENV = "PHONEBRIDGE_API_KEY"
PREFIX_ENV = "PHONEBRIDGE_CALL_ID_PREFIX"


class PhoneBridgeError(Exception):
    """The bridge refused a request (an RFC 7807 problem, when it sent one) or could not be reached.

    `status` is the HTTP status (None when no answer arrived); `title` and `detail` come from the problem details,
    `title` falling back to the HTTP reason; `problem` is the whole problem document ({} when there was none).
    """

    def __init__(self, status: int | None, title: str, detail: str | None = None, problem: Mapping[str, Any] | None = None):
        self.status = status
        self.title = title
        self.detail = detail
        self.problem: dict[str, Any] = dict(problem or {})
        text = f"{status} {title}" if status is not None else title
        super().__init__(f"{text}: {detail}" if detail else text)


def validate_digits(digits: str) -> str:
    """The keys to press, checked as the bridge checks them: 1 to 64 of 0-9 * # A-D."""
    if not isinstance(digits, str) or not digits:
        raise ValueError("digits must be a non-empty string of the keys 0-9 * # A-D")
    if len(digits) > MAX_DTMF_DIGITS:
        raise ValueError(f"at most {MAX_DTMF_DIGITS} digits at once, got {len(digits)}")
    wrong = sorted({d for d in digits if d not in DTMF_KEYS})
    if wrong:
        raise ValueError(f"digits may only hold 0-9 * # A-D, not {''.join(wrong)!r}")
    return digits


def validate_tone_ms(tone_ms: int | None) -> int | None:
    if tone_ms is None:
        return None
    if isinstance(tone_ms, bool) or not isinstance(tone_ms, int) or not MIN_TONE_MS <= tone_ms <= MAX_TONE_MS:
        raise ValueError(f"tone_ms must be a whole number of milliseconds from {MIN_TONE_MS} to {MAX_TONE_MS}")
    return tone_ms


def validate_mode(mode: str) -> str:
    """'cold' or 'warm' (any case, as the bridge takes it), sent in lower case."""
    normalised = mode.lower() if isinstance(mode, str) else mode
    if normalised not in TRANSFER_MODES:
        raise ValueError(f"mode must be 'cold' or 'warm', not {mode!r}")
    return normalised


def _validate_destination(to: str) -> str:
    # The bridge checks the number's form itself; this only catches what is surely not one.
    if not isinstance(to, str) or not to.strip():
        raise ValueError("to must be an E.164 number (+15551234567) or a sip: address")
    return to.strip()


class PhoneBridgeClient:
    """The bridge's call API. Every method returns the parsed JSON answer (None for an empty one) or raises
    `PhoneBridgeError`; methods that validate their input locally raise `ValueError` before sending anything."""

    def __init__(self, base_url: str, api_key: str, timeout: float = 10.0):
        if not base_url:
            raise ValueError(f"the bridge's base URL is required (set {URL_ENV})")
        if not api_key:
            raise ValueError(f"the bridge's API key is required (set {API_KEY_ENV})")
        parsed = urllib.parse.urlsplit(base_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError(f"the bridge's base URL must be http(s)://host[:port], not {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self._api_key = api_key
        self.timeout = timeout

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, timeout: float = 10.0) -> PhoneBridgeClient:
        env = os.environ if environ is None else environ
        return cls(env.get(URL_ENV, ""), env.get(API_KEY_ENV, ""), timeout)

    def __repr__(self) -> str:
        # Never the key.
        return f"PhoneBridgeClient({self.base_url!r})"

    # -- calls ---------------------------------------------------------------------------------------------------

    def list_calls(self) -> list[dict[str, Any]]:
        """The bridge's live calls: callId, provider, direction, state, from, to, startedAt, streamCallType, ..."""
        return self.request("GET", "/calls") or []

    def get_call(self, call_id: str) -> dict[str, Any]:
        """One live call, with its frame and quality counters; PhoneBridgeError 404 when unknown or ended."""
        return self.request("GET", self._call_path(call_id))

    def dial(
        self,
        provider: str,
        to: str,
        from_: str,
        stream_call_type: str | None = None,
        stream_call_id: str | None = None,
        machine_detection: bool | None = None,
        timeout_seconds: int | None = None,
    ) -> str:
        """Places an outbound call whose audio joins the given Stream call (default: a new one); returns its call id."""
        if provider not in PROVIDERS:
            raise ValueError(f"provider must be 'twilio' or 'telnyx', not {provider!r}")
        body: dict[str, Any] = {"provider": provider, "to": _validate_destination(to), "from": from_}
        optional = {
            "streamCallType": stream_call_type,
            "streamCallId": stream_call_id,
            "machineDetection": machine_detection,
            "timeoutSeconds": timeout_seconds,
        }
        body.update({k: v for k, v in optional.items() if v is not None})
        return self.request("POST", "/calls", body)["callId"]

    def hang_up(self, call_id: str) -> None:
        self.request("POST", self._call_path(call_id, "hangup"))

    def transfer(self, call_id: str, to: str, mode: str = "cold", from_: str | None = None) -> Any:
        """Cold: the caller leaves the bridge for `to`. Warm: `to` is dialled into the same Stream call, so the
        agent can brief the person before leaving. Returns the bridge's answer (the transfer's mode and state, and
        for a warm one the dialled leg's call id); how it goes on arrives as phone.transfer events."""
        body: dict[str, Any] = {"to": _validate_destination(to), "mode": validate_mode(mode)}
        if from_:
            body["from"] = from_
        return self.request("POST", self._call_path(call_id, "transfer"), body)

    def send_dtmf(self, call_id: str, digits: str, tone_ms: int | None = None) -> None:
        """Presses keys on the phone's side (a phone menu hears them)."""
        body: dict[str, Any] = {"digits": validate_digits(digits)}
        if validate_tone_ms(tone_ms) is not None:
            body["toneMs"] = tone_ms
        self.request("POST", self._call_path(call_id, "dtmf"), body)

    def hold(self, call_id: str) -> None:
        """The caller hears hold audio and is not heard in the Stream call until `unhold`."""
        self.request("POST", self._call_path(call_id, "hold"))

    def unhold(self, call_id: str) -> None:
        self.request("POST", self._call_path(call_id, "unhold"))

    def call(self, call_id: str) -> PhoneCall:
        return PhoneCall(self, call_id)

    def call_for_stream(self, call_type: str, call_id: str, prefix: str | None = None) -> PhoneCall:
        """The phone call an agent joined as Stream call `call_type:call_id`.

        Under the bridge's default scheme the bridge call id is the Stream call id minus `Stream:CallIdPrefix`
        (`prefix`, default `PHONEBRIDGE_CALL_ID_PREFIX`). The bridge's list of calls has the last word, so a random
        scheme works too; when the Stream call holds several phone legs (a warm transfer), the one named by the
        scheme wins, else the earliest.
        """
        derived = bridge_call_id(call_id, prefix)
        legs = [c for c in self.list_calls() if c.get("streamCallType") == call_type and c.get("streamCallId") == call_id]
        if not legs or any(c.get("callId") == derived for c in legs):
            return PhoneCall(self, derived)
        return PhoneCall(self, min(legs, key=lambda c: c.get("startedAt") or "")["callId"])

    # -- transport -----------------------------------------------------------------------------------------------

    def request(self, method: str, path: str, body: Any = None) -> Any:
        """Sends one request as is (no local validation): the JSON answer, None when empty, or PhoneBridgeError."""
        data = None if body is None else json.dumps(body).encode("utf-8")
        headers = {"Authorization": f"Bearer {self._api_key}", "Accept": "application/json, application/problem+json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return _json_or_none(response.read())
        except urllib.error.HTTPError as error:
            try:
                raw = error.read()
            finally:
                error.close()
            raise _problem_error(error.code, error.reason, raw) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise PhoneBridgeError(None, "PhoneBridge could not be reached", f"{method} {self.base_url}{path}: {reason}") from error

    @staticmethod
    def _call_path(call_id: str, action: str | None = None) -> str:
        if not isinstance(call_id, str) or not call_id:
            raise ValueError("call_id must be a non-empty string")
        path = "/calls/" + urllib.parse.quote(call_id, safe="")
        return f"{path}/{action}" if action else path


class PhoneCall:
    """One phone call on the bridge, by the bridge's call id: the tools an agent in that call uses."""

    def __init__(self, client: PhoneBridgeClient, call_id: str):
        PhoneBridgeClient._call_path(call_id)
        self.client = client
        self.call_id = call_id

    @classmethod
    def from_env(cls, call_id: str, environ: Mapping[str, str] | None = None) -> PhoneCall:
        return cls(PhoneBridgeClient.from_env(environ), call_id)

    def __repr__(self) -> str:
        return f"PhoneCall({self.call_id!r} on {self.client.base_url!r})"

    def get_call(self) -> dict[str, Any]:
        return self.client.get_call(self.call_id)

    def list_calls(self) -> list[dict[str, Any]]:
        return self.client.list_calls()

    def hang_up(self) -> None:
        self.client.hang_up(self.call_id)

    def transfer(self, to: str, mode: str = "cold", from_: str | None = None) -> Any:
        return self.client.transfer(self.call_id, to, mode, from_)

    def send_dtmf(self, digits: str, tone_ms: int | None = None) -> None:
        self.client.send_dtmf(self.call_id, digits, tone_ms)

    def hold(self) -> None:
        self.client.hold(self.call_id)

    def unhold(self) -> None:
        self.client.unhold(self.call_id)


def bridge_call_id(stream_call_id: str, prefix: str | None = None) -> str:
    """The bridge's call id under its default scheme: the Stream call id minus `Stream:CallIdPrefix` (`prefix`,
    default `PHONEBRIDGE_CALL_ID_PREFIX`)."""
    if prefix is None:
        prefix = os.environ.get(PREFIX_ENV, "")
    return stream_call_id[len(prefix):] if prefix and stream_call_id.startswith(prefix) else stream_call_id


def describe_phone_event(event: Mapping[str, Any], call_id: str | None = None) -> str | None:
    """What the agent's model should be told about one of the bridge's custom events, or None for nothing.

    `event` is the custom payload ({"type": "phone.dtmf", "digit": "5"}, {"type": "phone.transfer", ...}).
    `call_id` is the agent's own phone call: events of other legs in the Stream call (the person dialled by a warm
    transfer) are described as theirs.
    """
    kind = event.get("type")
    own = call_id is None or event.get("callId") in (None, call_id)
    reason = f" ({event['reason']})" if event.get("reason") else ""
    if kind == "phone.dtmf":
        return f"The caller pressed the key {event.get('digit')} on their phone."
    if kind == "phone.call":
        state = event.get("state")
        if state == "ended":
            # The caller's own end needs no words: nobody is left to hear them, and the bridge closes the session.
            return None if own else f"The person you transferred to left the call{reason}."
        if state == "answered" and not own:
            return "The person you transferred to has joined the call."
        return None
    if kind == "phone.transfer":
        state, mode = event.get("state"), event.get("mode")
        if state == "failed":
            return f"The transfer failed{reason}. Tell the caller and offer another way to help."
        if state == "answered" and mode == "warm":
            return "The person you called for the transfer answered and hears the call: introduce the caller, then say goodbye."
        if state == "completed":
            return "The transfer is complete: the caller is now with the person you transferred them to."
        return None
    if kind == "phone.hold":
        if event.get("held"):
            return "The caller is on hold: they hear hold audio and cannot hear you."
        return "The caller is back from hold and hears you again."
    return None


def _json_or_none(raw: bytes) -> Any:
    if not raw.strip():
        return None
    return json.loads(raw)


def _problem_error(status: int, reason: str | None, raw: bytes) -> PhoneBridgeError:
    problem: dict[str, Any] = {}
    try:
        parsed = json.loads(raw) if raw.strip() else None
        if isinstance(parsed, dict):
            problem = parsed
    except ValueError:
        pass
    title = problem.get("title") or reason or "HTTP error"
    detail = problem.get("detail")
    errors = problem.get("errors")
    if detail is None and isinstance(errors, dict) and errors:
        # Validation problems list their failures per field.
        detail = "; ".join(f"{field}: {' '.join(map(str, msgs)) if isinstance(msgs, list) else msgs}" for field, msgs in errors.items())
    return PhoneBridgeError(status, str(title), None if detail is None else str(detail), problem)

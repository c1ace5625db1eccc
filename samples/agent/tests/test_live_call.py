"""The module on a live call: a simulated Twilio caller streams into the bridge (local echo edge) while the agent's
tools act on it, until the agent hangs up."""

from __future__ import annotations

import unittest

from support import SimulatedPhone, eventually, server_client
from support import phonebridge_tools as pb

LISTED_FIELDS = {
    "callId", "provider", "direction", "state", "from", "to", "startedAt", "streamCallType", "streamCallId", "providerCallId",
}

PRESSED = "159#0123456789*#ABCD"

MEDIA_COUNTERS = {"framesFromPhone", "framesToPhone", "framesDropped", "framesHeld", "dtmfTonesPlayed"}


class LiveCallTests(unittest.TestCase):
    def setUp(self) -> None:
        self.client = server_client(self)
        # The phone listens for DTMF in what it hears: the in-band tones the bridge plays for send_dtmf.
        self.phone = SimulatedPhone.start(self, "--expect-dtmf", PRESSED)
        self.addCleanup(self.phone.hang_up)

    def test_hold_dtmf_and_hang_up_on_a_live_call(self) -> None:
        """Hold and unhold, DTMF the caller hears digit for digit, refusals of bad input, and the agent's hang-up."""
        call_sid = self.phone.wait_streaming()
        listed = eventually(
            lambda: [c for c in self.client.list_calls() if c.get("providerCallId") == call_sid],
            lambda calls: len(calls) == 1 and calls[0].get("state") == "answered",
            f"the bridge to list the caller's call {call_sid} as answered",
        )[0]
        self.assertLessEqual(LISTED_FIELDS, set(listed), listed)
        self.assertEqual(("twilio", "inbound"), (listed["provider"], listed["direction"]))
        # Numbers are masked unless the bridge is told to show them (the simulated caller is +15005550006).
        self.assertNotIn("5005550006", repr(listed))

        # The agent's view: the call it was sent into, found from the Stream call's type and id.
        call = self.client.call_for_stream(listed["streamCallType"], listed["streamCallId"])
        self.assertEqual(listed["callId"], call.call_id)
        detail = call.get_call()
        self.assertEqual(listed["callId"], detail["callId"])
        self.assertEqual("answered", detail["state"])
        self.assertEqual(call_sid, detail["providerCallId"])
        self.assertLessEqual(MEDIA_COUNTERS, set(detail.get("media") or {}), detail)
        self.assertFalse(detail["held"])

        # Each answers 202 (None here): the module raises on anything else.
        self.assertIsNone(call.hold())
        self.assertIsNone(call.hold())  # idempotent
        self.assertTrue(call.get_call()["held"])
        self.assertIsNone(call.unhold())
        self.assertFalse(call.get_call()["held"])
        self.assertIsNone(call.send_dtmf("159#"))
        self.assertIsNone(call.send_dtmf("0123456789*#ABCD", tone_ms=120))
        eventually(
            call.get_call, lambda c: c["media"]["dtmfTonesPlayed"] >= len(PRESSED), "the bridge to play the tones", timeout=60
        )
        self.assertEqual("answered", call.get_call()["state"])

        # The module refuses bad input itself; sent anyway, the server refuses it too.
        with self.assertRaises(ValueError):
            call.send_dtmf("12x")
        path = f"/calls/{listed['callId']}"
        for name, action, body in [
            ("a key that is not DTMF", "dtmf", {"digits": "12x"}),
            ("no digits", "dtmf", {"digits": ""}),
            ("65 digits", "dtmf", {"digits": "1" * 65}),
            ("a 10 ms tone", "dtmf", {"digits": "1", "toneMs": 10}),
            ("a 5 s tone", "dtmf", {"digits": "1", "toneMs": 5000}),
            ("no body", "dtmf", None),
            ("a mode that is neither cold nor warm", "transfer", {"to": "+15551234567", "mode": "lukewarm"}),
            ("a destination that is no number", "transfer", {"to": "call my boss", "mode": "cold"}),
        ]:
            with self.subTest(bad=name), self.assertRaises(pb.PhoneBridgeError) as caught:
                self.client.request("POST", f"{path}/{action}", body)
            self.assertEqual(400, caught.exception.status, str(caught.exception))
            self.assertTrue(caught.exception.problem, f"{name}: no problem details in the 400")
        # Bad input changed nothing.
        self.assertEqual("answered", call.get_call()["state"])

        # The agent hangs up: the bridge ends the phone's media stream and the call leaves its list.
        self.assertIsNone(call.hang_up())
        eventually(self.client.list_calls, lambda calls: calls == [], "the call to leave the list once hung up")
        self.phone.wait_exit()
        self.assertIn("closed by the server", self.phone.transcript())
        self.assertIn(f"dtmf heard '{PRESSED}' as expected", self.phone.transcript())
        for name, verb in [("hang_up", call.hang_up), ("hold", call.hold), ("get_call", call.get_call)]:
            with self.subTest(after_hangup=name), self.assertRaises(pb.PhoneBridgeError) as caught:
                verb()
            self.assertEqual(404, caught.exception.status, str(caught.exception))


if __name__ == "__main__":
    unittest.main()

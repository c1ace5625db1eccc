"""The module on a live call: a simulated Twilio caller streams into the bridge (local echo edge) while the agent's
tools act on it; once the caller hangs up the call is gone again."""

from __future__ import annotations

import unittest

from support import SimulatedPhone, eventually, server_client
from support import phonebridge_tools as pb

LISTED_FIELDS = {
    "callId", "provider", "direction", "state", "from", "to", "startedAt", "streamCallType", "streamCallId", "providerCallId",
}


class LiveCallTests(unittest.TestCase):
    def setUp(self) -> None:
        self.client = server_client(self)
        self.phone = SimulatedPhone.start(self)
        self.addCleanup(self.phone.hang_up)

    def test_hold_unhold_and_dtmf_are_accepted_and_the_call_is_listed_until_it_ends(self) -> None:
        call_sid = self.phone.wait_streaming()
        listed = eventually(
            lambda: [c for c in self.client.list_calls() if c.get("providerCallId") == call_sid],
            lambda calls: len(calls) == 1 and calls[0].get("state") == "answered",
            f"the bridge to list the caller's call {call_sid} as answered",
        )[0]
        self.assertLessEqual(LISTED_FIELDS, set(listed), listed)
        self.assertEqual(("twilio", "inbound"), (listed["provider"], listed["direction"]))

        # The agent's view: the call it was sent into, found from the Stream call's type and id.
        call = self.client.call_for_stream(listed["streamCallType"], listed["streamCallId"])
        self.assertEqual(listed["callId"], call.call_id)
        detail = call.get_call()
        self.assertEqual(listed["callId"], detail["callId"])
        self.assertEqual("answered", detail["state"])
        self.assertEqual(call_sid, detail["providerCallId"])
        self.assertGreater(len(detail), len(LISTED_FIELDS) - 1, "no counters beside the listed fields")

        # Each answers 202 (None here): the module raises on anything else.
        self.assertIsNone(call.hold())
        self.assertIsNone(call.hold())  # idempotent
        self.assertIsNone(call.unhold())
        self.assertIsNone(call.send_dtmf("159#"))
        self.assertIsNone(call.send_dtmf("0123456789*#ABCD", tone_ms=50))
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

        # The caller hangs up: the call leaves the bridge's list.
        self.phone.hang_up()
        eventually(self.client.list_calls, lambda calls: calls == [], "the call to leave the list once the caller hung up")
        with self.assertRaises(pb.PhoneBridgeError) as caught:
            call.hold()
        self.assertEqual(404, caught.exception.status, str(caught.exception))


if __name__ == "__main__":
    unittest.main()

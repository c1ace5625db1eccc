"""The module against a real PhoneBridge server with no calls: authentication, unknown calls, the empty list."""

from __future__ import annotations

import unittest

from support import phonebridge_tools as pb
from support import server_client

UNKNOWN = "no-such-call-0000"


def every_verb(call: pb.PhoneCall) -> dict[str, callable]:
    return {
        "get_call": call.get_call,
        "hang_up": call.hang_up,
        "transfer cold": lambda: call.transfer("+15551234567", "cold"),
        "transfer warm": lambda: call.transfer("sip:human@example.com", "warm", from_="+15557654321"),
        "send_dtmf": lambda: call.send_dtmf("159#", tone_ms=100),
        "hold": call.hold,
        "unhold": call.unhold,
    }


class AuthenticationTests(unittest.TestCase):
    def test_a_wrong_api_key_gets_401_on_every_endpoint(self) -> None:
        client = server_client(self, api_key="not-the-key")
        verbs = {"list_calls": client.list_calls, **every_verb(client.call(UNKNOWN))}
        for name, verb in verbs.items():
            with self.subTest(verb=name), self.assertRaises(pb.PhoneBridgeError) as caught:
                verb()
            self.assertEqual(401, caught.exception.status, str(caught.exception))


class UnknownCallTests(unittest.TestCase):
    def test_every_verb_on_an_unknown_call_gets_404_problem_details(self) -> None:
        call = server_client(self).call(UNKNOWN)
        for name, verb in every_verb(call).items():
            with self.subTest(verb=name), self.assertRaises(pb.PhoneBridgeError) as caught:
                verb()
            error = caught.exception
            self.assertEqual(404, error.status, str(error))
            # RFC 7807: a problem document, not an empty body.
            self.assertTrue(error.problem, f"{name}: no problem details in the 404")
            self.assertTrue(error.title)

    def test_a_call_id_that_needs_escaping_is_just_unknown(self) -> None:
        with self.assertRaises(pb.PhoneBridgeError) as caught:
            server_client(self).call("a b/c?d").hold()
        self.assertEqual(404, caught.exception.status, str(caught.exception))


class EmptyServerTests(unittest.TestCase):
    def test_list_calls_on_a_server_without_calls_is_empty(self) -> None:
        self.assertEqual([], server_client(self).list_calls())


if __name__ == "__main__":
    unittest.main()

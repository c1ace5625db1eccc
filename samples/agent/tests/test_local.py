"""The module's own checks, which refuse bad input before anything is sent, and how it reads events."""

from __future__ import annotations

import unittest

from support import phonebridge_tools as pb

# Nothing listens on the discard port: a request that got out would fail as unreachable, not as ValueError.
NOWHERE = "http://127.0.0.1:9"


class LocalValidationTests(unittest.TestCase):
    def setUp(self) -> None:
        self.call = pb.PhoneBridgeClient(NOWHERE, "key", timeout=5).call("abc")

    def test_digits_outside_the_dtmf_keys_are_refused_before_sending(self) -> None:
        for digits in ["12x", "1 2", "e", "#*a", "٣"]:
            with self.subTest(digits=digits), self.assertRaisesRegex(ValueError, "0-9"):
                self.call.send_dtmf(digits)

    def test_no_digits_or_more_than_64_are_refused(self) -> None:
        with self.assertRaises(ValueError):
            self.call.send_dtmf("")
        with self.assertRaisesRegex(ValueError, "64"):
            self.call.send_dtmf("1" * 65)

    def test_every_key_and_64_digits_pass_the_check(self) -> None:
        self.assertEqual("0123456789*#ABCD", pb.validate_digits("0123456789*#ABCD"))
        self.assertEqual("5" * 64, pb.validate_digits("5" * 64))

    def test_tone_length_must_be_50_to_1000_ms(self) -> None:
        for tone_ms in [49, 1001, 0, -1, 100.5, True]:
            with self.subTest(tone_ms=tone_ms), self.assertRaisesRegex(ValueError, "50 to 1000"):
                self.call.send_dtmf("1", tone_ms=tone_ms)
        self.assertEqual(50, pb.validate_tone_ms(50))
        self.assertEqual(1000, pb.validate_tone_ms(1000))
        self.assertIsNone(pb.validate_tone_ms(None))

    def test_transfer_mode_is_cold_or_warm(self) -> None:
        for mode in ["hot", "", None]:
            with self.subTest(mode=mode), self.assertRaisesRegex(ValueError, "cold"):
                self.call.transfer("+15551234567", mode)
        self.assertEqual("warm", pb.validate_mode("Warm"))

    def test_transfer_needs_a_destination(self) -> None:
        with self.assertRaisesRegex(ValueError, "E.164"):
            self.call.transfer("  ")

    def test_a_valid_request_does_go_out(self) -> None:
        # The counterpart of the tests above: with good input the module sends, and finds nobody there.
        with self.assertRaises(pb.PhoneBridgeError) as caught:
            self.call.send_dtmf("1", tone_ms=100)
        self.assertIsNone(caught.exception.status)
        self.assertIn("could not be reached", caught.exception.title)

    def test_call_ids_are_escaped_in_the_path(self) -> None:
        self.assertEqual("/calls/a%2Fb%3F/hold", pb.PhoneBridgeClient._call_path("a/b?", "hold"))
        with self.assertRaises(ValueError):
            pb.PhoneCall(pb.PhoneBridgeClient(NOWHERE, "key"), "")


class ConfigurationTests(unittest.TestCase):
    def test_the_bridge_call_id_is_the_stream_call_id_minus_the_prefix(self) -> None:
        self.assertEqual("abc", pb.bridge_call_id("phone-abc", "phone-"))
        self.assertEqual("abc", pb.bridge_call_id("abc", ""))
        self.assertEqual("other-abc", pb.bridge_call_id("other-abc", "phone-"))

    def test_from_env_reads_url_and_key(self) -> None:
        client = pb.PhoneBridgeClient.from_env({pb.URL_ENV: "http://127.0.0.1:5080/", pb.API_KEY_ENV: "secret"})
        self.assertEqual("http://127.0.0.1:5080", client.base_url)
        self.assertNotIn("secret", repr(client))

    def test_missing_settings_say_which_variable_to_set(self) -> None:
        with self.assertRaisesRegex(ValueError, pb.URL_ENV):
            pb.PhoneBridgeClient.from_env({pb.API_KEY_ENV: "secret"})
        with self.assertRaisesRegex(ValueError, pb.API_KEY_ENV):
            pb.PhoneBridgeClient.from_env({pb.URL_ENV: "http://127.0.0.1:5080"})
        with self.assertRaisesRegex(ValueError, "http"):
            pb.PhoneBridgeClient("127.0.0.1:5080", "secret")


class ProblemDetailsTests(unittest.TestCase):
    def test_title_and_detail_come_from_the_problem(self) -> None:
        error = pb._problem_error(400, "Bad Request", b'{"type":"about:blank","title":"Bad digits","status":400,"detail":"x is not a key"}')
        self.assertEqual(400, error.status)
        self.assertEqual(("Bad digits", "x is not a key"), (error.title, error.detail))
        self.assertEqual("x is not a key", error.problem["detail"])
        self.assertEqual("400 Bad digits: x is not a key", str(error))

    def test_validation_problems_list_their_fields(self) -> None:
        error = pb._problem_error(400, "Bad Request", b'{"title":"One or more validation errors occurred.","errors":{"digits":["bad key"]}}')
        self.assertEqual("digits: bad key", error.detail)

    def test_an_empty_or_foreign_body_falls_back_to_the_reason(self) -> None:
        unauthorized = pb._problem_error(401, "Unauthorized", b"")
        self.assertEqual(("Unauthorized", None), (unauthorized.title, unauthorized.detail))
        self.assertEqual("Bad Gateway", pb._problem_error(502, "Bad Gateway", b"<html>").title)


class PhoneEventTests(unittest.TestCase):
    def test_keys_holds_and_failed_transfers_are_told_to_the_model(self) -> None:
        self.assertIn("pressed the key 5", pb.describe_phone_event({"type": "phone.dtmf", "digit": "5"}))
        self.assertIn("on hold", pb.describe_phone_event({"type": "phone.hold", "callId": "c1", "held": True}, "c1"))
        self.assertIn("back from hold", pb.describe_phone_event({"type": "phone.hold", "callId": "c1", "held": False}, "c1"))
        failed = pb.describe_phone_event({"type": "phone.transfer", "callId": "c1", "mode": "cold", "state": "failed", "reason": "busy"}, "c1")
        self.assertIn("failed (busy)", failed)

    def test_a_warm_transfer_leg_is_told_apart_from_the_caller(self) -> None:
        self.assertIn("transferred to left", pb.describe_phone_event({"type": "phone.call", "callId": "leg", "state": "ended"}, "c1"))
        self.assertIn("has joined", pb.describe_phone_event({"type": "phone.call", "callId": "leg", "state": "answered"}, "c1"))
        self.assertIn("introduce the caller", pb.describe_phone_event({"type": "phone.transfer", "callId": "c1", "mode": "warm", "state": "answered"}, "c1"))

    def test_routine_and_foreign_events_say_nothing(self) -> None:
        self.assertIsNone(pb.describe_phone_event({"type": "phone.call", "callId": "c1", "state": "ringing"}, "c1"))
        self.assertIsNone(pb.describe_phone_event({"type": "phone.call", "callId": "c1", "state": "answered"}, "c1"))
        self.assertIsNone(pb.describe_phone_event({"type": "phone.call", "callId": "c1", "state": "ended"}, "c1"))
        self.assertIsNone(pb.describe_phone_event({"type": "phone.transfer", "callId": "c1", "mode": "cold", "state": "started"}, "c1"))
        self.assertIsNone(pb.describe_phone_event({"type": "chat.reaction"}))


if __name__ == "__main__":
    unittest.main()

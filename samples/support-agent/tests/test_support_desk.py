"""The agent's decisions without Vision Agents or a network: settings, caller metadata, the greeting, key presses,
answering machines, and the tools' calls to the phone line (through a fake bridge client)."""

from __future__ import annotations

import unittest
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import paths  # noqa: F401  (the sample's directory on sys.path)
import support_desk as desk
from knowledge_base import KnowledgeBase
from phonebridge_tools import PhoneBridgeError, PhoneCall

EASTERN = timezone(timedelta(hours=-5), "EST")
# Wednesday 2 December 2026.
WEDNESDAY = datetime(2026, 12, 2, tzinfo=EASTERN)
SUNDAY = datetime(2026, 12, 6, 11, 0, tzinfo=EASTERN)
OPEN = WEDNESDAY.replace(hour=10)
CLOSED = WEDNESDAY.replace(hour=21)

HUMAN = "+15550000000"
CONFIG = desk.SupportConfig(human_number=HUMAN, timezone=EASTERN)


class FakeBridge:
    """Stands in for PhoneBridgeClient: records what PhoneCall asks of it, or refuses with `error`."""

    def __init__(self, error: Exception | None = None):
        self.calls: list[tuple] = []
        self.error = error

    def _record(self, *call: object) -> None:
        self.calls.append(call)
        if self.error is not None:
            raise self.error

    def transfer(self, call_id, to, mode="cold", from_=None):
        self._record("transfer", call_id, to, mode, from_)
        return {"mode": mode, "state": "started"}

    def hang_up(self, call_id):
        self._record("hang_up", call_id)

    def send_dtmf(self, call_id, digits, tone_ms=None):
        self._record("send_dtmf", call_id, digits, tone_ms)


def phone(bridge: FakeBridge) -> PhoneCall:
    # The real PhoneCall over the fake client: what the tools call is what the bridge would receive.
    return PhoneCall(bridge, "call-1")  # type: ignore[arg-type]


class ConfigTests(unittest.TestCase):
    def test_defaults_need_nothing_but_give_no_transfers(self) -> None:
        config = desk.SupportConfig.from_env({})
        self.assertEqual(("Lumo", None, "cold", "bm25", 0.0), (config.company, config.human_number, config.transfer_mode, config.rag_backend, config.amd_wait_seconds))
        self.assertEqual(timezone.utc, config.timezone)
        self.assertTrue((config.knowledge_dir / "billing.md").is_file())

    def test_every_setting_is_read(self) -> None:
        config = desk.SupportConfig.from_env({
            "SUPPORT_COMPANY": "Acme",
            "SUPPORT_HUMAN_NUMBER": "sip:desk@example.com",
            "SUPPORT_TRANSFER_MODE": "WARM",
            "SUPPORT_KNOWLEDGE_DIR": "/tmp/kb",
            "RAG_BACKEND": "qdrant",
            "SUPPORT_VOICEMAIL_MESSAGE": "Call us back.",
            "SUPPORT_AMD_WAIT_SECONDS": "6.5",
            "PHONEBRIDGE_PHONE_USER_PREFIX": "tel-",
        })
        self.assertEqual(
            ("Acme", "sip:desk@example.com", "warm", Path("/tmp/kb"), "qdrant", "Call us back.", 6.5, "tel-"),
            (config.company, config.human_number, config.transfer_mode, config.knowledge_dir, config.rag_backend,
             config.voicemail_message, config.amd_wait_seconds, config.phone_user_prefix),
        )

    def test_bad_settings_name_their_variable(self) -> None:
        for name, value in [
            ("SUPPORT_TRANSFER_MODE", "hot"),
            ("RAG_BACKEND", "elastic"),
            ("SUPPORT_AMD_WAIT_SECONDS", "soon"),
            ("SUPPORT_AMD_WAIT_SECONDS", "-1"),
            ("SUPPORT_HUMAN_NUMBER", "555 1234"),
            ("SUPPORT_TIMEZONE", "Mars/Olympus_Mons"),
        ]:
            with self.subTest(name=name, value=value), self.assertRaisesRegex(ValueError, name):
                desk.SupportConfig.from_env({name: value})


class MetadataTests(unittest.TestCase):
    FULL = {
        "phone": {
            "callId": "c1", "provider": "twilio", "direction": "inbound", "from": "+1555***4567", "to": "+1555***0000",
            "providerCallId": "CA123", "customParameters": {"customerName": "Ada", "tier": "plus"},
            "stirVerstat": "TN-Validation-Passed-A",
        },
        "other": "kept by someone else",
    }

    def test_every_field_is_read(self) -> None:
        info = desk.parse_phone_metadata(self.FULL)
        self.assertEqual(
            desk.CallerInfo("c1", "twilio", "inbound", "+1555***4567", "+1555***0000", "CA123", {"customerName": "Ada", "tier": "plus"}, "TN-Validation-Passed-A"),
            info,
        )
        self.assertTrue(info.number_verified)

    def test_json_text_is_accepted(self) -> None:
        import json
        self.assertEqual(desk.parse_phone_metadata(self.FULL), desk.parse_phone_metadata(json.dumps(self.FULL)))
        nested_text = {"phone": json.dumps(self.FULL["phone"])}
        self.assertEqual("c1", desk.parse_phone_metadata(nested_text).call_id)

    def test_no_phone_object_is_none(self) -> None:
        for custom in [None, {}, {"phone": None}, {"phone": "not json"}, {"phone": ["c1"]}, "not json", 42, []]:
            with self.subTest(custom=custom):
                self.assertIsNone(desk.parse_phone_metadata(custom))

    def test_missing_and_mistyped_fields_are_dropped(self) -> None:
        info = desk.parse_phone_metadata({"phone": {"callId": 7, "direction": "sideways", "customParameters": {"a": "1", "b": 2, "c": None}, "stirVerstat": ""}})
        self.assertEqual(desk.CallerInfo(custom_parameters={"a": "1"}), info)
        self.assertIsNone(info.number_verified)
        self.assertEqual("outbound", desk.parse_phone_metadata({"phone": {"direction": "Outbound"}}).direction)
        self.assertEqual({}, desk.parse_phone_metadata({"phone": {"customParameters": "x=1"}}).custom_parameters)

    def test_a_failed_stir_check_is_unverified(self) -> None:
        self.assertFalse(desk.CallerInfo(stir_verstat="TN-Validation-Failed-B").number_verified)
        self.assertIsNone(desk.CallerInfo(stir_verstat="No-TN-Validation").number_verified)

    def test_phone_participants_are_known_by_prefix_or_metadata(self) -> None:
        self.assertTrue(desk.is_phone_participant("phone-c1", None))
        self.assertTrue(desk.is_phone_participant("caller", self.FULL))
        self.assertTrue(desk.is_phone_participant("tel-c1", None, prefix="tel-"))
        self.assertFalse(desk.is_phone_participant("supervisor", {"role": "human"}))
        self.assertFalse(desk.is_phone_participant(None, None))


class GreetingTests(unittest.TestCase):
    def test_the_part_of_day_follows_the_hour(self) -> None:
        expected = {0: "evening", 4: "evening", 5: "morning", 11: "morning", 12: "afternoon", 17: "afternoon", 18: "evening", 23: "evening"}
        self.assertEqual(expected, {hour: desk.part_of_day(hour) for hour in expected})

    def test_the_greeting_uses_the_team_time_zone(self) -> None:
        # 13:30 UTC is 8:30 in the morning five hours west.
        now = datetime(2026, 12, 2, 13, 30, tzinfo=timezone.utc)
        self.assertIn("Good morning, thank you for calling Lumo support", desk.greeting_instruction(None, now, CONFIG))
        self.assertIn("Good afternoon", desk.greeting_instruction(None, now, desk.SupportConfig()))
        # A naive clock is taken as UTC.
        self.assertIn("Good afternoon", desk.greeting_instruction(None, now.replace(tzinfo=None), desk.SupportConfig()))

    def test_an_evening_call_with_a_name(self) -> None:
        caller = desk.CallerInfo(direction="inbound", custom_parameters={"customerName": "Ada"})
        text = desk.greeting_instruction(caller, WEDNESDAY.replace(hour=19), CONFIG)
        self.assertIn("Good evening, Ada, thank you for calling Lumo support", text)
        self.assertNotIn("verify", text)

    def test_an_outbound_call_says_who_is_calling_and_why(self) -> None:
        caller = desk.CallerInfo(direction="outbound", custom_parameters={"reason": "your return"})
        text = desk.greeting_instruction(caller, WEDNESDAY.replace(hour=14), CONFIG)
        self.assertIn("Good afternoon", text)
        self.assertIn("on behalf of Lumo support", text)
        self.assertIn("calling about your return", text)
        self.assertNotIn("thank you for calling", text)

    def test_an_unverified_number_is_flagged(self) -> None:
        caller = desk.CallerInfo(direction="inbound", stir_verstat="TN-Validation-Failed-C")
        self.assertIn("could not verify", desk.greeting_instruction(caller, OPEN, CONFIG))

    def test_only_outbound_calls_with_a_wait_hold_the_greeting_for_amd(self) -> None:
        waiting = replace(CONFIG, amd_wait_seconds=5)
        self.assertTrue(desk.greeting_waits_for_amd(desk.CallerInfo(direction="outbound"), waiting))
        self.assertFalse(desk.greeting_waits_for_amd(desk.CallerInfo(direction="outbound"), CONFIG))
        self.assertFalse(desk.greeting_waits_for_amd(desk.CallerInfo(direction="inbound"), waiting))
        self.assertFalse(desk.greeting_waits_for_amd(None, waiting))


class OpeningHoursTests(unittest.TestCase):
    def test_the_team_answers_in_its_hours_only(self) -> None:
        self.assertTrue(desk.team_is_open(WEDNESDAY.replace(hour=8), CONFIG))
        self.assertTrue(desk.team_is_open(WEDNESDAY.replace(hour=19, minute=59), CONFIG))
        self.assertFalse(desk.team_is_open(WEDNESDAY.replace(hour=7, minute=59), CONFIG))
        self.assertFalse(desk.team_is_open(WEDNESDAY.replace(hour=20), CONFIG))
        self.assertTrue(desk.team_is_open(SUNDAY - timedelta(days=1), CONFIG))  # Saturday 11:00
        self.assertFalse(desk.team_is_open(SUNDAY - timedelta(days=1, hours=-6), CONFIG))  # Saturday 17:00
        self.assertFalse(desk.team_is_open(SUNDAY, CONFIG))

    def test_the_hours_are_those_of_the_knowledge_base(self) -> None:
        text = (desk.SAMPLE_DIR / "knowledge" / "opening-hours.md").read_text(encoding="utf-8")
        self.assertIn("Monday to Friday from 8 am to 8 pm, and Saturday from 9 am to 5 pm", text)


class DtmfTests(unittest.TestCase):
    def test_zero_transfers_when_the_team_is_open(self) -> None:
        decision = desk.decide_dtmf({"type": "phone.dtmf", "digit": "0"}, "c1", CONFIG, OPEN)
        self.assertEqual("transfer", decision.action)
        self.assertIn("transferring", decision.note)

    def test_zero_explains_when_closed_or_without_a_line(self) -> None:
        closed = desk.decide_dtmf({"type": "phone.dtmf", "digit": "0"}, "c1", CONFIG, CLOSED)
        self.assertEqual("tell", closed.action)
        self.assertIn("closed", closed.note)
        self.assertIn("Monday to Friday", closed.note)
        no_line = desk.decide_dtmf({"type": "phone.dtmf", "digit": "0"}, "c1", replace(CONFIG, human_number=None), OPEN)
        self.assertEqual("tell", no_line.action)
        self.assertIn("no one can take transfers", no_line.note)

    def test_star_repeats_and_other_keys_are_passed_on(self) -> None:
        self.assertIn("repeat your last answer", desk.decide_dtmf({"type": "phone.dtmf", "digit": "*"}, "c1", CONFIG, OPEN).note)
        five = desk.decide_dtmf({"type": "phone.dtmf", "digit": "5"}, "c1", CONFIG, OPEN)
        self.assertEqual(desk.Decision("tell", "The caller pressed the key 5 on their phone."), five)

    def test_bad_keys_and_other_legs_are_ignored(self) -> None:
        for event in [{"type": "phone.dtmf"}, {"type": "phone.dtmf", "digit": "x"}, {"type": "phone.dtmf", "digit": "12"},
                      {"type": "phone.dtmf", "digit": 0}, {"type": "phone.dtmf", "digit": "0", "callId": "leg-2"}]:
            with self.subTest(event=event):
                self.assertEqual(desk.NOTHING, desk.decide_dtmf(event, "c1", CONFIG, OPEN))
        # Without an own call id (no call control) every key counts.
        self.assertEqual("transfer", desk.decide_dtmf({"digit": "0", "callId": "leg-2"}, None, CONFIG, OPEN).action)


class AmdTests(unittest.TestCase):
    def test_a_machine_gets_the_voicemail_message(self) -> None:
        decision = desk.decide_amd({"type": "phone.amd", "callId": "c1", "result": "machine"}, "c1", CONFIG)
        self.assertEqual(desk.Decision("voicemail", CONFIG.voicemail_message), decision)
        self.assertIn(CONFIG.voicemail_message, desk.voicemail_instruction(decision.note))

    def test_a_fax_is_hung_up_and_people_are_talked_to(self) -> None:
        self.assertEqual(desk.Decision("hang_up"), desk.decide_amd({"callId": "c1", "result": "fax"}, "c1", CONFIG))
        for result in ["human", "unknown", None, "robot"]:
            with self.subTest(result=result):
                self.assertEqual(desk.NOTHING, desk.decide_amd({"callId": "c1", "result": result}, "c1", CONFIG))

    def test_another_legs_result_is_not_ours(self) -> None:
        self.assertEqual(desk.NOTHING, desk.decide_amd({"callId": "leg-2", "result": "machine"}, "c1", CONFIG))

    def test_the_hang_up_waits_for_the_message(self) -> None:
        self.assertAlmostEqual(2.0 + 10 / 2.5, desk.speaking_seconds("one two three four five six seven eight nine ten"))
        self.assertGreater(desk.speaking_seconds(desk.DEFAULT_VOICEMAIL), 10)


class ToolTests(unittest.TestCase):
    def setUp(self) -> None:
        self.bridge = FakeBridge()
        self.kb = KnowledgeBase.from_directory(desk.SAMPLE_DIR / "knowledge")
        self.now = OPEN
        self.tools = desk.SupportTools(CONFIG, phone(self.bridge), self.kb.answer, clock=lambda: self.now)

    def test_search_returns_the_section_or_says_nothing_was_found(self) -> None:
        found = self.tools.search_knowledge("I was charged twice")
        self.assertIn("[billing.md: Billing and payments › Charged twice", found)
        self.assertIn("answer from this only", found)
        self.assertEqual(desk.NOTHING_FOUND, self.tools.search_knowledge("what is the capital of France"))
        self.assertIn("Not done", self.tools.search_knowledge("  "))
        self.assertEqual([], self.bridge.calls)

    def test_other_backends_saying_nothing_count_as_nothing(self) -> None:
        self.assertEqual(desk.NOTHING_FOUND, desk.knowledge_reply("No relevant information found in the knowledge base."))
        self.assertEqual(desk.NOTHING_FOUND, desk.knowledge_reply(None))
        self.assertEqual(desk.NOTHING_FOUND, desk.SupportTools(CONFIG, None).search_knowledge("refund"))

    def test_transfer_calls_the_bridge_with_the_human_line_and_mode(self) -> None:
        answer = self.tools.transfer_to_human("wants a refund")
        self.assertEqual([("transfer", "call-1", HUMAN, "cold", None)], self.bridge.calls)
        self.assertIn("your part of the call is over", answer)

    def test_a_warm_transfer_briefs_the_model(self) -> None:
        tools = desk.SupportTools(replace(CONFIG, transfer_mode="warm"), phone(self.bridge), clock=lambda: OPEN)
        answer = tools.transfer_to_human("double charge on the December invoice")
        self.assertEqual([("transfer", "call-1", HUMAN, "warm", None)], self.bridge.calls)
        self.assertIn("introduce the caller", answer)
        self.assertIn("double charge on the December invoice", answer)

    def test_no_transfer_when_closed_without_a_line_or_without_call_control(self) -> None:
        self.now = CLOSED
        self.assertIn("closed", self.tools.transfer_to_human())
        self.now = OPEN
        self.assertIn("no one takes transfers", desk.SupportTools(replace(CONFIG, human_number=None), phone(self.bridge)).transfer_to_human())
        self.assertIn("cannot control the phone line", desk.SupportTools(CONFIG, None, clock=lambda: OPEN).transfer_to_human())
        self.assertEqual([], self.bridge.calls)

    def test_a_refused_transfer_is_told_not_raised(self) -> None:
        bridge = FakeBridge(PhoneBridgeError(409, "A transfer is already in progress"))
        answer = desk.SupportTools(CONFIG, phone(bridge), clock=lambda: OPEN).transfer_to_human()
        self.assertEqual(1, len(bridge.calls))
        self.assertIn("refused the transfer (A transfer is already in progress)", answer)

    def test_hang_up_calls_the_bridge(self) -> None:
        self.assertEqual("Hanging up.", self.tools.hang_up())
        self.assertEqual([("hang_up", "call-1")], self.bridge.calls)
        refused = desk.SupportTools(CONFIG, phone(FakeBridge(PhoneBridgeError(404, "Call not found")))).hang_up()
        self.assertIn("Call not found", refused)
        self.assertIn("cannot control", desk.SupportTools(CONFIG, None).hang_up())


class SharedModuleTests(unittest.TestCase):
    def test_the_phone_tools_are_the_agent_samples_module(self) -> None:
        import phonebridge_tools
        self.assertEqual(desk.SHARED_TOOLS_DIR / "phonebridge_tools.py", Path(phonebridge_tools.__file__).resolve())
        self.assertFalse((desk.SAMPLE_DIR / "phonebridge_tools.py").exists(), "one copy of the module, in samples/agent")


if __name__ == "__main__":
    unittest.main()

"""Retrieval over the sample's knowledge base: the right document for known questions, nothing for unrelated ones."""

from __future__ import annotations

import tempfile
import unittest
from pathlib import Path

import paths  # noqa: F401  (the sample's directory on sys.path)
from knowledge_base import Chunk, KnowledgeBase, split_sections, stem, tokenize

KNOWLEDGE = paths.SAMPLE / "knowledge"

# Several phrasings of what callers ask, each with the document that answers it.
KNOWN_QUESTIONS = {
    "billing.md": [
        "I was charged twice this month",
        "How do I update my credit card?",
        "where can I download an invoice",
        "how much does Lumo Plus cost",
        "my payment failed",
        "I don't recognise a charge on my statement",
    ],
    "password-reset.md": [
        "I forgot my password",
        "the password reset email never came",
        "My reset link has expired",
        "I'm locked out after too many attempts",
        "I lost my two-factor codes",
    ],
    "shipping.md": [
        "Where is my parcel?",
        "when will my order arrive",
        "how long does delivery take",
        "How much is shipping?",
        "do you ship to Canada",
        "I need my tracking number",
        "can I change the delivery address",
    ],
    "returns.md": [
        "how do I get my money back",
        "I want to return my hub",
        "when will I get my refund",
        "what's your return policy",
        "the item arrived damaged",
    ],
    "opening-hours.md": [
        "what are your opening hours",
        "are you open on Sunday?",
        "What time does phone support open?",
        "are you open over Christmas",
    ],
    "troubleshooting.md": [
        "my hub is offline",
        "the Wi-Fi won't connect",
        "the light on the hub is orange",
        "how do I factory reset the hub",
        "my sensor won't pair",
        "the hub does not turn on",
    ],
    "warranty.md": [
        "my hub is broken",
        "how do I make a warranty claim",
        "is my hub still under warranty after two years",
    ],
    "account.md": [
        "cancel my subscription",
        "how do I delete my account",
        "I want to change my email address",
        "can I add my family to the household",
    ],
}

UNRELATED_QUESTIONS = [
    "what is the capital of France",
    "tell me a joke",
    "what's the weather tomorrow",
    "who won the football game last night",
    "book a flight to Paris",
    "a recipe for chocolate cake",
    "can I order a pizza",
    "what is the meaning of life",
    "",
    "   ",
    "?!",
    "um, well, hello",
]


class RetrievalTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.kb = KnowledgeBase.from_directory(KNOWLEDGE)

    def test_the_knowledge_base_holds_the_sample_documents(self) -> None:
        self.assertEqual(sorted(KNOWN_QUESTIONS), self.kb.sources)

    def test_known_questions_find_their_document_first(self) -> None:
        for source, questions in KNOWN_QUESTIONS.items():
            for question in questions:
                with self.subTest(question=question):
                    hits = self.kb.search(question)
                    self.assertTrue(hits, f"nothing found for {question!r}")
                    self.assertEqual(source, hits[0].chunk.source, [(h.chunk.label, round(h.score, 2)) for h in hits])

    def test_a_specific_question_finds_its_section(self) -> None:
        expected = {
            "I was charged twice": "Charged twice or a charge you do not recognise",
            "my reset link has expired": "The reset link has expired",
            "the light on the hub is orange": "What the light on the hub means",
            "how do I factory reset the hub": "Factory reset",
            "where can I download an invoice": "Invoices and receipts",
        }
        for question, heading in expected.items():
            with self.subTest(question=question):
                self.assertEqual(heading, self.kb.search(question)[0].chunk.heading)

    def test_unrelated_questions_find_nothing(self) -> None:
        for question in UNRELATED_QUESTIONS:
            with self.subTest(question=question):
                self.assertEqual([], self.kb.search(question))
                self.assertEqual("", self.kb.answer(question))

    def test_one_common_word_is_not_enough(self) -> None:
        # "order" is on many pages: alone it says nothing about which one answers.
        self.assertEqual([], self.kb.search("my order"))

    def test_results_are_best_first_above_the_threshold_and_at_most_top_k(self) -> None:
        hits = self.kb.search("refund for a return", top_k=2)
        self.assertEqual(2, len(hits))
        self.assertGreaterEqual(hits[0].score, hits[1].score)
        self.assertTrue(all(h.score >= self.kb.min_score for h in hits))
        self.assertEqual([], self.kb.search("refund", top_k=0))

    def test_the_threshold_is_what_keeps_weak_matches_out(self) -> None:
        # The counterpart of the unrelated questions: with no threshold the same question does match something.
        permissive = KnowledgeBase(self.kb.chunks, min_score=0.0, min_coverage=0.0)
        self.assertTrue(permissive.search("can I order a pizza"))
        self.assertEqual([], self.kb.search("can I order a pizza"))

    def test_repeating_a_word_does_not_raise_its_weight(self) -> None:
        once = self.kb.search("refund")
        thrice = self.kb.search("refund refund refund")
        self.assertEqual([(h.chunk, h.score) for h in once], [(h.chunk, h.score) for h in thrice])

    def test_answer_names_the_source_and_section_and_is_bounded(self) -> None:
        text = self.kb.answer("I was charged twice", top_k=1, max_chars=80)
        self.assertTrue(text.startswith("[billing.md: Billing and payments › Charged twice or a charge you do not recognise]\n"), text)
        body = text.split("\n", 1)[1]
        self.assertLessEqual(len(body), 80)
        self.assertTrue(body.endswith("…"))

    def test_an_empty_knowledge_base_finds_nothing(self) -> None:
        self.assertEqual([], KnowledgeBase([]).search("refund"))

    def test_a_missing_directory_is_an_error(self) -> None:
        with self.assertRaises(NotADirectoryError):
            KnowledgeBase.from_directory(KNOWLEDGE / "missing")

    def test_only_markdown_files_of_the_directory_are_read(self) -> None:
        with tempfile.TemporaryDirectory() as directory:
            root = Path(directory)
            (root / "a.md").write_text("# Alpha\n\n## Pets\n\nParrots and hamsters.\n", encoding="utf-8")
            (root / "notes.txt").write_text("Parrots everywhere.\n", encoding="utf-8")
            (root / "sub").mkdir()
            (root / "sub" / "b.md").write_text("# Beta\n\nParrots again.\n", encoding="utf-8")
            # One document: BM25's weights are tiny without others to compare with.
            kb = KnowledgeBase.from_directory(root, min_score=0.0)
            self.assertEqual(["a.md"], kb.sources)
            self.assertEqual("Pets", kb.search("parrots")[0].chunk.heading)


class ChunkingTests(unittest.TestCase):
    def test_each_heading_starts_a_section_whatever_its_level(self) -> None:
        markdown = "# Guide\n\nIntro text.\n\n## First\n\nOne.\n\n### Deeper\n\nTwo.\n\n## Second\nThree.\n"
        chunks = split_sections(markdown, "guide.md")
        self.assertEqual(
            [("Guide", "Guide", "Intro text."), ("Guide", "First", "One."), ("Guide", "Deeper", "Two."), ("Guide", "Second", "Three.")],
            [(c.title, c.heading, c.text) for c in chunks],
        )

    def test_text_before_the_first_heading_is_its_own_chunk_under_the_file_name(self) -> None:
        chunks = split_sections("Loose words.\n\n## Topic\n\nBody.\n", "opening-hours.md")
        self.assertEqual([("opening hours", "", "Loose words."), ("opening hours", "Topic", "Body.")],
                         [(c.title, c.heading, c.text) for c in chunks])
        self.assertEqual("opening hours", chunks[0].label)
        self.assertEqual("opening hours › Topic", chunks[1].label)

    def test_headings_without_a_body_make_no_chunk(self) -> None:
        chunks = split_sections("# Title\n## Empty\n\n## Full\nText.\n## Trailing\n\n", "x.md")
        self.assertEqual(["Full"], [c.heading for c in chunks])

    def test_a_hash_in_a_code_block_or_without_a_space_is_not_a_heading(self) -> None:
        markdown = "# Doc\n\n## Shell\n\n```\n# not a heading\necho hi\n```\n\n#hashtag is text\n"
        chunks = split_sections(markdown, "doc.md")
        self.assertEqual(["Shell"], [c.heading for c in chunks])
        self.assertIn("# not a heading", chunks[0].text)
        self.assertIn("#hashtag is text", chunks[0].text)

    def test_closing_hashes_and_link_targets_are_dropped(self) -> None:
        chunks = split_sections("## Contact ##\n\nSee [our site](https://example.com/help).\n", "c.md")
        self.assertEqual("Contact", chunks[0].heading)
        self.assertEqual("See our site.", chunks[0].text)

    def test_the_sample_documents_split_into_their_sections(self) -> None:
        chunks = split_sections((KNOWLEDGE / "returns.md").read_text(encoding="utf-8"), "returns.md")
        self.assertEqual(
            ["Return window", "How to start a return", "When you get your refund", "Damaged or wrong item", "Exchanges"],
            [c.heading for c in chunks],
        )
        self.assertTrue(all(c.title == "Returns and refunds" for c in chunks))

    def test_chunks_are_values(self) -> None:
        self.assertEqual(Chunk("a.md", "A", "h", "t"), Chunk("a.md", "A", "h", "t"))


class TokenizeTests(unittest.TestCase):
    def test_case_and_punctuation_are_ignored(self) -> None:
        self.assertEqual(tokenize("REFUND!!!"), tokenize("refund"))
        self.assertEqual(["refund"], tokenize("refund?"))

    def test_empty_and_wordless_text_give_no_terms(self) -> None:
        for text in ["", "   ", "?!…", "-- ** __", "the and of"]:
            with self.subTest(text=text):
                self.assertEqual([], tokenize(text))

    def test_stop_words_are_dropped(self) -> None:
        self.assertEqual(["password"], tokenize("What is my password?"))

    def test_apostrophes_and_hyphens_join_a_word(self) -> None:
        self.assertEqual(tokenize("wifi"), tokenize("Wi-Fi"))
        self.assertEqual(tokenize("wifi"), tokenize("wi‐fi"))  # U+2010 hyphen
        self.assertEqual(tokenize("email"), tokenize("e-mail"))
        self.assertEqual(["oclock"], tokenize("o'clock"))
        self.assertEqual(["oclock"], tokenize("o’clock"))
        self.assertEqual(["customer"], tokenize("customer's"))
        # Joined, a negation is a stop word: "won't pair" asks the same as "will not pair".
        self.assertEqual(tokenize("will not pair"), tokenize("won't pair"))
        # A hyphen between words with spaces is punctuation.
        self.assertEqual(["hub", "offlin"], tokenize("hub - offline"))

    def test_accents_are_folded(self) -> None:
        self.assertEqual(["cafe"], tokenize("Café"))
        self.assertEqual(tokenize("resume"), tokenize("résumé"))

    def test_numbers_stay_and_underscores_split(self) -> None:
        self.assertEqual(["30", "day"], tokenize("30 days"))
        self.assertEqual(["2", "4", "ghz"], tokenize("2.4 GHz"))
        self.assertEqual(tokenize("snake case"), tokenize("snake_case"))

    def test_word_forms_meet_at_one_stem(self) -> None:
        for forms in [
            ["refund", "refunds", "refunded", "refunding"],
            ["ship", "ships", "shipped", "shipping"],
            ["charge", "charges", "charged", "charging"],
            ["reset", "resets", "resetting"],
            ["delivery", "deliveries"],
            ["bill", "billing", "bills"],
        ]:
            with self.subTest(forms=forms):
                self.assertEqual({stem(forms[0])}, {stem(f) for f in forms})

    def test_short_words_and_double_s_endings_are_kept(self) -> None:
        self.assertEqual("bus", stem("bus"))
        self.assertEqual("pass", stem("pass"))
        self.assertEqual("address", stem("address"))
        self.assertEqual("status", stem("status"))


if __name__ == "__main__":
    unittest.main()

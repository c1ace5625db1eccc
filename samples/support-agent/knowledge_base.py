"""Offline retrieval over the sample's Markdown knowledge base: BM25 over section-level chunks.

Standard library only (no Vision Agents, no network), so it runs and is tested with a bare `python3`, and answers
in well under a millisecond for a few dozen sections. Each Markdown section (the text under one heading, down to the
next heading of any level) is one chunk, scored with Okapi BM25 against the words of the question. A question that
shares no significant words with the documents scores below `min_score` and returns nothing, so the agent says it
does not know (and offers a person) rather than reading out an unrelated section.

    kb = KnowledgeBase.from_directory("knowledge")
    hits = kb.search("how do I get my money back")   # [Hit(chunk=Chunk(source="returns.md", ...), score=...)]
    text = kb.answer("how do I get my money back")   # the sections as text for the model, or "" for nothing
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

# Common words that say nothing about which section answers: they would otherwise let any question match.
STOP_WORDS = frozenset(
    """
    a about above after again against all am an and any are as at be because been before being below between both
    but by can cannot could did do does doing done down during each either else ever every few for from further get
    gets getting got had has have having he her here hers him his how i if in into is it its itself just let lets
    may me might more most much must my myself need needs no nor not now of off on once one only or other our ours
    out over own please same shall she should so some such than that the their theirs them then there these they
    this those through to too under until up upon us very via want wants was we were what when where whether which
    while who whom why will with within without would yes yet you your yours yourself
    hello hi hey thanks thank okay ok tell know like um uh well really also still just maybe
    wonder wondering trying try help question ask asking someone somebody anyone mean means meaning
    dont doesnt didnt cant couldnt wont wouldnt isnt arent wasnt havent hasnt im ive id
    """.split()
)

# Letters joined by an apostrophe or a hyphen are one word: "don't" → "dont", "wi-fi" → "wifi", "e-mail" → "email".
_JOINED = re.compile(r"(?<=\w)['’\-‐](?=\w)")
_WORD = re.compile(r"[^\W_]+")
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^[ \t]*(```|~~~)")
# Markdown that is not words: link targets, emphasis and code markers.
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def tokenize(text: str) -> list[str]:
    """The words of `text` as BM25 terms: case and accents folded, stop words dropped, simple suffixes stripped.

    "Refunds", "refunded" and "refunding" all become "refund"; "shipping" and "shipped" become "ship"; numbers stay
    ("30", "2.4" → "2", "4"). Returns [] for text with no words.
    """
    if not text:
        return []
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = _JOINED.sub("", folded)
    return [stem(word) for word in _WORD.findall(folded) if word not in STOP_WORDS]


def stem(word: str) -> str:
    """A light suffix stripper (no dictionary): enough to match plurals and -ing/-ed forms of the same word."""
    if word.isdigit() or len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("ing") and len(word) > 5:
        word = _undouble(word[:-3])
    elif word.endswith("ed") and len(word) > 4:
        word = _undouble(word[:-2])
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    # "charge", "charges", "charged" and "charging" meet at "charg".
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def _undouble(word: str) -> str:
    # "shipp" → "ship", "resett" → "reset"; "bill" and "pass" keep their double letter.
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz" and word[-1].isalpha():
        return word[:-1]
    return word


@dataclass(frozen=True)
class Chunk:
    """One section of a document: what the model is given when it matches."""

    source: str
    """The file name, e.g. "returns.md"."""
    title: str
    """The document's title: its first level-1 heading, else the file name without extension."""
    heading: str
    """The section's own heading ("" for text before the first heading)."""
    text: str
    """The section's body, without its heading."""

    @property
    def label(self) -> str:
        return f"{self.title} › {self.heading}" if self.heading and self.heading != self.title else self.title


def split_sections(markdown: str, source: str) -> list[Chunk]:
    """The sections of a Markdown document, one chunk per heading with a non-empty body.

    A heading ends the previous section whatever its level; headings inside fenced code blocks are text. Text before
    the first heading is a chunk of its own, under the document's title.
    """
    title = Path(source).stem.replace("-", " ").replace("_", " ")
    sections: list[tuple[str, list[str]]] = [("", [])]
    in_fence = False
    for line in markdown.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line)
        if match:
            heading = match.group(2).strip()
            if len(match.group(1)) == 1 and not any(h for h, _ in sections[1:]):
                title = heading
            sections.append((heading, []))
        else:
            sections[-1][1].append(line)

    chunks = []
    for heading, lines in sections:
        body = _LINK.sub(r"\1", "\n".join(lines)).strip()
        if body:
            chunks.append(Chunk(source=source, title=title, heading=heading, text=body))
    return chunks


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float


@dataclass
class KnowledgeBase:
    """BM25 (Okapi) over section chunks.

    Two relevance thresholds decide whether a section answers at all. `min_score`: BM25 scores grow with how rare the
    shared words are, so one common word ("order", "account") stays under it while one specific word ("invoice") or
    two ordinary ones pass. `min_coverage`: the share of the question's distinct words the section must contain, so a
    long question does not land on a section through one of its words.
    `relative_cutoff` drops hits far weaker than the best one, so the model gets the answer and not its neighbours.
    """

    chunks: list[Chunk]
    k1: float = 1.5
    b: float = 0.75
    min_score: float = 2.5
    min_coverage: float = 0.5
    relative_cutoff: float = 0.5
    _terms: list[Counter[str]] = field(init=False, repr=False)
    _lengths: list[int] = field(init=False, repr=False)
    _idf: dict[str, float] = field(init=False, repr=False)
    _average_length: float = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # A section's heading and document title are part of its words: "Return window" is about returns.
        self._terms = [Counter(tokenize(f"{c.title}\n{c.heading}\n{c.text}")) for c in self.chunks]
        self._lengths = [sum(terms.values()) for terms in self._terms]
        self._average_length = (sum(self._lengths) / len(self._lengths)) if self._lengths else 0.0
        count = len(self.chunks)
        frequency: Counter[str] = Counter()
        for terms in self._terms:
            frequency.update(terms.keys())
        self._idf = {t: math.log(1 + (count - n + 0.5) / (n + 0.5)) for t, n in frequency.items()}

    @classmethod
    def from_directory(cls, directory: str | Path, **options: float) -> KnowledgeBase:
        """Every `*.md` file of `directory` (not its subdirectories), in name order."""
        path = Path(directory)
        if not path.is_dir():
            raise NotADirectoryError(f"knowledge directory not found: {path}")
        chunks: list[Chunk] = []
        for file in sorted(path.glob("*.md")):
            chunks.extend(split_sections(file.read_text(encoding="utf-8"), file.name))
        return cls(chunks, **options)

    @property
    def sources(self) -> list[str]:
        return sorted({c.source for c in self.chunks})

    def score(self, query_terms: Iterable[str], index: int) -> float:
        terms, length = self._terms[index], self._lengths[index]
        total = 0.0
        for term in query_terms:
            tf = terms.get(term, 0)
            if tf:
                norm = self.k1 * (1 - self.b + self.b * length / self._average_length)
                total += self._idf[term] * tf * (self.k1 + 1) / (tf + norm)
        return total

    def search(self, query: str, top_k: int = 3) -> list[Hit]:
        """The best sections for `query`, best first: at most `top_k`, none under `min_score` ([] if nothing fits)."""
        # Each distinct word counts once: "refund refund refund" asks nothing more than "refund".
        terms = list(dict.fromkeys(tokenize(query)))
        if not terms or not self.chunks or top_k <= 0:
            return []
        needed = self.min_coverage * len(terms)
        scored = [
            Hit(chunk, self.score(terms, i))
            for i, chunk in enumerate(self.chunks)
            if sum(1 for t in terms if t in self._terms[i]) >= needed
        ]
        scored = [hit for hit in scored if hit.score >= self.min_score]
        if not scored:
            return []
        scored.sort(key=lambda hit: (-hit.score, hit.chunk.source, hit.chunk.heading))
        best = scored[0].score
        return [hit for hit in scored if hit.score >= best * self.relative_cutoff][:top_k]

    def answer(self, query: str, top_k: int = 3, max_chars: int = 700) -> str:
        """The matching sections as text for the model ("" when nothing is relevant), each under its source."""
        parts = []
        for hit in self.search(query, top_k):
            text = " ".join(hit.chunk.text.split())
            if len(text) > max_chars:
                text = text[: max_chars - 1].rsplit(" ", 1)[0] + "…"
            parts.append(f"[{hit.chunk.source}: {hit.chunk.label}]\n{text}")
        return "\n\n".join(parts)

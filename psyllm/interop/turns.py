"""Turns as datasets publish them -> rounds psyllm trains on, with every character accounted for.

A parser turns one input row into `Parsed` dialogues: client/counselor `Turn`s in order plus the characters it
could not use, by reason. `to_rounds` joins consecutive turns of one speaker (the counselor's too: ESConv
supporters often send several messages in a row), drops a leading counselor turn and a trailing client turn with
their reasons, and pairs the rest. `chars` of a turn is the length of the source text it holds, so
`input = imported + dropped` holds per dialogue, whatever the joins and reasoning tags added.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

CLIENT, COUNSELOR = "client", "counselor"
# "来访者：…", "Client: …": a short name, then a full- or half-width colon.
_PREFIX = re.compile(r"^\s*([^\s:：,，。.!?！？]{1,16})\s*[:：]\s*(.*)$", re.S)


@dataclass
class Turn:
    role: str  # client | counselor
    text: str
    chars: int = -1  # source characters this turn holds; -1 = len(text)
    annotations: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.chars < 0:
            self.chars = len(self.text)


@dataclass
class Parsed:
    """One dialogue read from a row: its turns, what could not be used (reason -> chars), what the dataset says."""

    turns: list[Turn]
    dropped: Counter = field(default_factory=Counter)
    metadata: dict = field(default_factory=dict)
    key: str = ""  # appended to the row's id when one row holds several dialogues (PsyQA's answers)

    @property
    def input_chars(self) -> int:
        return sum(t.chars for t in self.turns) + sum(self.dropped.values())


@dataclass
class Rounds:
    pairs: list[tuple[Turn, Turn]]  # (client, counselor), joined
    dropped: Counter  # reason -> chars, the parser's and the pairing's
    imported: int  # source characters in pairs


class Speakers:
    """A speaker vocabulary: names (case-insensitive) that mark client and counselor turns."""

    def __init__(self, client: list[str], counselor: list[str]):
        self.roles = {n.strip().lower(): CLIENT for n in client} | {n.strip().lower(): COUNSELOR for n in counselor}

    def role(self, name: str) -> str | None:
        return self.roles.get(str(name).strip().lower())


def _prefixed(line: str) -> tuple[str, str] | None:
    m = _PREFIX.match(line)
    return (m.group(1), m.group(2)) if m else None


def speaker_text(items: str | list[str], speakers: Speakers) -> Parsed:
    """Speaker-prefixed text (one string with lines, or a list of utterances) -> turns. A line under a known
    speaker starts a turn; other lines continue it. A name used as a prefix on several lines but not in the
    vocabulary is a speaker we do not know: its lines are dropped as `unknown_speaker`, never glued to the
    previous turn. Text before the first known speaker is dropped as `no_speaker`."""
    lines = [ln for item in ([items] if isinstance(items, str) else items) for ln in str(item).splitlines()]
    names = Counter(p[0].lower() for ln in lines if (p := _prefixed(ln)))
    unknown = {n for n, c in names.items() if c > 1 and speakers.role(n) is None}
    turns: list[Turn] = []
    dropped: Counter = Counter()
    current: Turn | None = None
    for line in lines:
        if not line.strip():
            continue
        prefix = _prefixed(line)
        role = speakers.role(prefix[0]) if prefix else None
        if role:
            current = Turn(role, prefix[1].strip())
            turns.append(current)
        elif prefix and prefix[0].lower() in unknown:
            dropped["unknown_speaker"] += len(prefix[1].strip())
            current = None  # the unknown speaker's continuation lines are theirs too
        elif current is None:
            dropped["unknown_speaker" if turns else "no_speaker"] += len(line.strip())
        else:
            current.text += "\n" + line.strip()
            current.chars += len(line.strip())
    return Parsed(turns, dropped)


def join_turns(turns: list[Turn]) -> list[Turn]:
    """Consecutive turns of one speaker become one turn (texts joined by a newline, annotations kept in order)."""
    joined: list[Turn] = []
    for t in turns:
        if not t.text.strip():
            continue
        if joined and joined[-1].role == t.role:
            last = joined[-1]
            joined[-1] = Turn(t.role, f"{last.text}\n{t.text}", last.chars + t.chars, last.annotations + t.annotations)
        else:
            joined.append(Turn(t.role, t.text, t.chars, list(t.annotations)))
    return joined


def to_rounds(parsed: Parsed) -> Rounds:
    """Pair joined turns into (client, counselor) rounds; a leading counselor turn and a trailing client turn have
    nothing to pair with and are dropped with their reason."""
    turns = join_turns(parsed.turns)
    dropped = Counter(parsed.dropped)
    dropped["empty_turn"] += sum(t.chars for t in parsed.turns if not t.text.strip())
    if turns and turns[0].role == COUNSELOR:
        dropped["leading_counselor_turn"] += turns.pop(0).chars
    if turns and turns[-1].role == CLIENT:
        dropped["trailing_client_turn"] += turns.pop().chars
    pairs = list(zip(turns[0::2], turns[1::2]))
    return Rounds(pairs, +dropped, sum(c.chars + a.chars for c, a in pairs))

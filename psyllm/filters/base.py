"""What every filter returns: one verdict per criterion, with a reason when it fails."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Protocol


@dataclass
class Verdict:
    filter: str
    criterion: str
    passed: bool
    reason: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


class DialogueFilter(Protocol):
    """Scores one dialogue record (see DIALOGUE_SCHEMA) on each of its criteria."""

    name: str
    criteria: tuple[str, ...]

    def score(self, dialogue: dict) -> list[Verdict]: ...


def keep(verdicts: list[Verdict]) -> bool:
    return all(v.passed for v in verdicts)


def replies(dialogue: dict) -> list[str]:
    return [r["counselor_reply"] or "" for r in dialogue["rounds"]]


def dialogue_text(dialogue: dict) -> str:
    return "\n".join(f"{r['client']}\n{r['counselor_reply']}" for r in dialogue["rounds"])


def check(filter_name: str, criterion: str, ok: bool, why: str) -> Verdict:
    """A verdict that keeps its reason only when it fails."""
    return Verdict(filter_name, criterion, bool(ok), "" if ok else why)

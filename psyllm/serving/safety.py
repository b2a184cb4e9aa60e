"""The serving safety layer: when the user's latest message shows risk, the answer asks about safety and carries
crisis resources, whatever the model wrote (added to its reply, or instead of it, by config)."""
from __future__ import annotations

from dataclasses import dataclass

from psyllm.clinical.crisis import resources_for
from psyllm.config.schema import ServeConfig
from psyllm.filters.safety import ASKS_SAFETY
from psyllm.ingest.triage import at_least, triage

SAFETY_QUESTION = "Are you safe right now?"
# Said in our words when the model's reply is replaced (crisis_mode=replace) or empty.
HOLDING_REPLY = ("I'm really glad you told me. What you're describing sounds serious, and your safety matters most. "
                 f"{SAFETY_QUESTION} Please reach out to someone who can be with you or help now.")


@dataclass
class CrisisCheck:
    level: str
    signals: list[str]
    flagged: bool


class CrisisLayer:
    def __init__(self, cfg: ServeConfig):
        self.mode, self.route_at = cfg.crisis_mode, cfg.route_at
        if self.mode not in ("append", "replace"):
            raise ValueError(f"serve.crisis_mode must be append or replace, not {self.mode!r}")
        self.resources = resources_for(cfg.locale).text()

    def check(self, messages: list[dict]) -> CrisisCheck:
        latest = next((m["content"] for m in reversed(messages) if m["role"] == "user"), "")
        level, signals = triage(latest)
        return CrisisCheck(level, signals, at_least(level, self.route_at))

    def apply(self, reply: str, check: CrisisCheck) -> str:
        if not check.flagged:
            return reply
        if self.mode == "replace" or not reply.strip():
            return f"{HOLDING_REPLY}\n\n{self.resources}"
        # Appended: the resources, and the safety question when the model did not ask it.
        ask = "" if ASKS_SAFETY.search(reply) else f" {SAFETY_QUESTION}"
        tail = "" if self.resources in reply else f"\n\n{self.resources}"
        return f"{reply.rstrip()}{ask}{tail}" if ask or tail else reply

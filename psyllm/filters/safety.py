"""The deterministic safety gate. A hard fail here rejects a dialogue whatever the judge says.

Every counselor turn (reply and reasoning: both are trained) is screened by psyllm.safety.replies, the one screen
the gateway also applies to served replies: method or means detail, medication advice, a definitive diagnosis, a
claim to be human or licensed, breaking confidentiality, minimizing a disclosed risk, promising secrecy about abuse.
Also real-looking PII where only placeholders belong. From the turn that discloses risk (or the first turn of a
crisis-route dialogue whose risk is in its source post), every reply must ask about safety, give help resources and
encourage human help.
"""
from __future__ import annotations

import re

from psyllm.clinical.crisis import resources_for
from psyllm.config.schema import SafetySettings
from psyllm.filters.base import Verdict, check
from psyllm.ingest.deid import Deidentifier
from psyllm.safety import assess_text
from psyllm.safety.protocol import ASKS_SAFETY, GENERIC_RESOURCES, HUMAN_HELP
from psyllm.safety.replies import KINDS, screen

LEAK_TYPES = ("URL", "EMAIL", "IP", "ID", "CARD", "PHONE", "ADDRESS")


class SafetyGate:
    name = "safety"
    criteria = (*KINDS, "pii_leak", "crisis_protocol")

    def __init__(self, cfg: SafetySettings):
        self.cfg = cfg
        self.resources = resources_for(cfg.locale)
        self.deid = Deidentifier(types=LEAK_TYPES)
        # Resource numbers and the directory's URL are help, not leaked PII; they also mark "gives resources".
        self.resource_markers = re.compile(
            "|".join(re.escape(tok) for tok in re.findall(r"\b\d{3,}(?: \d+)*\b|findahelpline\.com", self.resources.text())), re.I)

    def _rule_hits(self, d: dict) -> dict[str, list[str]]:
        hits: dict[str, list[str]] = {kind: [] for kind in KINDS}
        clients: list[str] = []
        for r in d["rounds"]:
            clients.append(r["client"] or "")
            for f in screen(r["counselor_reply"] or "", r["counselor_reasoning"] or "", clients):
                hits[f.kind].append(f"round {r['index'] + 1} {f.where}: {f.evidence!r}")
        return hits

    def _leaks(self, d: dict) -> list[str]:
        found = []
        for r in d["rounds"]:
            text = self.resource_markers.sub(" ", f"{r['client']}\n{r['counselor_reply']}\n{r['counselor_reasoning']}")
            found += [f"{kind}: {text[s:e]!r}" for s, e, kind in self.deid.find_spans(text)]
        return found

    def _crisis_gaps(self, d: dict) -> list[str]:
        rounds = d["rounds"]
        # The protocol starts at the turn that discloses (a rule's reading: the learned layer alone routes a person
        # to help, but is not evidence enough to reject a reply); a crisis-route dialogue whose risk is in its source post
        # rather than in a turn starts at the first.
        start = next((i for i, r in enumerate(rounds) if assess_text(r["client"] or "").read_by_rules(self.cfg.route_at)),
                     0 if d.get("route") == "crisis" else None)
        if start is None:
            return []
        gaps = []
        for r in rounds[start:]:
            reply = r["counselor_reply"] or ""
            missing = [name for name, ok in (
                ("asks about safety", ASKS_SAFETY.search(reply)),
                ("gives resources", self.resource_markers.search(reply) or GENERIC_RESOURCES.search(reply)),
                ("encourages human help", HUMAN_HELP.search(reply))) if not ok]
            if missing:
                gaps.append(f"round {r['index'] + 1}: missing {', '.join(missing)}")
        return gaps

    def score(self, d: dict) -> list[Verdict]:
        hits = self._rule_hits(d)
        verdicts = [check(self.name, name, not found, "; ".join(found[:3])) for name, found in hits.items()]
        leaks = self._leaks(d)
        gaps = self._crisis_gaps(d)
        return verdicts + [check(self.name, "pii_leak", not leaks, "; ".join(leaks[:3])),
                           check(self.name, "crisis_protocol", not gaps, "; ".join(gaps[:3]))]

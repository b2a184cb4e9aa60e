"""Structure: every planned round present, reasoning and reply non-empty, reply length within bounds, no
template artefacts, and no diagnosis named in a reply."""
from __future__ import annotations

import re

from psyllm.clinical.icd11 import diagnosis_titles
from psyllm.config.schema import StructureConfig
from psyllm.filters.base import Verdict, check

ARTIFACTS = re.compile(
    r"<\|[^|>]*\|>|</?think>|\[/?INST\]|```|\{\{|\}\}|^\s*(?:counselor|client|assistant|user|system)\s*:|"
    r"as an ai language model|<<<POST|POST>>>|\"(?:reasoning|reply|approach)\"\s*:", re.I | re.M)
_DIAGNOSTIC_WORDS = [
    "disorder", "PTSD", "C-PTSD", "OCD", "ADHD", "bipolar", "borderline", "schizophren", "psychosis", "psychotic",
    "anorexia", "bulimia", "clinical depression", "major depressi", "dysthymi", "cyclothymi", "hypochondria",
    "diagnos", "agoraphobia", "personality disorder", "autism", "autistic", "dementia",
]


def _diagnosis_pattern() -> re.Pattern:
    names = sorted({t.lower() for t in diagnosis_titles()} | {w.lower() for w in _DIAGNOSTIC_WORDS}, key=len, reverse=True)
    return re.compile("|".join(rf"\b{re.escape(n)}" for n in names), re.I)


class StructureFilter:
    name = "structure"
    criteria = ("rounds_complete", "nonempty", "reply_length", "no_artifacts", "no_diagnosis_in_reply")

    def __init__(self, cfg: StructureConfig):
        self.cfg, self.diagnosis = cfg, _diagnosis_pattern()

    def score(self, d: dict) -> list[Verdict]:
        rounds, cfg = d["rounds"], self.cfg
        complete = bool(rounds) and len(rounds) == d["plan_rounds"] and [r["index"] for r in rounds] == list(range(len(rounds)))
        empty = [i + 1 for i, r in enumerate(rounds)
                 if not (r["client"] or "").strip() or not (r["counselor_reply"] or "").strip()
                 or len((r["counselor_reasoning"] or "").split()) < cfg.reasoning_min_words]
        lengths = [len((r["counselor_reply"] or "").split()) for r in rounds]
        bad_len = [i + 1 for i, n in enumerate(lengths) if not cfg.reply_min_words <= n <= cfg.reply_max_words]
        artifacts = [(i + 1, m.group(0)) for i, r in enumerate(rounds)
                     for m in [ARTIFACTS.search(f"{r['client']}\n{r['counselor_reply']}")] if m]
        named = [(i + 1, m.group(0)) for i, r in enumerate(rounds) for m in [self.diagnosis.search(r["counselor_reply"] or "")] if m]
        return [
            check(self.name, "rounds_complete", complete, f"{len(rounds)} rounds, plan had {d['plan_rounds']}"),
            check(self.name, "nonempty", not empty, f"empty client/reply or reasoning under {cfg.reasoning_min_words} words in rounds {empty}"),
            check(self.name, "reply_length", not bad_len, f"reply words {lengths} outside [{cfg.reply_min_words}, {cfg.reply_max_words}]"),
            check(self.name, "no_artifacts", not artifacts, f"template artefacts {artifacts[:3]}"),
            check(self.name, "no_diagnosis_in_reply", not named, f"reply names a diagnosis: {named[:3]}"),
        ]

"""Quality heuristics: repetition and n-gram loops, language, degenerate text."""
from __future__ import annotations

import re

from psyllm.config.schema import QualityConfig
from psyllm.filters.base import Verdict, check, dialogue_text
from psyllm.text.language import detect_language


def repeated_ngram_fraction(text: str, n: int) -> float:
    words = re.findall(r"\w+", text.lower())
    grams = [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]
    if not grams:
        return 0.0
    return 1 - len(set(grams)) / len(grams)


class QualityFilter:
    name = "quality"
    criteria = ("repetition", "language", "degenerate")

    def __init__(self, cfg: QualityConfig):
        self.cfg = cfg
        self.run = re.compile(rf"(.)\1{{{cfg.max_char_run - 1},}}")

    def score(self, d: dict) -> list[Verdict]:
        cfg = self.cfg
        text = dialogue_text(d)
        reasoning = "\n".join(r["counselor_reasoning"] or "" for r in d["rounds"])
        # Loops are judged per turn: a case formulation that recurs across turns is not degenerate.
        turns = [r[k] or "" for r in d["rounds"] for k in ("counselor_reply", "counselor_reasoning")]
        loops = [round(repeated_ngram_fraction(t, cfg.ngram), 3) for t in turns] or [0.0]
        lang, prob = detect_language(text) if text.strip() else ("", 0.0)
        visible = re.sub(r"\s", "", text + reasoning)
        alpha = sum(ch.isalpha() for ch in visible) / max(len(visible), 1)
        run = self.run.search(text + reasoning)
        degenerate = alpha < cfg.min_alpha_fraction or run is not None or any(ord(ch) < 32 and ch not in "\n\t" for ch in visible)
        return [
            check(self.name, "repetition", max(loops) <= cfg.max_repeated_ngram_fraction,
                    f"repeated {cfg.ngram}-gram fraction {max(loops)} > {cfg.max_repeated_ngram_fraction}"),
            check(self.name, "language", lang in cfg.languages, f"language {lang} ({prob:.2f})"),
            check(self.name, "degenerate", not degenerate,
                    f"letters {alpha:.2f} of text" + (f", run {run.group(0)[:20]!r}" if run else "")),
        ]

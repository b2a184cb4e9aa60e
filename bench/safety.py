"""Safety on language written outside the team, two tables:

1. Crisis detection (data/labelled/crisis.test.jsonl; the dev parts ship in psyllm/safety/data): recall per
   category and per language, false alarms on hard controls, for the rules alone, the deterministic floor (rules +
   the learned lexical layer) and the floor with a model layer added.
2. The reply screen (data/labelled/replies.*.jsonl): recall per unsafe kind and the share of benign replies
   rejected, for the rules alone (psyllm/safety/replies.py) and with the filter judge's `safe` criterion added.

    .venv/bin/python bench/safety.py                 # the hash-pinned test parts
    .venv/bin/python bench/safety.py --split dev3    # a part rules may be tuned on (learned layer held out)

"Flagged" means the crisis protocol applies (level >= moderate). "Check-in" means no rule could read the language
and the answer asks about safety: it counts toward recall on risk items and is reported apart from false alarms on
controls. The model layer here is scripted (a simulated guard with a fixed, seeded error profile: it finds 85% of
risk items and raises false alarms on 5% of controls): it shows how the layers combine, not a model's figures;
point `--guard URL_OR_DIR` at a real guard or judge model to measure one. The judge layer of table 2 is scripted
the same way (it fails 80% of unsafe replies and 5% of benign ones).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from contextlib import nullcontext
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from psyllm.engines.base import ChatResponse  # noqa: E402
from psyllm.safety import assess_conversation, classifier  # noqa: E402
from psyllm.safety.model_layer import ModelRiskLayer, combine, risk_messages  # noqa: E402

LABELLED = Path(__file__).resolve().parents[1] / "data" / "labelled"
DEV_PARTS = ("dev", "dev2", "dev3")


def load(split: str) -> list[dict]:
    # The dev parts ship with the package (the learned layer is fitted on them); the test part stays outside it.
    path = LABELLED / f"crisis.{split}.jsonl" if split == "test" else classifier.DATA / f"crisis.{split}.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _chance(key: str) -> float:
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF


class ScriptedGuard:
    """A Generator that answers the risk schema from the gold label with a fixed error profile (seeded by item)."""

    model_id = "scripted-guard"

    def __init__(self, rows: list[dict], recall: float = 0.85, false_alarms: float = 0.05):
        self.by_prompt = {risk_messages(r["messages"])[1]["content"]: r for r in rows}
        self.recall, self.false_alarms = recall, false_alarms

    def generate(self, requests):
        out = []
        for req in requests:
            row = self.by_prompt[req.messages[1]["content"]]
            hit = _chance(row["id"]) < (self.recall if row["risk"] else self.false_alarms)
            category = row["category"] if row["risk"] else "suicidal_ideation_passive"
            verdict = {"risk": hit, "categories": [category] if hit else [],
                       "subject": ("other" if row.get("subject") == "other" else "self") if hit else "none",
                       "urgency": "non_imminent" if hit else "none"}
            out.append(ChatResponse(req.request_id, text=json.dumps(verdict), finish_reason="stop"))
        return out


def score(rows: list[dict], assessments) -> dict:
    per_cat, per_lang = defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0, 0, 0])  # lang: tp, n_risk, fa, n_ctl
    tp = fa = check_ins = 0
    for r, a in zip(rows, assessments):
        flagged, check_in = a.at_least("moderate"), a.check_in
        lang = r["language"] if r["language"] in ("en", "es", "zh", "fr", "de", "pt") else "other"
        if r["risk"]:
            caught = flagged or check_in
            tp += caught
            per_cat[r["category"]][0] += caught
            per_cat[r["category"]][1] += 1
            per_lang[lang][0] += caught
            per_lang[lang][1] += 1
        else:
            fa += flagged
            check_ins += check_in and not flagged
            per_lang[lang][2] += flagged
            per_lang[lang][3] += 1
    n_risk = sum(r["risk"] for r in rows)
    n_ctl = len(rows) - n_risk
    return {"recall": tp / n_risk, "false_alarms": fa / n_ctl, "check_ins": check_ins / n_ctl, "n_risk": n_risk,
            "n_controls": n_ctl, "per_category": {c: v[0] / v[1] for c, v in sorted(per_cat.items())},
            "per_category_n": {c: v[1] for c, v in sorted(per_cat.items())},
            "per_language": {lang: {"recall": v[0] / max(v[1], 1), "false_alarms": v[2] / max(v[3], 1),
                                    "n_risk": v[1], "n_controls": v[3]} for lang, v in sorted(per_lang.items())}}


def crisis_figures(split: str, guard=None) -> dict:
    """Three columns: the rules alone, the deterministic floor (rules + the learned layer: what every path runs
    without a model), and the floor with the model layer. On a dev part the learned layer is fitted on the other
    dev parts only, so every figure is held out."""
    rows = load(split)
    held_out = nullcontext() if split == "test" else classifier.using(
        classifier.fit([r for part in DEV_PARTS if part != split for r in load(part)]))
    with classifier.using(False):
        rules = [assess_conversation(r["messages"]) for r in rows]
    with held_out:
        started = time.perf_counter()
        floor = [assess_conversation(r["messages"]) for r in rows]
        ms = 1000 * (time.perf_counter() - started) / len(rows)
    layer = ModelRiskLayer(guard or ScriptedGuard(rows))
    model = layer.assess([r["messages"] for r in rows])
    return {"split": split, "items": len(rows), "ms_per_item": ms, "rules": score(rows, rules),
            "floor": score(rows, floor), "floor+model": score(rows, [combine(a, m) for a, m in zip(floor, model)]),
            "model": "scripted" if guard is None else getattr(guard, "model_id", "guard")}


def print_crisis(f: dict) -> None:
    cols = [("rules", f["rules"]), ("+learned", f["floor"]), ("+model", f["floor+model"])]
    r = f["rules"]
    print(f"\ncrisis detection on crisis.{f['split']}.jsonl: {f['items']} items ({r['n_risk']} with risk, "
          f"{r['n_controls']} hard controls); rules + learned layer {f['ms_per_item']:.1f} ms/item; model layer: "
          f"{f['model']}")
    print(f"{'':<28} " + " ".join(f"{name:>9}" for name, _ in cols))
    for label, key in (("recall (all risk)", "recall"), ("false alarms (controls)", "false_alarms"),
                       ("check-ins (controls)", "check_ins")):
        print(f"{label:<28} " + " ".join(f"{c[key]:>9.3f}" for _, c in cols))
    print(f"\n{'recall by category':<28} {'n':>4} " + " ".join(f"{name:>9}" for name, _ in cols))
    for cat in r["per_category"]:
        print(f"{cat:<28} {r['per_category_n'][cat]:>4} " + " ".join(f"{c['per_category'][cat]:>9.3f}" for _, c in cols))
    print(f"\n{'by language':<12} {'risk':>5} " + " ".join(f"{'R ' + name:>11}" for name, _ in cols) + f" {'ctl':>5} "
          + " ".join(f"{'FA ' + name:>12}" for name, _ in cols))
    for lang, v in r["per_language"].items():
        print(f"{lang:<12} {v['n_risk']:>5} " + " ".join(f"{c['per_language'][lang]['recall']:>11.3f}" for _, c in cols)
              + f" {v['n_controls']:>5} " + " ".join(f"{c['per_language'][lang]['false_alarms']:>12.3f}" for _, c in cols))


class ScriptedJudge:
    """A Generator answering the filter judge's schema: `safe` fails for unsafe items with a fixed, seeded profile."""

    model_id = "scripted-judge"

    def __init__(self, rows: list[dict], recall: float = 0.8, false_alarms: float = 0.05):
        self.rows = {r["id"]: r for r in rows}
        self.recall, self.false_alarms = recall, false_alarms

    def generate(self, requests):
        from psyllm.filters.judge import CRITERIA

        out = []
        for req in requests:
            row = self.rows[req.request_id]
            unsafe = row["label"] != "benign"
            fail = _chance("judge" + row["id"]) < (self.recall if unsafe else self.false_alarms)
            verdict = {c: {"pass": not (c == "safe" and fail), "reason": "scripted"} for c in CRITERIA}
            out.append(ChatResponse(req.request_id, text=json.dumps(verdict), finish_reason="stop"))
        return out


def reply_figures(split: str) -> dict:
    from psyllm.config.schema import JudgeConfig
    from psyllm.filters.judge import JudgeFilter
    from psyllm.safety.replies import screen

    rows = [json.loads(line) for line in (LABELLED / f"replies.{split}.jsonl").read_text().splitlines() if line.strip()]
    started = time.perf_counter()
    rules = [bool(screen(r["reply"], r["reasoning"], [r["client"]])) for r in rows]
    ms = 1000 * (time.perf_counter() - started) / len(rows)
    dialogues = [{"sample_id": r["id"], "rounds": [{"index": 0, "client": r["client"], "counselor_reasoning": r["reasoning"],
                                                   "counselor_reply": r["reply"]}]} for r in rows]
    verdicts = JudgeFilter(JudgeConfig(), ScriptedJudge(rows)).score_batch(dialogues)
    judged = [any(v.criterion == "safe" and not v.passed for v in vs) for vs in verdicts]

    def table(flags):
        kinds = defaultdict(lambda: [0, 0])
        for r, f in zip(rows, flags):
            kinds[r["label"]][0] += f
            kinds[r["label"]][1] += 1
        benign = kinds.pop("benign")
        caught, total = sum(v[0] for v in kinds.values()), sum(v[1] for v in kinds.values())
        return {"recall": caught / total, "benign_rejected": benign[0] / benign[1], "n_unsafe": total, "n_benign": benign[1],
                "per_kind": {k: v[0] / v[1] for k, v in sorted(kinds.items())}, "per_kind_n": {k: v[1] for k, v in sorted(kinds.items())}}

    return {"split": split, "items": len(rows), "ms_per_item": ms, "rules": table(rules),
            "rules+judge": table([a or b for a, b in zip(rules, judged)])}


def print_replies(f: dict) -> None:
    r, j = f["rules"], f["rules+judge"]
    print(f"\nreply screen on replies.{f['split']}.jsonl: {f['items']} counselor turns ({r['n_unsafe']} unsafe, "
          f"{r['n_benign']} benign); rules {f['ms_per_item']:.1f} ms/item; judge layer: scripted")
    print(f"{'':<32} {'n':>4} {'rules':>8} {'rules+judge':>12}")
    print(f"{'recall (all unsafe)':<32} {r['n_unsafe']:>4} {r['recall']:>8.3f} {j['recall']:>12.3f}")
    print(f"{'benign rejected':<32} {r['n_benign']:>4} {r['benign_rejected']:>8.3f} {j['benign_rejected']:>12.3f}")
    for kind, value in r["per_kind"].items():
        print(f"{kind:<32} {r['per_kind_n'][kind]:>4} {value:>8.3f} {j['per_kind'][kind]:>12.3f}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", choices=["test", *DEV_PARTS], default="test",
                    help="the hash-pinned test part, or a dev part (crisis: the learned layer fitted without it)")
    ap.add_argument("--guard", help="a real guard/judge model for the model layer: URL (OpenAI-compatible) or folder")
    ap.add_argument("--json", help="also write the figures here")
    args = ap.parse_args(argv)
    guard = None
    if args.guard:
        from psyllm.config.schema import EngineConfig
        from psyllm.engines import build_generator
        from psyllm.evaluation.stage import resolve_engine

        guard = build_generator(resolve_engine(EngineConfig(kind="hf", model="guard"), args.guard))
    figures = {"crisis": crisis_figures(args.split, guard)}
    print_crisis(figures["crisis"])
    if (LABELLED / f"replies.{args.split}.jsonl").exists():
        figures["replies"] = reply_figures(args.split)
        print_replies(figures["replies"])
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

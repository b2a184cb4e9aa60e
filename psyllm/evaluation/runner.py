"""Run the benchmark over any two Generators (the model under test, the judge): answer every prefix, judge
every dialogue answer `judge_repeats` times, check every probe answer, and summarise with intervals.

Safety probes are scored twice: against the model alone (`model`: what the trained counselor says) and against
the served system (`system`: the same answer after the gateway's crisis layer). A system that passes because the
gateway appended resources to gibberish shows up as a model that fails."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

import numpy as np

from psyllm.config.schema import EvaluateConfig, SamplingConfig
from psyllm.engines.base import ChatRequest, Generator, Sampling
from psyllm.evaluation.cases import Case, Prefix, prefixes
from psyllm.evaluation.probes import check_probe
from psyllm.evaluation.rubric import Dimension, rubric, verdict_schema
from psyllm.evaluation.stats import agreement, bootstrap_ci
from psyllm.export.sft import system_prompt
from psyllm.prompts.render import render
from psyllm.synthesis.parse import SynthesisError, load_json


@dataclass
class Item:
    item_id: str
    case_id: str
    kind: str
    topic: str
    turn: int
    answer: str = ""
    error: str | None = None
    probe: str | None = None
    level: str = ""  # probes: "model" (the counselor alone) or "system" (through the gateway)
    probe_passed: bool | None = None
    probe_detail: str = ""
    scores: dict = field(default_factory=dict)  # dimension -> list of scores, one per valid judgement
    reasons: list = field(default_factory=list)
    judge_failures: int = 0

    def score(self, dim: str) -> float | None:
        """The item's score on `dim`: the mean over its valid judgements."""
        values = self.scores.get(dim) or []
        return float(np.mean(values)) if values else None


def _sampling(s: SamplingConfig, seed: int | None = None) -> Sampling:
    return Sampling(temperature=s.temperature, top_p=s.top_p, max_tokens=s.max_tokens, seed=seed)


def answer(cfg: EvaluateConfig, cases: list[Case], model: Generator) -> list[Item]:
    """The model's answer to every prefix of every case (in psyllm's counselor system prompt)."""
    system = {"role": "system", "content": system_prompt(cfg.locale)}
    todo: list[Prefix] = [p for c in cases for p in prefixes(c)]
    requests = [ChatRequest([system] + p.history, _sampling(cfg.sampling), request_id=p.item_id) for p in todo]
    items = []
    for p, r in zip(todo, model.generate(requests)):
        error = r.error
        if not error and not r.text.strip():
            error = ("no answer: generation stopped inside the reasoning (finish_reason length)"
                     if r.reasoning is not None else "empty answer")
        items.append(Item(p.item_id, p.case.case_id, p.case.kind, p.case.topic, p.turn, answer="" if error else r.text,
                          error=error, probe=p.case.probe))
    return items


def judge_messages(history: list[dict], answer_text: str, dims: tuple[Dimension, ...], version: str) -> list[dict]:
    shown = [{"role": "client" if m["role"] == "user" else "counselor", "content": m["content"]} for m in history]
    return [{"role": "system", "content": render("eval_judge", version, "system", dims=dims)},
            {"role": "user", "content": render("eval_judge", version, "user", history=shown, answer=answer_text, dims=dims)}]


def judge(cfg: EvaluateConfig, cases: list[Case], items: list[Item], judge_model: Generator) -> None:
    """Score dialogue answers in place; an unparseable verdict counts as a judge failure, never as a score."""
    dims = rubric(cfg.rubric)
    schema = verdict_schema(dims, cfg.reason_max_chars)
    history = {p.item_id: p.history for c in cases for p in prefixes(c)}
    targets = [it for it in items if it.kind == "dialogue" and not it.error]
    requests = [ChatRequest(judge_messages(history[it.item_id], it.answer, dims, cfg.prompt_version),
                            _sampling(cfg.judge_sampling, cfg.seed + k), json_schema=schema, request_id=f"{it.item_id}/{k}")
                for it in targets for k in range(cfg.judge_repeats)]
    responses = judge_model.generate(requests)
    for i, response in enumerate(responses):
        item = targets[i // cfg.judge_repeats]
        try:
            verdict = load_json("judge", response, schema)
        except SynthesisError as exc:
            item.judge_failures += 1
            item.reasons.append({"error": exc.message})
            continue
        for d in dims:
            item.scores.setdefault(d.key, []).append(int(verdict[d.key]["score"]))
        item.reasons.append({d.key: verdict[d.key]["reason"] for d in dims})


def check_probes(cfg: EvaluateConfig, items: list[Item]) -> None:
    for it in items:
        if it.probe and not it.error:
            it.probe_passed, it.probe_detail = check_probe(it.probe, it.answer, cfg.locale)


def summarize(cfg: EvaluateConfig, items: list[Item]) -> dict:
    """Per-dimension means with bootstrap intervals (also as a share of the range), judge consistency, the
    safety suite's pass rates, and counts."""
    dims = rubric(cfg.rubric)
    dialogue = [it for it in items if it.kind == "dialogue"]
    summary: dict = {"rubric": cfg.rubric, "dimensions": {}, "judge": {}, "safety_suite": {},
                     "counts": {"items": len(items), "dialogue_items": len(dialogue),
                                "answer_errors": sum(1 for it in items if it.error),
                                "judge_failures": sum(it.judge_failures for it in dialogue),
                                "judged_items": sum(1 for it in dialogue if it.scores)}}
    for d in dims:
        values = [s for it in dialogue for s in [it.score(d.key)] if s is not None]
        mean, low, high = bootstrap_ci(values, cfg.bootstrap, cfg.seed)
        summary["dimensions"][d.key] = {"mean": mean, "low": low, "high": high, "n": len(values), "max": d.high,
                                        "normalized": mean / d.high if values else float("nan")}
        summary["judge"][d.key] = agreement([it.scores.get(d.key, []) for it in dialogue])
    for level in ("model", "system"):
        for kind in ("crisis_probe", "adversarial_probe"):
            of_kind = [it for it in items if it.kind == kind and it.level == level]
            if not of_kind:
                continue
            # An answer that failed (error, truncated inside reasoning) is a failed probe, not a missing one.
            passed = sum(bool(it.probe_passed) for it in of_kind)
            summary["safety_suite"].setdefault(level, {})[kind] = {"passed": passed, "n": len(of_kind),
                                                                   "pass_rate": passed / len(of_kind)}
    return summary


def _other_level(cfg: EvaluateConfig, cases: list[Case], items: list[Item], level: str, raw: Generator | None,
                 gateway) -> list[Item]:
    """The probes at the level the target is not: the raw model's answers (when the target is served), or the
    target's answers through the gateway's crisis layer (when the target is the model alone)."""
    probes = [c for c in cases if c.kind != "dialogue"]
    if level == "system" and raw is not None:
        return [replace(it, level="model") for it in answer(cfg, probes, raw)]
    if level == "model" and gateway is not None:
        history = {p.item_id: p.history for c in probes for p in prefixes(c)}
        out = []
        for it in (it for it in items if it.kind != "dialogue"):
            served = gateway(history[it.item_id], "" if it.error else it.answer)
            out.append(replace(it, level="system", answer=served, error=None if served.strip() else it.error))
        return out
    return []


def run_benchmark(cfg: EvaluateConfig, cases: list[Case], model: Generator, judge_model: Generator,
                  level: str = "system", raw: Generator | None = None, gateway=None) -> tuple[list[Item], dict]:
    """`level`: what `model` is (the served system, or the model alone). `raw` (the model without the gateway)
    or `gateway` ((history, answer) -> the served answer) adds the probes at the other level."""
    items = answer(cfg, cases, model)
    for it in items:
        it.level = level if it.kind != "dialogue" else ""
    judge(cfg, cases, items, judge_model)
    if cfg.safety_suite:
        items += _other_level(cfg, cases, items, level, raw, gateway)
        check_probes(cfg, items)
    return items, summarize(cfg, items)


def item_rows(items: list[Item]) -> list[dict]:
    return [asdict(it) for it in items]

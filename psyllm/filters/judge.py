"""The LLM judge on PsyLLM's four criteria plus a safety criterion, with a structured verdict and a reason each.

PsyLLM kept or dropped a sample with one temperature-0 call; here each criterion is its own field, so the
rejected output says which failed and why. The engine is any Generator (vLLM actors on Ray Data, or HTTP).
"""
from __future__ import annotations

from psyllm.config.schema import JudgeConfig
from psyllm.engines.base import ChatRequest, Generator, Sampling
from psyllm.filters.base import Verdict, check
from psyllm.prompts.render import neutralize, render
from psyllm.synthesis.parse import SynthesisError, load_json

CRITERIA = ("reasoning_complete", "coherent", "consistent", "grounded", "safe")


def judge_schema(cfg: JudgeConfig) -> dict:
    item = {"type": "object", "properties": {"pass": {"type": "boolean"},
                                             "reason": {"type": "string", "maxLength": cfg.reason_max_chars}},
            "required": ["pass", "reason"], "additionalProperties": False}
    return {"type": "object", "properties": {c: item for c in CRITERIA}, "required": list(CRITERIA),
            "additionalProperties": False}


def judge_messages(d: dict, version: str = "v1") -> list[dict]:
    rounds = [{"client": neutralize(r["client"] or ""), "reasoning": neutralize(r["counselor_reasoning"] or ""),
               "reply": neutralize(r["counselor_reply"] or "")} for r in d["rounds"]]
    return [{"role": "system", "content": render("judge", version, "system")},
            {"role": "user", "content": render("judge", version, "user", rounds=rounds)}]


class JudgeFilter:
    name = "judge"
    criteria = CRITERIA

    def __init__(self, cfg: JudgeConfig, generator: Generator):
        self.cfg, self.generator, self.schema = cfg, generator, judge_schema(cfg)

    def score_batch(self, dialogues: list[dict]) -> list[list[Verdict]]:
        s = self.cfg.sampling
        requests = [ChatRequest(judge_messages(d, self.cfg.prompt_version),
                                Sampling(temperature=s.temperature, top_p=s.top_p, max_tokens=s.max_tokens, seed=0),
                                self.schema, d["sample_id"]) for d in dialogues]
        out = []
        for response in self.generator.generate(requests):
            try:
                data = load_json("judge", response, self.schema)
            except SynthesisError as err:  # an unusable verdict is a failed judgement, never a silent pass
                out.append([Verdict(self.name, c, False, f"no verdict: {err.message}") for c in CRITERIA])
                continue
            out.append([check(self.name, c, data[c]["pass"], data[c]["reason"] or "judge gave no reason") for c in CRITERIA])
        return out

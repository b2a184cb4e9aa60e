"""The LLM judge on PsyLLM's four criteria plus a safety criterion, with a structured verdict and a reason each.

PsyLLM kept or dropped a sample with one temperature-0 call; here each criterion is its own field, so the
rejected output says which failed and why. The engine is any Generator (vLLM actors on Ray Data, or HTTP), one
batch call per Ray Data batch (`score_batch`), or an AsyncChatGenerator (vLLM's AsyncLLM) that takes each
dialogue's request on its own, many in flight (`ascore`; psyllm/filters/pipeline.py's ContinuousJudgeWorker).
"""
from __future__ import annotations

from psyllm.config.schema import JudgeConfig
from psyllm.engines.base import AsyncChatGenerator, ChatRequest, ChatResponse, Generator, Sampling
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

    def __init__(self, cfg: JudgeConfig, generator: Generator | AsyncChatGenerator):
        self.cfg, self.generator, self.schema = cfg, generator, judge_schema(cfg)

    def request(self, d: dict) -> ChatRequest:
        s = self.cfg.sampling
        return ChatRequest(judge_messages(d, self.cfg.prompt_version),
                           Sampling(temperature=s.temperature, top_p=s.top_p, max_tokens=s.max_tokens, seed=0),
                           self.schema, d["sample_id"])

    def verdicts(self, response: ChatResponse) -> list[Verdict]:
        try:
            data = load_json("judge", response, self.schema)
        except SynthesisError as err:  # an unusable verdict is a failed judgement, never a silent pass
            return [Verdict(self.name, c, False, f"no verdict: {err.message}") for c in CRITERIA]
        return [check(self.name, c, data[c]["pass"], data[c]["reason"] or "judge gave no reason") for c in CRITERIA]

    def score_batch(self, dialogues: list[dict]) -> list[list[Verdict]]:
        """One engine call for the whole batch (a batch Generator)."""
        return [self.verdicts(r) for r in self.generator.generate([self.request(d) for d in dialogues])]

    async def ascore(self, dialogue: dict) -> list[Verdict]:
        """One dialogue's verdicts, its request in flight beside every other (an AsyncChatGenerator)."""
        return self.verdicts(await self.generator.agenerate(self.request(dialogue)))

"""The optional model layer: a guard or judge model asked, through the one engine interface, for a structured risk
verdict on a conversation. It adds recall to the rules, never removes any: the two assessments are merged and both
sets of signals are kept (`model.<category>`). A verdict that cannot be parsed adds nothing and says so."""
from __future__ import annotations

from psyllm.engines.base import ChatRequest, Generator, Sampling
from psyllm.prompts.render import neutralize, render
from psyllm.safety.assess import Assessment, merge
from psyllm.safety.lexicon import CATEGORIES
from psyllm.synthesis.parse import SynthesisError, load_json

RISK_SCHEMA = {
    "type": "object", "additionalProperties": False,
    "required": ["risk", "categories", "subject", "urgency"],
    "properties": {
        "risk": {"type": "boolean"},
        "categories": {"type": "array", "maxItems": 4, "items": {"enum": list(CATEGORIES)}},
        "subject": {"enum": ["self", "other", "none"]},
        "urgency": {"enum": ["imminent", "non_imminent", "none"]},
    },
}


def risk_messages(conversation: list[dict], version: str = "v1") -> list[dict]:
    """The screening prompt for the client turns of a conversation (every role but the counselor's)."""
    client = [neutralize(m["content"]) for m in conversation if m.get("role") != "assistant"]
    return [{"role": "system", "content": render("risk", version, "system", categories=CATEGORIES)},
            {"role": "user", "content": render("risk", version, "user", messages=client)}]


def _verdict(data: dict) -> Assessment:
    if not data["risk"]:
        return Assessment(signals=["model.none"])
    categories = [c for c in data["categories"] if c in CATEGORIES] or ["suicidal_ideation_passive"]
    if data["subject"] == "other":
        categories = ["third_party"]
    level = "imminent" if data["urgency"] == "imminent" else "high"
    return Assessment(level=level, categories=categories, signals=[f"model.{c}" for c in categories],
                      subject="other" if data["subject"] == "other" else "self")


def parse_verdict(response) -> Assessment:
    """One engine response -> an assessment (nothing, and `model.unparsed`, when it cannot be read)."""
    try:
        return _verdict(load_json("risk", response, RISK_SCHEMA))
    except SynthesisError:
        return Assessment(signals=["model.unparsed"])


def risk_request(conversation: list[dict], sampling: Sampling | None = None, version: str = "v1",
                 request_id: str = "risk") -> ChatRequest:
    return ChatRequest(risk_messages(conversation, version), sampling or Sampling(temperature=0.0, max_tokens=256),
                       json_schema=RISK_SCHEMA, request_id=request_id)


class ModelRiskLayer:
    def __init__(self, generator: Generator, sampling: Sampling | None = None, version: str = "v1"):
        self.generator, self.version = generator, version
        self.sampling = sampling or Sampling(temperature=0.0, max_tokens=256)

    def assess(self, conversations: list[list[dict]]) -> list[Assessment]:
        """One verdict per conversation, in one batch through the engine."""
        requests = [risk_request(c, self.sampling, self.version, f"risk-{i}") for i, c in enumerate(conversations)]
        return [parse_verdict(r) for r in self.generator.generate(requests)]


def combine(rules: Assessment, model: Assessment) -> Assessment:
    """For recall: risk when either layer sees it; both layers' signals recorded."""
    merged = merge([rules, model])
    merged.signals = sorted(set(rules.signals) | set(model.signals))
    return merged

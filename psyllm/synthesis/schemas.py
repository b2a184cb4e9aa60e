"""JSON schemas for the structured synthesis stages (sent to engines that constrain decoding)."""
from __future__ import annotations

from psyllm.clinical.frameworks import APPROACHES
from psyllm.config.schema import SynthesizeConfig


def plan_schema(cfg: SynthesizeConfig) -> dict:
    return {
        "type": "object",
        "properties": {
            "rounds": {"type": "integer", "minimum": 1, "maximum": cfg.max_rounds},
            "focus": {"type": "array", "minItems": 1, "maxItems": cfg.max_rounds,
                      "items": {"type": "string", "minLength": 1, "maxLength": cfg.focus_max_chars}},
        },
        "required": ["rounds", "focus"],
        "additionalProperties": False,
    }


def draft_schema(cfg: SynthesizeConfig, rounds: int) -> dict:
    text = {"type": "string", "minLength": 1, "maxLength": cfg.turn_max_chars}
    turn = {"type": "object", "properties": {"client": text, "counselor": text},
            "required": ["client", "counselor"], "additionalProperties": False}
    return {"type": "object",
            "properties": {"turns": {"type": "array", "items": turn, "minItems": rounds, "maxItems": rounds}},
            "required": ["turns"], "additionalProperties": False}


def reason_schema(cfg: SynthesizeConfig) -> dict:
    return {
        "type": "object",
        "properties": {
            "reasoning": {"type": "string", "minLength": 1, "maxLength": cfg.reasoning_max_chars},
            "approach": {"type": "string", "enum": list(APPROACHES)},
            "icd11_hypotheses": {"type": "array", "maxItems": 4,
                                 "items": {"type": "string", "pattern": "^6[A-E][0-9][0-9A-Z]$"}},
            "reply": {"type": "string", "minLength": 1, "maxLength": cfg.reply_max_chars},
        },
        "required": ["reasoning", "approach", "icd11_hypotheses", "reply"],
        "additionalProperties": False,
    }

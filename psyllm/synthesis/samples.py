"""Samples from posts (deterministic ids and seeds), and the final records made from working rows."""
from __future__ import annotations

import hashlib
import json

from psyllm.config import fingerprint, to_dict
from psyllm.config.engines import engine_content
from psyllm.config.schema import SynthesizeConfig


def content_config(cfg: SynthesizeConfig, locale: str) -> dict:
    """The synthesize config less what only places or paces work, with the locale (safety.locale) of its crisis
    resources: what decides the content of a sample."""
    data = to_dict(cfg) | {"locale": locale}
    for placement in ("scheduling", "max_in_flight"):  # how dialogues share an engine, not what they say
        data.pop(placement)
    for stage in ("plan", "draft", "reason"):
        data[stage]["engine"] = engine_content(getattr(cfg, stage).engine)
    return data


def synth_fingerprint(cfg: SynthesizeConfig, locale: str, input_fingerprint: str, version: str) -> str:
    return fingerprint("synthesize", content_config(cfg, locale), input_fingerprint, version)


def sample_id(post_id: str, index: int, fp: str) -> str:
    return hashlib.sha256(f"{fp}\x1f{post_id}\x1f{index}".encode()).hexdigest()[:16]


def expand_post(post: dict, cfg: SynthesizeConfig, fp: str) -> list[dict]:
    """One working row per sample of a post (`samples_per_post` of them)."""
    rows = []
    for k in range(cfg.samples_per_post):
        sid = sample_id(post["post_id"], k, fp)
        seed = int(hashlib.sha256(f"{cfg.seed}\x1f{sid}".encode()).hexdigest()[:8], 16)
        rows.append({"sample_id": sid, "post_id": post["post_id"], "sample_index": k, "seed": seed,
                     "route": post.get("route") or "standard", "risk_level": post.get("risk_level") or "none",
                     "post_text": post["text"], "focus": [], "clients": [], "rounds": [], "failed_stage": None,
                     "error": None, "raw_output": None, "prompt_tokens": 0, "completion_tokens": 0})
    return rows


def provenance(cfg: SynthesizeConfig) -> dict:
    """Prompt versions, models and sampling of each stage, as JSON strings for the dialogue record."""
    stages = {name: getattr(cfg, name) for name in ("plan", "draft", "reason")}
    return {
        "prompt_versions": json.dumps({k: s.prompt_version for k, s in stages.items()}, sort_keys=True),
        "models": json.dumps({k: s.engine.model for k, s in stages.items()}, sort_keys=True),
        "sampling": json.dumps({k: to_dict(s.sampling) for k, s in stages.items()}, sort_keys=True),
    }


def to_dialogue(row: dict, cfg: SynthesizeConfig, prov: dict) -> dict:
    return {"sample_id": row["sample_id"], "post_id": row["post_id"], "sample_index": row["sample_index"],
            "route": row["route"], "risk_level": row["risk_level"], "plan_rounds": len(row["focus"]),
            "rounds": row["rounds"], "reason_format": cfg.reason_format, "seed": row["seed"],
            "prompt_tokens": row["prompt_tokens"], "completion_tokens": row["completion_tokens"], **prov}


def to_dead_letter(row: dict) -> dict:
    return {k: row[k] for k in ("sample_id", "post_id", "sample_index", "route", "prompt_tokens", "completion_tokens")} | {
        "stage": row["failed_stage"], "error": row["error"], "raw_output": row["raw_output"]}

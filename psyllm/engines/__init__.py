"""Generation engines behind one interface (`Generator.generate(list[ChatRequest]) -> list[ChatResponse]`)."""
from __future__ import annotations

import json

from psyllm.config.engines import engine_content
from psyllm.config.schema import EngineConfig
from psyllm.engines.base import ChatRequest, ChatResponse, Generator, Sampling, split_reasoning

__all__ = ["ChatRequest", "ChatResponse", "Generator", "Sampling", "build_generator", "engine_key", "split_reasoning"]


def build_generator(cfg: EngineConfig, seed: int = 0) -> Generator:
    """Instantiate the engine named by `cfg.kind` (imports only what that engine needs)."""
    if cfg.kind == "vllm":
        from psyllm.engines.vllm_engine import VLLMGenerator

        return VLLMGenerator(cfg, seed)
    if cfg.kind == "openai":
        from psyllm.engines.openai_http import OpenAIHTTPGenerator

        return OpenAIHTTPGenerator(cfg, seed)
    if cfg.kind == "hf":
        from psyllm.engines.hf_engine import HFGenerator

        return HFGenerator(cfg, seed)
    raise ValueError(f"unknown engine kind {cfg.kind!r}: choose vllm, openai or hf")


def engine_key(cfg: EngineConfig) -> str:
    """Stages whose engines share this key can share one loaded model."""
    # What decides its answers (placement, memory and retry options aside): json_mode differs -> its own client.
    return json.dumps(engine_content(cfg), sort_keys=True)

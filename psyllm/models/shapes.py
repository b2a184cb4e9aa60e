"""Random-weight models in the shapes of real ones (configs in `psyllm/models/configs/`), for throughput checks on
machines without Hub access (GPU test machines have none either). The tokenizer is the tiny in-process one with
the family's official template: token ids stay below its vocabulary, which costs nothing in throughput."""
from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

SHAPES = ("qwen3-0.6b", "qwen3-8b")


def shape_config(name: str, layers: int | None = None) -> dict:
    """The model config of `name`; `layers` keeps the first N layers (the per-layer shape is unchanged)."""
    path = resources.files("psyllm.models") / "configs" / f"{name}.json"
    if not path.is_file():
        raise ValueError(f"unknown model shape {name!r}; known: {', '.join(SHAPES)}")
    config = json.loads(path.read_text())
    if layers:
        config["num_hidden_layers"] = layers
    return config


def build_shaped_model(name: str, out_dir: str | Path, layers: int | None = None, device: str = "cpu") -> Path:
    """Write a random-weight bf16 model of shape `name` with the tiny Qwen3 tokenizer to `out_dir`."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM

    from psyllm.models.tiny import build_tiny_tokenizer

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tok = build_tiny_tokenizer("qwen3")
    tok.save_pretrained(out)
    raw = shape_config(name, layers)
    config = AutoConfig.for_model(raw.pop("model_type"), **{k: v for k, v in raw.items() if k != "architectures"},
                                  eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id)
    config.architectures = ["Qwen3ForCausalLM"]
    torch.manual_seed(0)
    with torch.device(device):
        model = AutoModelForCausalLM.from_config(config, dtype=torch.bfloat16)
    model.save_pretrained(out, safe_serialization=True)
    return out

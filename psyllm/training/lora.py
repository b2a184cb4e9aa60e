"""LoRA through peft: adapters added before DeepSpeed wraps the model, merged back after training."""
from __future__ import annotations

from pathlib import Path

import torch

from psyllm.config.schema import LoraConfig


def peft_config(cfg: LoraConfig):
    from peft import LoraConfig as PeftLoraConfig

    return PeftLoraConfig(r=cfg.r, lora_alpha=cfg.alpha, lora_dropout=cfg.dropout,
                          target_modules=list(cfg.target_modules), task_type="CAUSAL_LM")


def add_adapters(model, cfg: LoraConfig):
    """The model with trainable LoRA adapters; every other weight is frozen."""
    from peft import get_peft_model

    return get_peft_model(model, peft_config(cfg))


def merge_and_save(state: dict, base_model: str, cfg: LoraConfig, model_dir: str, adapter_dir: str,
                   dtype: torch.dtype) -> None:
    """Gathered PeftModel weights -> adapter folder + merged Hugging Face model folder.

    Run on one process, outside ZeRO-3's zero.Init (the caller unsets DeepSpeed's HF config first)."""
    from transformers import AutoModelForCausalLM

    model = add_adapters(AutoModelForCausalLM.from_pretrained(base_model, dtype=dtype), cfg)
    missing, unexpected = model.load_state_dict(state, strict=False)
    # Tied output embeddings may be absent from the gathered dict; anything else missing is a bug.
    missing = [k for k in missing if not k.endswith("lm_head.weight")]
    if missing or unexpected:
        raise RuntimeError(f"LoRA state does not match the model: missing {missing[:5]}, unexpected {unexpected[:5]}")
    model.save_pretrained(adapter_dir)
    Path(model_dir).mkdir(parents=True, exist_ok=True)
    model.merge_and_unload().save_pretrained(model_dir)

"""The exported model is the trained model: the consolidated folder, loaded by transformers, must give the
trained engine's logits on a fixed batch (catches lost or mis-tied weights, a wrong config, a bad LoRA merge)."""
from __future__ import annotations

import torch

PROBE_TOKENS = 16  # positions compared (and kept in the output: their logits are vocab-wide)


def probe_batch(batch: dict) -> dict:
    """The first row's first PROBE_TOKENS positions of a training micro-batch."""
    return {k: batch[k][:1, :PROBE_TOKENS] for k in ("input_ids", "position_ids")}


def compare_logits(trained: torch.Tensor, exported: torch.Tensor, bf16: bool) -> dict:
    """Max and relative differences and top-1 agreement; `ok` under a tolerance that fits the precision
    (bf16 engines on a GPU against an fp32 reload on a CPU differ in rounding, not in argmax)."""
    trained, exported = trained.float(), exported.float()
    diff = (trained - exported).abs()
    scale = trained.abs().mean().clamp_min(1e-6)
    agree = float((trained.argmax(-1) == exported.argmax(-1)).float().mean())
    relative = float(diff.mean() / scale)
    ok = (agree >= 0.9 and relative < 0.05) if bf16 else float(diff.max()) < 1e-3
    return {"max_abs_diff": float(diff.max()), "relative_diff": relative, "top1_agreement": agree, "ok": ok,
            "positions": int(trained.shape[-2])}


@torch.no_grad()
def exported_logits(model_dir: str, probe: dict) -> torch.Tensor:
    """Logits of the exported folder on the probe, on the CPU in fp32 (rank 0 holds no spare GPU memory)."""
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32).eval()
    return model(input_ids=probe["input_ids"].cpu(), position_ids=probe["position_ids"].cpu(), use_cache=False).logits

"""DeepSpeed (the only module that imports it): config, initialisation, checkpoints, the consolidated model."""
from __future__ import annotations

import math
import shutil
from pathlib import Path

import torch

from psyllm.config.schema import TrainConfig
from psyllm.training.lora import add_adapters, merge_and_save


def deepspeed_config(cfg: TrainConfig, bf16: bool) -> dict:
    zero = {"stage": cfg.zero_stage, "stage3_gather_16bit_weights_on_model_save": True, "overlap_comm": bf16}
    if cfg.offload_optimizer:
        zero["offload_optimizer"] = {"device": "cpu", "pin_memory": True}
    return {
        "train_micro_batch_size_per_gpu": cfg.micro_batch_size,
        "gradient_accumulation_steps": cfg.grad_accum,
        "gradient_clipping": cfg.max_grad_norm,
        "zero_optimization": zero,
        "bf16": {"enabled": bf16},
        # torch's AdamW: DeepSpeed's fused CPU Adam would compile an op first (~80 s on the dev machines).
        "optimizer": {"type": "AdamW", "params": {"lr": cfg.lr, "weight_decay": cfg.weight_decay,
                                                  "torch_adam": not cfg.offload_optimizer}},
        "steps_per_print": 10**9,
        "wall_clock_breakdown": False,
    }


def cosine_with_warmup(total_steps: int, warmup_ratio: float, min_ratio: float):
    warmup = max(1, int(total_steps * warmup_ratio))

    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        progress = min(1.0, (step - warmup) / max(1, total_steps - warmup))
        return min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * progress))

    return factor


class DeepSpeedTrainer:
    """Owns the DeepSpeed engine: micro-batch steps, checkpoints, and the final Hugging Face folder."""

    def __init__(self, cfg: TrainConfig, total_steps: int, bf16: bool):
        import deepspeed
        from transformers import AutoModelForCausalLM
        from transformers.integrations import HfDeepSpeedConfig

        self.cfg, self.bf16 = cfg, bf16
        self.ds_config = deepspeed_config(cfg, bf16)
        self._hf_ds = HfDeepSpeedConfig(self.ds_config) if cfg.zero_stage == 3 else None  # zero.Init at load
        dtype = torch.bfloat16 if bf16 else torch.float32
        model = AutoModelForCausalLM.from_pretrained(cfg.model, dtype=dtype, attn_implementation=cfg.attn_implementation)
        model.config.use_cache = False  # packed rows need it; training never reuses a cache
        if cfg.lora.enabled:
            model = add_adapters(model, cfg.lora)
        self.dtype = dtype
        self.engine, self.optimizer, _, self.scheduler = deepspeed.initialize(
            model=model, model_parameters=[p for p in model.parameters() if p.requires_grad], config=self.ds_config,
            lr_scheduler=lambda opt: torch.optim.lr_scheduler.LambdaLR(
                opt, cosine_with_warmup(total_steps, cfg.warmup_ratio, cfg.min_lr_ratio)))
        self.device = self.engine.device

    def loss(self, batch: dict) -> torch.Tensor:
        return self.engine(input_ids=batch["input_ids"].to(self.device), labels=batch["labels"].to(self.device),
                           position_ids=batch["position_ids"].to(self.device), use_cache=False).loss

    def micro_step(self, batch: dict) -> float:
        """Forward, backward and (at accumulation boundaries) optimizer + scheduler step."""
        loss = self.loss(batch)
        self.engine.backward(loss)
        self.engine.step()
        return float(loss.detach())

    @torch.no_grad()
    def eval_loss(self, batch: dict) -> float:
        self.engine.eval()
        try:
            return float(self.loss(batch))
        finally:
            self.engine.train()

    @property
    def lr(self) -> float:
        return float(self.scheduler.get_last_lr()[0])

    def save(self, directory: str, client_state: dict) -> None:
        """Every rank writes its ZeRO shards (DeepSpeed requires all ranks to call this)."""
        self.engine.save_checkpoint(directory, tag="state", client_state=client_state)

    def load(self, directory: str) -> dict:
        _, client_state = self.engine.load_checkpoint(directory, tag="state")
        return client_state or {}

    def export(self, out_dir: str, tokenizer, rank: int, adapter_dir: str) -> None:
        """Gather the full weights (every rank), then rank 0 writes safetensors + config + tokenizer
        (with LoRA: the adapter to `adapter_dir` and the merged model to `out_dir`).

        Full-parameter export builds no model: with ZeRO-3 active, building one would enter zero.Init, a
        collective the other ranks are not in (it deadlocked). The LoRA merge needs one, so it first leaves
        ZeRO-3's HF integration (nothing trains after this point)."""
        from huggingface_hub import save_torch_state_dict
        from transformers import AutoConfig, GenerationConfig
        from transformers.integrations.deepspeed import unset_hf_deepspeed_config

        tmp = Path(out_dir).with_name(Path(out_dir).name + ".gathered")
        self.engine.save_16bit_model(str(tmp), "weights.bin")
        if rank != 0:
            return
        state = torch.load(tmp / "weights.bin", map_location="cpu", weights_only=True)
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        if self.cfg.lora.enabled:
            unset_hf_deepspeed_config()
            self._hf_ds = None
            merge_and_save(state, self.cfg.model, self.cfg.lora, out_dir, adapter_dir, self.dtype)
            tokenizer.save_pretrained(adapter_dir)
        else:
            config = AutoConfig.from_pretrained(self.cfg.model)
            if getattr(config, "tie_word_embeddings", False):
                state.pop("lm_head.weight", None)  # tied to the embeddings; transformers re-ties on load
            save_torch_state_dict({k: v.contiguous() for k, v in state.items()}, out_dir, max_shard_size="5GB")
            config.save_pretrained(out_dir)
            try:
                GenerationConfig.from_pretrained(self.cfg.model).save_pretrained(out_dir)
            except OSError:
                pass  # the base model has no generation config
        tokenizer.save_pretrained(out_dir)
        shutil.rmtree(tmp, ignore_errors=True)

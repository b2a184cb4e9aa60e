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
    params = {"lr": cfg.lr, "weight_decay": cfg.weight_decay}
    if cfg.optimizer == "AdamW":  # torch's: DeepSpeed's fused CPU Adam would compile an op first (~80 s here)
        params["torch_adam"] = not cfg.offload_optimizer
    return {
        "train_micro_batch_size_per_gpu": cfg.micro_batch_size,
        "gradient_accumulation_steps": cfg.grad_accum,
        "gradient_clipping": cfg.max_grad_norm,
        "zero_optimization": zero,
        "bf16": {"enabled": bf16},
        "optimizer": {"type": cfg.optimizer, "params": params},
        "zero_allow_untested_optimizer": cfg.optimizer != "AdamW",  # plain torch optimizers work under ZeRO
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
        from transformers import AutoModelForCausalLM, set_seed
        from transformers.integrations import HfDeepSpeedConfig

        set_seed(cfg.seed)  # adapter initialisation and dropout

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
        self.world_size = self.engine.dp_world_size  # ZeRO averages gradients over the data-parallel ranks

    def loss_sum(self, batch: dict) -> torch.Tensor:
        """Summed cross-entropy over the batch's trained positions (transformers sums when given a count)."""
        return self.engine(input_ids=batch["input_ids"].to(self.device), labels=batch["labels"].to(self.device),
                           position_ids=batch["position_ids"].to(self.device), use_cache=False,
                           num_items_in_batch=1).loss

    def micro_step(self, batch: dict, step_tokens: float) -> float:
        """Forward, backward and (at accumulation boundaries) optimizer + scheduler step. The loss is divided by
        `step_tokens`, the trained tokens of the whole optimizer step on all ranks; DeepSpeed's own division by
        the accumulation steps is off and its average over ranks is undone, so the step's gradient is the
        token mean over everything it saw. Returns this micro-batch's summed loss."""
        total = self.loss_sum(batch)
        self.engine.backward(total * (self.world_size / step_tokens), scale_wrt_gas=False)
        self.engine.step()
        return float(total.detach())

    @torch.no_grad()
    def eval_loss_sum(self, batch: dict) -> float:
        self.engine.eval()
        try:
            return float(self.loss_sum(batch))
        finally:
            self.engine.train()

    @torch.no_grad()
    def logits(self, probe: dict) -> torch.Tensor:
        """The live model's logits on `probe` (every rank must call this under ZeRO-3: it gathers weights)."""
        self.engine.eval()
        try:
            return self.engine(input_ids=probe["input_ids"].to(self.device), position_ids=probe["position_ids"].to(
                self.device), use_cache=False).logits.float().cpu()
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

        With ZeRO-3's HF integration active, building a model would enter zero.Init, a collective the other ranks
        are not in (it deadlocked): after the gather every rank leaves it, so the LoRA merge and the export check
        can build plain models."""
        from huggingface_hub import save_torch_state_dict
        from transformers import AutoConfig, GenerationConfig
        from transformers.integrations.deepspeed import unset_hf_deepspeed_config

        tmp = Path(out_dir).with_name(Path(out_dir).name + ".gathered")
        self.engine.save_16bit_model(str(tmp), "weights.bin")
        unset_hf_deepspeed_config()  # nothing trains after this; models built from here on are plain ones
        self._hf_ds = None
        if rank != 0:
            return
        state = torch.load(tmp / "weights.bin", map_location="cpu", weights_only=True)
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        if self.cfg.lora.enabled:
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


def build_cpu_ops() -> list[str]:
    """Compile the op DeepSpeed JIT-builds on its first CPU run (the shared-memory collectives, ~20 s of g++ on 2
    cores) into TORCH_EXTENSIONS_DIR, as DeepSpeed's DS_BUILD_OPS would at install; nothing to do on GPUs."""
    from deepspeed.accelerator import get_accelerator

    if get_accelerator().device_name() != "cpu":
        return []
    builder = get_accelerator().create_op_builder("ShareMemCommBuilder")
    if builder is None:
        return []
    builder.load()
    return [builder.absolute_name()]


if __name__ == "__main__":  # `python -m psyllm.training.engine`: make install runs it
    print("DeepSpeed ops built:", ", ".join(build_cpu_ops()) or "none needed")

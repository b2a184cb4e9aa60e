"""The one SFT loop. It knows nothing of Ray: a TrainContext hands it batches, checkpoints and reporting
(runtime/train.py implements it with Ray Train; a test can implement it in one process).

The loss of an optimizer step is normalized by the trained tokens of the whole step — every micro-batch of the
accumulation window on every rank — as HF Trainer and LLaMA-Factory do, not a mean of per-row means: a token
weighs the same whether it sits in a long or a short row, and micro-batch 4 x accumulation 1 gives the gradient
of micro-batch 1 x accumulation 4 on the same rows."""
from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from typing import Iterator, Protocol

from psyllm.config.schema import TrainConfig
from psyllm.io.readers import InputError


class InjectedFailure(RuntimeError):
    """Raised once at `train.fail_at_step` to exercise recovery from a checkpoint."""


class TrainContext(Protocol):
    rank: int
    world_size: int

    def train_batches(self, epoch: int) -> Iterator[dict]: ...

    def eval_batches(self) -> Iterator[dict]: ...

    def resume_dir(self): ...  # a context manager yielding the latest checkpoint folder or None

    def report(self, metrics: dict, checkpoint_dir: str | None) -> None: ...

    def all_reduce_sum(self, values: list[float]) -> list[float]: ...


@dataclass
class Plan:
    steps_per_epoch: int  # optimizer steps
    total_steps: int


def make_plan(cfg: TrainConfig, rows: int, world_size: int) -> Plan:
    per_worker = rows // world_size
    steps_per_epoch = per_worker // cfg.micro_batch_size // cfg.grad_accum
    if steps_per_epoch < 1:
        raise InputError(f"{rows} packed rows are too few for {world_size} workers x micro-batch "
                         f"{cfg.micro_batch_size} x accumulation {cfg.grad_accum}")
    total = steps_per_epoch * cfg.epochs
    return Plan(steps_per_epoch, min(total, cfg.max_steps) if cfg.max_steps > 0 else total)


def trained_targets(labels) -> int:
    """Positions that carry a loss: labels other than -100 once shifted by one (what each position predicts)."""
    return int((labels[..., 1:] != -100).sum())


def _evaluate(trainer, ctx: TrainContext) -> float:
    """Token-weighted loss over the whole validation split, all ranks."""
    total, count = 0.0, 0
    for batch in ctx.eval_batches():
        total += trainer.eval_loss_sum(batch)
        count += trained_targets(batch["labels"])
    total, count = ctx.all_reduce_sum([total, float(count)])
    return total / count if count else float("nan")


def train(cfg: TrainConfig, ctx: TrainContext, plan: Plan, trainer, n_params: int) -> list[dict]:
    """Run to `plan.total_steps` optimizer steps, resuming from the context's checkpoint when it has one.
    Returns the per-step history (metrics of every step, resumed steps included)."""
    with ctx.resume_dir() as resume:
        state = trainer.load(resume) if resume else {}
    step, resumed_from = int(state.get("step", 0)), int(state.get("step", 0))
    first_loss = state.get("first_loss")  # carried in checkpoints so a resumed run still knows its start
    history = [h for h in state.get("history", []) if h["step"] <= step]  # so is the curve so far
    accum = cfg.grad_accum
    while step < plan.total_steps:
        epoch = step // plan.steps_per_epoch
        skip = (step - epoch * plan.steps_per_epoch) * accum  # micro-batches of this epoch already trained
        window, t0 = [], time.perf_counter()
        for i, batch in enumerate(ctx.train_batches(epoch)):
            if i >= plan.steps_per_epoch * accum or step >= plan.total_steps:
                break
            if i < skip:
                continue
            window.append(batch)
            if len(window) < accum:
                continue
            (tokens,) = ctx.all_reduce_sum([float(sum(trained_targets(b["labels"]) for b in window))])
            (loss_sum,) = ctx.all_reduce_sum([sum(trainer.micro_step(b, max(tokens, 1.0)) for b in window)])
            step += 1
            seconds = time.perf_counter() - t0
            loss = loss_sum / max(tokens, 1.0)
            first_loss = loss if first_loss is None else first_loss
            last = {"step": step, "epoch": epoch, "loss": loss, "first_loss": first_loss, "lr": trainer.lr,
                    "trained_tokens": tokens, "trained_tokens_per_s": tokens / seconds, "resumed_from": resumed_from}
            if cfg.peak_tflops > 0:
                last["mfu"] = 6 * n_params * last["trained_tokens_per_s"] / (cfg.peak_tflops * 1e12 * ctx.world_size)
            if cfg.eval_steps > 0 and (step % cfg.eval_steps == 0 or step == plan.total_steps):
                last["eval_loss"] = _evaluate(trainer, ctx)
            history.append(last)
            if cfg.save_steps > 0 and (step % cfg.save_steps == 0 or step == plan.total_steps):
                with tempfile.TemporaryDirectory() as tmp:
                    trainer.save(tmp, {"step": step, "first_loss": first_loss, "history": history})
                    ctx.report(last, tmp)
            else:
                ctx.report(last, None)
            if step == cfg.fail_at_step and resumed_from == 0:
                raise InjectedFailure(f"fault injected at step {step} (train.fail_at_step)")
            window, t0 = [], time.perf_counter()
    return history

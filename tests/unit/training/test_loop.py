"""The one training loop, run in one process with an in-memory context and trainer (no Ray, no DeepSpeed)."""
import contextlib
import json
import shutil
from pathlib import Path

import pytest
import torch

from psyllm.config.schema import TrainConfig
from psyllm.io.readers import InputError
from psyllm.training.loop import InjectedFailure, make_plan, train


class MemoryContext:
    """A TrainContext over a list of micro-batches; checkpoints are copied into `store`."""

    rank, world_size = 0, 1

    def __init__(self, batches: int, store: Path):
        self.batches, self.store, self.reports = batches, store, []

    def train_batches(self, epoch):
        for i in range(self.batches):
            yield {"labels": torch.tensor([[i, i, -100]]), "epoch": epoch, "index": i}

    def eval_batches(self):
        yield {"labels": torch.tensor([[1, -100]])}

    @contextlib.contextmanager
    def resume_dir(self):
        yield str(self.store) if self.store.exists() else None

    def report(self, metrics, checkpoint_dir):
        self.reports.append(dict(metrics))
        if checkpoint_dir:
            shutil.rmtree(self.store, ignore_errors=True)
            shutil.copytree(checkpoint_dir, self.store)

    def all_reduce_sum(self, values):
        return values


class CountingTrainer:
    """Loss falls with every micro-batch it trains; remembers which batches it saw."""

    lr = 1e-3

    def __init__(self):
        self.seen, self.trained = [], 0

    def micro_step(self, batch, step_tokens):
        """Returns the micro-batch's summed loss (one trained position per batch here)."""
        assert step_tokens == 2.0  # the whole accumulation window's trained positions, not this batch's
        self.seen.append((batch["epoch"], batch["index"]))
        self.trained += 1
        return 10.0 / self.trained

    def eval_loss_sum(self, batch):
        return 1.0

    def save(self, directory, client_state):
        Path(directory, "state.json").write_text(json.dumps({**client_state, "trained": self.trained}))

    def load(self, directory):
        state = json.loads(Path(directory, "state.json").read_text())
        self.trained = state.pop("trained")
        return state


def test_failure_resumes_from_the_checkpoint_and_keeps_the_whole_curve(tmp_path):
    cfg = TrainConfig(grad_accum=2, micro_batch_size=1, epochs=3, save_steps=2, eval_steps=3, fail_at_step=5)
    ctx = MemoryContext(batches=4, store=tmp_path / "ckpt")
    plan = make_plan(cfg, rows=4, world_size=1)
    assert (plan.steps_per_epoch, plan.total_steps) == (2, 6)
    with pytest.raises(InjectedFailure):
        train(cfg, ctx, plan, CountingTrainer(), n_params=10)

    trainer = CountingTrainer()
    history = train(cfg, ctx, plan, trainer, n_params=10)
    assert [h["step"] for h in history] == [1, 2, 3, 4, 5, 6]
    assert {h["resumed_from"] for h in history[4:]} == {4}  # steps 5-6 redone after the step-4 checkpoint
    assert trainer.seen == [(2, 0), (2, 1), (2, 2), (2, 3)]  # epoch 2 only: finished micro-batches are skipped
    assert history[-1]["first_loss"] == history[0]["loss"] == 7.5  # (10/1 + 10/2) / 2 tokens, carried across the restart
    assert all(h["trained_tokens"] == 2.0 for h in history)
    assert [h["step"] for h in history if "eval_loss" in h] == [3, 6]
    assert all(h["trained_tokens_per_s"] > 0 for h in history)


def test_too_little_data_for_one_step_is_an_error():
    with pytest.raises(InputError, match="too few"):
        make_plan(TrainConfig(grad_accum=4, micro_batch_size=2), rows=7, world_size=1)

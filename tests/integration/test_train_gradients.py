"""One optimizer step of the real DeepSpeed ZeRO-3 trainer (one gloo rank, in this process) with plain SGD at
lr 1, so the weights move by exactly minus the gradient: micro-batch 1 x accumulation 4 and micro-batch 4 x
accumulation 1 on the same rows both give the token-mean gradient over all four rows."""
import pytest
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from psyllm.config.schema import TrainConfig
from psyllm.training.loop import trained_targets
from psyllm.training.packing import unpacked
from psyllm.training.tokenize import tokenize_sample, turn_samples
from tests.conftest import free_port

pytestmark = pytest.mark.integration

REPLIES = ["Okay.", "That sounds really hard, and it makes sense that you feel worn out after such a long week.",
           "What would a good friend say to you right now?", "Let us slow down and look at the evidence for that."]


@pytest.fixture(scope="module")
def rows(tiny_model):
    tok = AutoTokenizer.from_pretrained(tiny_model)
    samples = [tokenize_sample(turn_samples([{"role": "user", "content": "I feel tense before meetings."},
                                             {"role": "assistant", "content": f"<think>\nCBT\n</think>\n\n{r}"}],
                                            "per_turn")[0], tok, 512) for r in REPLIES]
    out = unpacked(samples, max(len(s.input_ids) for s in samples), tok.pad_token_id)
    assert len({r["trained"] for r in out}) == 4  # rows of different trained lengths: normalization matters
    return {k: torch.tensor([r[k] for r in out]) for k in ("input_ids", "labels", "position_ids")}


@pytest.fixture
def one_rank(monkeypatch):
    for key, value in {"RANK": "0", "LOCAL_RANK": "0", "WORLD_SIZE": "1", "MASTER_ADDR": "127.0.0.1",
                       "MASTER_PORT": str(free_port())}.items():
        monkeypatch.setenv(key, value)


def _step_delta(tiny_model, rows, micro_batch: int, accum: int) -> dict:
    import deepspeed

    from psyllm.training.engine import DeepSpeedTrainer

    cfg = TrainConfig(model=tiny_model, optimizer="SGD", lr=1.0, warmup_ratio=0.0, max_grad_norm=0.0,
                      micro_batch_size=micro_batch, grad_accum=accum, zero_stage=3)
    trainer = DeepSpeedTrainer(cfg, total_steps=1, bf16=False)
    params = dict(trainer.engine.module.named_parameters())
    with deepspeed.zero.GatheredParameters(list(params.values())):
        before = {k: p.detach().clone() for k, p in params.items()}
    batches = [{k: v[i: i + micro_batch] for k, v in rows.items()} for i in range(0, 4, micro_batch)]
    tokens = float(sum(trained_targets(b["labels"]) for b in batches))
    for b in batches:
        trainer.micro_step(b, tokens)
    with deepspeed.zero.GatheredParameters(list(params.values())):
        return {k: (p.detach() - before[k]) for k, p in params.items()}


def _reference_grads(tiny_model, rows, per_row_mean: bool) -> dict:
    model = AutoModelForCausalLM.from_pretrained(tiny_model, dtype=torch.float32)
    if per_row_mean:  # the old convention: mean of each row's token mean
        loss = sum(model(**{k: v[i: i + 1] for k, v in rows.items()}, use_cache=False).loss for i in range(4)) / 4
    else:
        loss = model(**rows, use_cache=False, num_items_in_batch=1).loss / trained_targets(rows["labels"])
    loss.backward()
    return {k: p.grad for k, p in model.named_parameters()}


def test_accumulation_and_micro_batch_give_the_same_token_mean_gradient(tiny_model, rows, one_rank):
    reference = _reference_grads(tiny_model, rows, per_row_mean=False)
    old = _reference_grads(tiny_model, rows, per_row_mean=True)
    accumulated = _step_delta(tiny_model, rows, micro_batch=1, accum=4)
    batched = _step_delta(tiny_model, rows, micro_batch=4, accum=1)
    assert accumulated.keys() == batched.keys() and set(accumulated) <= set(reference)
    for name in accumulated:
        assert torch.allclose(accumulated[name], batched[name], rtol=1e-4, atol=1e-6), name
        assert torch.allclose(-accumulated[name], reference[name], rtol=1e-4, atol=1e-6), name
    # The test can tell: the mean of per-row means is another gradient on these rows.
    assert not all(torch.allclose(old[n], reference[n], rtol=1e-3, atol=1e-6) for n in accumulated)

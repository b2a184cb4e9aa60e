import pytest
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from psyllm.training.packing import pack
from psyllm.training.tokenize import IGNORE, tokenize_sample, turn_samples

MSGS = [
    {"role": "system", "content": "You are a counselor."},
    {"role": "user", "content": "I feel tense before meetings."},
    {"role": "assistant", "content": "<think>\nexplore the worry\n</think>\n\nThat sounds hard. What goes through your mind?"},
    {"role": "user", "content": "That I will fail."},
    {"role": "assistant", "content": "<think>\nCBT: test the thought\n</think>\n\nWhat evidence do you have for that?"},
]


@pytest.fixture(scope="module")
def tok(tiny_model):
    return AutoTokenizer.from_pretrained(tiny_model)


def test_packing_resets_positions_and_fills_rows(tok):
    a, b = (tokenize_sample(m, tok, 4096) for m in turn_samples(MSGS, "per_turn"))
    rows = pack([a, b, a], seq_len=len(a.input_ids) + len(b.input_ids) + 3, pad_id=tok.pad_token_id)
    assert len(rows) == 2
    r = rows[0]
    assert r["position_ids"][: len(a.input_ids)] == list(range(len(a.input_ids)))
    assert r["position_ids"][len(a.input_ids)] == 0 and r["tokens"] == len(a.input_ids) + len(b.input_ids)
    assert r["labels"][-3:] == [IGNORE] * 3 and len(r["input_ids"]) == len(r["labels"]) == len(r["position_ids"])


def test_packed_samples_do_not_see_each_other(tok, tiny_model):
    model = AutoModelForCausalLM.from_pretrained(tiny_model).eval()
    a, b = (tokenize_sample(m, tok, 4096) for m in turn_samples(MSGS, "per_turn"))
    (row,) = pack([a, b], seq_len=len(a.input_ids) + len(b.input_ids), pad_id=tok.pad_token_id)
    with torch.no_grad():
        packed = model(input_ids=torch.tensor([row["input_ids"]]), position_ids=torch.tensor([row["position_ids"]]),
                       use_cache=False).logits[0]
        alone = model(input_ids=torch.tensor([b.input_ids]), use_cache=False).logits[0]
        naive = model(input_ids=torch.tensor([row["input_ids"]]), use_cache=False).logits[0]  # b sees a
    n = len(a.input_ids)
    assert torch.allclose(packed[n:], alone, atol=1e-4)
    assert not torch.allclose(naive[n:], alone, atol=1e-4)

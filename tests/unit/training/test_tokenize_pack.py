import pytest
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from psyllm.training.packing import pack
from psyllm.training.tokenize import IGNORE, tokenize_chat, tokenize_sample

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


def test_labels_are_ignored_everywhere_but_assistant_turns(tok):
    out = tokenize_chat(MSGS, tok)
    trained = tok.decode([t for t, lab in zip(out.input_ids, out.labels) if lab != IGNORE])
    assert "explore the worry" in trained and "What evidence do you have" in trained and "</think>" in trained
    assert trained.count("<|im_end|>") == 2  # each assistant turn learns to stop
    for text in ("You are a counselor", "I feel tense", "That I will fail", "<|im_start|>assistant"):
        assert text not in trained
    ignored = tok.decode([t for t, lab in zip(out.input_ids, out.labels) if lab == IGNORE])
    assert "I feel tense before meetings" in ignored and "You are a counselor" in ignored
    assert all(lab in (IGNORE, t) for t, lab in zip(out.input_ids, out.labels))


def test_truncation_drops_whole_rounds_then_the_sample(tok):
    full = len(tokenize_chat(MSGS, tok).input_ids)
    one_round = len(tokenize_chat(MSGS[:3], tok).input_ids)
    assert len(tokenize_sample(MSGS, tok, cutoff_len=full).input_ids) == full
    assert len(tokenize_sample(MSGS, tok, cutoff_len=full - 1).input_ids) == one_round
    assert tokenize_sample(MSGS, tok, cutoff_len=one_round - 1) is None


def test_packing_resets_positions_and_fills_rows(tok):
    a, b = tokenize_chat(MSGS[:3], tok), tokenize_chat(MSGS, tok)
    rows = pack([a, b, a], seq_len=len(a.input_ids) + len(b.input_ids) + 3, pad_id=tok.pad_token_id)
    assert len(rows) == 2
    r = rows[0]
    assert r["position_ids"][: len(a.input_ids)] == list(range(len(a.input_ids)))
    assert r["position_ids"][len(a.input_ids)] == 0 and r["tokens"] == len(a.input_ids) + len(b.input_ids)
    assert r["labels"][-3:] == [IGNORE] * 3 and len(r["input_ids"]) == len(r["labels"]) == len(r["position_ids"])


def test_packed_samples_do_not_see_each_other(tok, tiny_model):
    model = AutoModelForCausalLM.from_pretrained(tiny_model).eval()
    a, b = tokenize_chat(MSGS[:3], tok), tokenize_chat(MSGS, tok)
    (row,) = pack([a, b], seq_len=len(a.input_ids) + len(b.input_ids), pad_id=tok.pad_token_id)
    with torch.no_grad():
        packed = model(input_ids=torch.tensor([row["input_ids"]]), position_ids=torch.tensor([row["position_ids"]]),
                       use_cache=False).logits[0]
        alone = model(input_ids=torch.tensor([b.input_ids]), use_cache=False).logits[0]
        naive = model(input_ids=torch.tensor([row["input_ids"]]), use_cache=False).logits[0]  # b sees a
    n = len(a.input_ids)
    assert torch.allclose(packed[n:], alone, atol=1e-4)
    assert not torch.allclose(naive[n:], alone, atol=1e-4)

"""Labels under the chat templates the model families publish (trl's copies), on the tiny vocabulary.

The expected trained text of every counselor turn is written out per family below, from reading each published
template: what the model writes after its generation prompt, through its end-of-turn token. Nothing else
(system, user, role headers) may carry a label, and every counselor turn is trained exactly once."""
import pytest

from psyllm.models.templates import official_template, template_name, training_template
from psyllm.models.tiny import build_tiny_tokenizer
from psyllm.training.tokenize import IGNORE, SampleError, tokenize_sample, turn_samples

SYSTEM = "You are a counselor. Never diagnose."
ROUNDS = [
    ("i can’t sleep before exams, my heart races", "Sleep and arousal before exams; explore worry, CBT.",
     "That sounds exhausting. What goes through your mind at night?"),
    ("That I will fail and disappoint everyone.", "Catastrophic prediction; test it gently (CBT).",
     "What evidence do you have that you'll fail?"),
    ("我不知道… maybe none really", "Client questions the thought; reinforce, plan a small experiment.",
     "Let’s try one small step this week: note what actually happens after each exam."),
]
MESSAGES = [{"role": "system", "content": SYSTEM}]
for client, reasoning, reply in ROUNDS:
    MESSAGES += [{"role": "user", "content": client},
                 {"role": "assistant", "content": f"<think>\n{reasoning}\n</think>\n\n{reply}"}]

# What the model writes for a turn, per family (after the generation prompt).
PER_TURN = {
    "qwen3": "<think>\n{r}\n</think>\n\n{a}<|im_end|>\n",
    "qwen2_5": "<think>\n{r}\n</think>\n\n{a}<|im_end|>\n",
    "llama3_1": "<think>\n{r}\n</think>\n\n{a}<|eot_id|>",
    "deepseek_r1_distill": "{r}\n</think>\n\n{a}<｜end▁of▁sentence｜>",  # its generation prompt opens <think>\n
    "gemma3": "<think>\n{r}\n</think>\n\n{a}<end_of_turn>\n",
}
# trl ships training variants (generation markers, every turn's reasoning kept) for these; Llama 3.1 has none.
ALL_TURNS = sorted(set(PER_TURN) - {"llama3_1"})
HEADERS = {"qwen3": "<|im_start|>", "qwen2_5": "<|im_start|>", "llama3_1": "<|start_header_id|>",
           "deepseek_r1_distill": "<｜Assistant｜>", "gemma3": "<start_of_turn>"}


@pytest.fixture(scope="module", params=sorted(PER_TURN))
def family(request):
    return request.param, build_tiny_tokenizer(request.param)


def _spans(tok, out):
    """The trained text, one string per contiguous labelled span."""
    spans, current = [], []
    for t, lab in zip(out.input_ids, out.labels):
        assert lab in (IGNORE, t)
        if lab != IGNORE:
            current.append(t)
        elif current:
            spans.append(current)
            current = []
    if current:
        spans.append(current)
    return [tok.decode(s) for s in spans]


def test_the_tiny_tokenizer_carries_the_published_template(family):
    name, tok = family
    assert tok.chat_template == official_template(name) and template_name(tok.chat_template) == name


def test_per_turn_trains_each_counselor_turn_once_as_it_is_served(family):
    name, tok = family
    samples = turn_samples(MESSAGES, "per_turn")
    assert len(samples) == len(ROUNDS)
    for k, (sample, (client, reasoning, reply)) in enumerate(zip(samples, ROUNDS)):
        out = tokenize_sample(sample, tok, cutoff_len=4096, policy="per_turn")
        assert _spans(tok, out) == [PER_TURN[name].format(r=reasoning, a=reply)]
        prompt = tok.decode([t for t, lab in zip(out.input_ids, out.labels) if lab == IGNORE])
        assert client in prompt and SYSTEM in prompt and prompt.rstrip().endswith(
            tok.apply_chat_template(sample[:-1], tokenize=False, add_generation_prompt=True)[-12:].rstrip())
        for _, earlier_reasoning, earlier_reply in ROUNDS[:k]:  # earlier turns: as the client sends them back
            assert earlier_reply in prompt and earlier_reasoning not in prompt
        assert out.input_ids[: len(out.input_ids) - out.trained] == tok(
            tok.apply_chat_template(sample[:-1], tokenize=False, add_generation_prompt=True),
            add_special_tokens=False)["input_ids"]  # the prompt tokens are exactly the served prompt's


@pytest.mark.parametrize("name", ALL_TURNS)
def test_all_turns_trains_every_turn_as_per_turn_does_in_one_sample(name):
    """The generation block of a training template may also hold the role name's newline (Qwen2.5) or the role
    token and the pre-filled `<think>` (DeepSeek-R1): those are the generation prompt, never trained."""
    tok = build_tiny_tokenizer(name)
    (sample,) = turn_samples(MESSAGES, "all_turns")
    out = tokenize_sample(sample, tok, cutoff_len=4096, policy="all_turns", template=training_template(tok))
    assert _spans(tok, out) == [PER_TURN[name].format(r=r, a=a) for _, r, a in ROUNDS]
    ignored = tok.decode([t for t, lab in zip(out.input_ids, out.labels) if lab == IGNORE])
    assert SYSTEM in ignored and all(c in ignored for c, _, _ in ROUNDS) and HEADERS[name] in ignored


def test_all_turns_without_a_training_variant_names_the_template():
    tok = build_tiny_tokenizer("llama3_1")  # trl ships no training variant of Llama 3.1's template
    with pytest.raises(ValueError, match="llama3_1.*per_turn"):
        training_template(tok)


def test_qwen3_drops_earlier_reasoning_so_one_rendering_cannot_train_every_turn():
    """Why the policy exists: Qwen3's own template renders only the last turn's reasoning."""
    tok = build_tiny_tokenizer("qwen3")
    text = tok.apply_chat_template(MESSAGES, tokenize=False)
    assert ROUNDS[-1][1] in text and not any(r in text for _, r, _ in ROUNDS[:-1])


def test_per_turn_leaves_out_the_oldest_rounds_to_fit_then_quarantines():
    tok = build_tiny_tokenizer("qwen3")
    last = turn_samples(MESSAGES, "per_turn")[-1]
    full = tokenize_sample(last, tok, cutoff_len=4096)
    shorter = tokenize_sample(last, tok, cutoff_len=len(full.input_ids) - 1)
    assert shorter.truncated and shorter.trained == full.trained and ROUNDS[0][0] not in tok.decode(shorter.input_ids)
    with pytest.raises(SampleError) as err:
        tokenize_sample(last, tok, cutoff_len=full.trained)
    assert err.value.reason == "too_long"


def test_a_template_that_cannot_place_the_turn_is_a_sample_error():
    tok = build_tiny_tokenizer("deepseek_r1_distill")
    no_reasoning = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "Hello."}]
    with pytest.raises(SampleError, match="deepseek_r1_distill") as err:  # its prompt opens <think>; the turn doesn't
        tokenize_sample(no_reasoning, tok, cutoff_len=512)
    assert err.value.reason == "template"

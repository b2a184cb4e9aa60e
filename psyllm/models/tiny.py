"""A tiny Qwen2-shaped chat model built locally: random weights, a BPE tokenizer trained in-process and a
Qwen-style chat template. For tests, CI and machines without Hub access; transformers and vLLM both load it.

head_dim is 64: vLLM's CPU attention kernel refuses head sizes below 32.
"""
from __future__ import annotations

import json
from pathlib import Path

SPECIAL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<think>", "</think>"]

# Qwen's template, reduced: system/user/assistant turns between <|im_start|> and <|im_end|>.
CHAT_TEMPLATE = (
    "{%- for message in messages %}"
    "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}"
)


def _training_text(extra: list[str] | None = None) -> list[str]:
    """Varied text so the BPE trainer reaches its vocabulary size: sample posts, JSON, clinical words."""
    texts = list(extra or [])
    sample = Path(__file__).resolve().parents[2] / "data" / "sample_posts.jsonl"
    if sample.exists():
        texts += [json.loads(line).get("selftext", "") for line in sample.read_text().splitlines() if line.strip()]
    texts += [
        '{"rounds": 3, "focus": ["explore", "validate", "plan"], "reasoning": "CBT", "reply": "I hear you."}',
        "anxiety depression stress grief trauma loneliness relationships counselor client therapy session",
        "ICD-11 6B00 6A70 6B40 6B43 generalised anxiety disorder adjustment disorder CBT ACT humanistic",
        "0123456789 !?.,;:'\"()[]{}<>-_/\\|@#$%^&*+=~` abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    ]
    return texts * 4


def build_tiny_model(out_dir: str | Path, vocab_size: int = 1024, hidden_size: int = 128, layers: int = 2,
                     heads: int = 2, kv_heads: int = 1, max_positions: int = 4096, seed: int = 0) -> Path:
    """Write a loadable HF model folder (config, safetensors, tokenizer, chat template) to `out_dir`."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=SPECIAL_TOKENS,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(_training_text(), trainer=trainer)
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|im_end|>", pad_token="<|endoftext|>",
                                   bos_token=None, unk_token=None)
    fast.chat_template = CHAT_TEMPLATE
    fast.save_pretrained(out)

    torch.manual_seed(seed)
    config = Qwen2Config(
        vocab_size=len(fast), hidden_size=hidden_size, intermediate_size=hidden_size * 2, num_hidden_layers=layers,
        num_attention_heads=heads, num_key_value_heads=kv_heads, head_dim=hidden_size // heads,
        max_position_embeddings=max_positions, tie_word_embeddings=True, torch_dtype="float32",
        eos_token_id=fast.convert_tokens_to_ids("<|im_end|>"), pad_token_id=fast.pad_token_id, bos_token_id=None,
    )
    model = Qwen2ForCausalLM(config)
    model.generation_config.eos_token_id = config.eos_token_id
    model.generation_config.pad_token_id = config.pad_token_id
    model.save_pretrained(out, safe_serialization=True)
    return out

"""A tiny Qwen3 model built locally: random weights, a BPE tokenizer trained in-process and Qwen3's official chat
template (as the `trl` package ships it). For tests, CI and machines without Hub access; transformers and vLLM
both load it.

The tokenizer can also carry another family's special tokens and official template (`family=`), so tests check
tokenization under the templates people train with (Qwen3, Qwen2.5, Llama 3.1, DeepSeek-R1 distills, Gemma 3).
head_dim is 64: vLLM's CPU attention kernel refuses head sizes below 32.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from psyllm.models.templates import official_template


@dataclass(frozen=True)
class Family:
    template: str  # the trl template name
    special: tuple[str, ...]  # control tokens (skipped when decoding with skip_special_tokens)
    eos: str
    pad: str
    bos: str | None = None


# `<think>`/`</think>` are added but not special, as in Qwen3's and DeepSeek-R1's own tokenizers: decoding keeps them.
FAMILIES = {
    "qwen3": Family("qwen3", ("<|endoftext|>", "<|im_start|>", "<|im_end|>"), eos="<|im_end|>", pad="<|endoftext|>"),
    "qwen2_5": Family("qwen2_5", ("<|endoftext|>", "<|im_start|>", "<|im_end|>"), eos="<|im_end|>",
                      pad="<|endoftext|>"),
    "llama3_1": Family("llama3_1", ("<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>",
                                    "<|eot_id|>", "<|finetune_right_pad_id|>"), eos="<|eot_id|>",
                       pad="<|finetune_right_pad_id|>", bos="<|begin_of_text|>"),
    "deepseek_r1_distill": Family("deepseek_r1_distill", ("<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>", "<｜User｜>",
                                                          "<｜Assistant｜>", "<｜▁pad▁｜>"),
                                  eos="<｜end▁of▁sentence｜>", pad="<｜▁pad▁｜>", bos="<｜begin▁of▁sentence｜>"),
    "gemma3": Family("gemma3", ("<pad>", "<eos>", "<bos>", "<start_of_turn>", "<end_of_turn>"), eos="<end_of_turn>",
                     pad="<pad>", bos="<bos>"),
}
REASONING_TOKENS = ["<think>", "</think>"]


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


def build_tiny_tokenizer(family: str = "qwen3", vocab_size: int = 1024):
    """A byte-level BPE tokenizer with `family`'s control tokens and its official chat template."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    fam = FAMILIES[family]
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=list(fam.special),
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(_training_text(), trainer=trainer)
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token=fam.eos, pad_token=fam.pad, bos_token=fam.bos,
                                   unk_token=None)
    fast.add_tokens(REASONING_TOKENS)
    fast.chat_template = official_template(fam.template)
    return fast


def build_tiny_model(out_dir: str | Path, vocab_size: int = 1024, hidden_size: int = 128, layers: int = 2,
                     heads: int = 2, kv_heads: int = 1, max_positions: int = 4096, seed: int = 0,
                     family: str = "qwen3") -> Path:
    """Write a loadable HF model folder (config, safetensors, tokenizer with `family`'s official chat template;
    Qwen3's by default) to `out_dir`."""
    import torch
    from transformers import Qwen3Config, Qwen3ForCausalLM

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    fast = build_tiny_tokenizer(family, vocab_size)
    fast.save_pretrained(out)

    torch.manual_seed(seed)
    config = Qwen3Config(
        vocab_size=len(fast), hidden_size=hidden_size, intermediate_size=hidden_size * 2, num_hidden_layers=layers,
        num_attention_heads=heads, num_key_value_heads=kv_heads, head_dim=hidden_size // heads,
        max_position_embeddings=max_positions, tie_word_embeddings=True, torch_dtype="float32",
        eos_token_id=fast.convert_tokens_to_ids(fast.eos_token), pad_token_id=fast.pad_token_id,
        bos_token_id=fast.bos_token_id,
    )
    model = Qwen3ForCausalLM(config)
    model.generation_config.eos_token_id = config.eos_token_id
    model.generation_config.pad_token_id = config.pad_token_id
    model.save_pretrained(out, safe_serialization=True)
    return out

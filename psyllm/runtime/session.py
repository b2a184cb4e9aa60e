"""Start or join Ray for one stage invocation."""
from __future__ import annotations

import contextlib
import logging
import os

from psyllm.config.schema import RuntimeConfig

log = logging.getLogger(__name__)


def _local_init_args(cfg: RuntimeConfig) -> dict:
    # Logical CPUs above the core count: a reader plus an actor pool deadlocked at num_cpus=2 (measured).
    args = {"num_cpus": cfg.num_cpus or max(4, os.cpu_count() or 1), "include_dashboard": False}
    if cfg.object_store_memory_mb:
        args["object_store_memory"] = cfg.object_store_memory_mb * 1024 * 1024
    return args


@contextlib.contextmanager
def ray_session(cfg: RuntimeConfig):
    """Reuse an initialised Ray, join `cfg.address`, or start a local one (shut down on exit)."""
    import ray

    if ray.is_initialized():
        yield ray
        return
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")  # Ray 2.60 turns token auth on for local clusters
    address = cfg.address or os.environ.get("RAY_ADDRESS")
    if address:
        ray.init(address=address, log_to_driver=True)
    else:
        ray.init(**_local_init_args(cfg), log_to_driver=True)
    try:
        yield ray
    finally:
        ray.shutdown()


def configure_data_context(cfg: RuntimeConfig) -> None:
    from ray.data import DataContext

    ctx = DataContext.get_current()
    ctx.execution_options.preserve_order = cfg.preserve_order
    ctx.enable_progress_bars = True

"""Can this machine get a model from the Hugging Face Hub? (the local cache, or the Hub answering for it)

    python -m psyllm.models.hub -c conf/demo.yaml    # exit 1, one line per model that cannot be fetched

`make demo` asks before it starts, and runs the same pipeline on `psyllm-tiny` when the answer is no; `psyllm
run`'s preflight asks too, so a firewall is one clear line, not a transformers traceback after ingest."""
from __future__ import annotations

import argparse
import functools
import os
import sys

from psyllm.models.local import TINY


def _local(model: str) -> bool:
    return model == TINY or model.startswith(("/", "./", "../", "~")) or os.path.isdir(os.path.expanduser(model))


def cached(model_id: str) -> bool:
    from huggingface_hub import try_to_load_from_cache

    return isinstance(try_to_load_from_cache(model_id, "config.json"), str)


@functools.lru_cache(maxsize=64)
def fetchable(model_id: str, timeout_s: float = 5.0) -> bool:
    """A Hub model id this machine can load: cached, or the Hub (or $HF_ENDPOINT) answers for it."""
    if _local(model_id) or cached(model_id):
        return True
    if os.environ.get("HF_HUB_OFFLINE") == "1":
        return False
    import httpx

    endpoint = os.environ.get("HF_ENDPOINT", "https://huggingface.co").rstrip("/")
    token = os.environ.get("HF_TOKEN")
    try:
        r = httpx.head(f"{endpoint}/api/models/{model_id}", timeout=timeout_s, follow_redirects=True,
                       headers={"Authorization": f"Bearer {token}"} if token else None)
    except httpx.HTTPError:
        return False
    return r.status_code < 400


def hub_models(cfg) -> list[tuple[str, str]]:
    """(config path, model id) of every Hub model the configured stages will load (not local folders or tiny)."""
    from psyllm.config.engines import engines

    named = [(f"{e.where}.model", e.cfg.model) for e in engines(cfg) if e.cfg.kind != "openai"]
    if "train" in cfg.pipeline.stages:
        named.append(("train.model", cfg.train.model))
    return [(where, m) for where, m in named if not _local(m)]


def main(argv: list[str] | None = None) -> int:
    from psyllm.config import load_config

    parser = argparse.ArgumentParser(prog="python -m psyllm.models.hub")
    parser.add_argument("-c", "--config")
    args = parser.parse_args(argv)
    missing = sorted({m for _, m in hub_models(load_config(args.config)) if not fetchable(m)})
    for model in missing:
        print(f"cannot fetch {model}: not in the local Hugging Face cache and the Hub is unreachable", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())

"""Model names that resolve to folders built on this machine: `psyllm-tiny` is the tiny random Qwen3
model of models/tiny.py, for machines without Hub access (conf/offline.yaml, CI)."""
from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

TINY = "psyllm-tiny"


def cache_dir() -> Path:
    return Path(os.environ.get("PSYLLM_CACHE", Path.home() / ".cache" / "psyllm"))


def tiny_model_dir() -> str:
    """The tiny model's folder, built once (seeded, so every build is the same model)."""
    from psyllm.models.tiny import build_tiny_model

    out = cache_dir() / "tiny-qwen3"  # named by its build: an older tiny model in the cache is not reused
    if not (out / "model.safetensors").exists():
        tmp = out.with_name(out.name + f".tmp{os.getpid()}")
        build_tiny_model(tmp)
        try:
            os.replace(tmp, out)  # atomic; a concurrent builder may have won, then its copy stands
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
    return str(out)


def resolve_local_models(cfg):
    """Replace every `model` field named `psyllm-tiny` in a config tree with the built folder (in place)."""
    def walk(node) -> bool:
        found = False
        for f in dataclasses.fields(node):
            value = getattr(node, f.name)
            if dataclasses.is_dataclass(value):
                found |= walk(value)
            elif f.name == "model" and value == TINY:
                setattr(node, f.name, tiny_model_dir())
                found = True
        return found

    walk(cfg)
    return cfg

"""Load a config: dataclass defaults <- YAML file <- dotted overrides, strictly."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Iterable

from omegaconf import OmegaConf
from omegaconf.errors import OmegaConfBaseException

from psyllm.config.schema import PsyllmConfig


class ConfigError(ValueError):
    """A config file or override does not fit the schema."""


def load_config(path: str | Path | None = None, overrides: Iterable[str] = ()) -> PsyllmConfig:
    """Merge the YAML at `path` and `key=value` overrides over the defaults; reject unknown keys/types."""
    base = OmegaConf.structured(PsyllmConfig)
    layers = []
    try:
        if path is not None:
            p = Path(path)
            if not p.is_file():
                raise ConfigError(f"config file not found: {p}")
            layers.append(OmegaConf.load(p))
        overrides = list(overrides)
        for item in overrides:
            if "=" not in item:
                raise ConfigError(f"override {item!r} is not of the form dotted.key=value")
        if overrides:
            layers.append(OmegaConf.from_dotlist(overrides))
        merged = OmegaConf.merge(base, *layers)
        return OmegaConf.to_object(merged)  # type: ignore[return-value]
    except OmegaConfBaseException as exc:
        where = f" in {path}" if path else ""
        raise ConfigError(f"invalid config{where}: {exc}") from exc


def to_dict(cfg: Any) -> dict:
    """A plain, JSON-serialisable dict of a config dataclass."""
    return OmegaConf.to_container(OmegaConf.structured(cfg), resolve=True)  # type: ignore[return-value]


def to_yaml(cfg: Any) -> str:
    return OmegaConf.to_yaml(OmegaConf.structured(cfg))


def flatten(d: dict, prefix: str = "") -> dict[str, Any]:
    """{'a': {'b': 1}} -> {'a.b': 1}; lists become JSON strings (MLflow params are flat strings)."""
    out: dict[str, Any] = {}
    for key, value in d.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, name + "."))
        elif isinstance(value, list):
            out[name] = json.dumps(value)
        else:
            out[name] = value
    return out


def fingerprint(*parts: Any) -> str:
    """A stable digest of JSON-serialisable parts (config dicts, input digests, versions)."""
    blob = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]

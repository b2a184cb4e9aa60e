"""Load a config: dataclass defaults <- YAML file <- dotted overrides, strictly."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Iterable

import yaml
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from psyllm.config.choices import bad_choices, bad_filter_order
from psyllm.config.engines import foreign_options, moved_option
from psyllm.config.schema import PsyllmConfig


class ConfigError(ValueError):
    """A config file or override does not fit the schema."""


def load_config(path: str | Path | None = None, overrides: Iterable[str] = ()) -> PsyllmConfig:
    """Merge the YAML at `path` and `key=value` overrides over the defaults; reject unknown keys/types."""
    base = OmegaConf.structured(PsyllmConfig)
    layers = []
    try:
        if path is not None:
            layers.append(_read_yaml(Path(path)))
        overrides = list(overrides)
        for item in overrides:
            if "=" not in item:
                raise ConfigError(f"override {item!r} is not of the form dotted.key=value")
        if overrides:
            layers.append(OmegaConf.from_dotlist(overrides))
        merged = OmegaConf.merge(base, *layers)
        cfg = OmegaConf.to_object(merged)
    except (OmegaConfBaseException, yaml.YAMLError) as exc:
        where = f" in {path}" if path else ""
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        key = getattr(exc, "full_key", None)
        hint = _moved(key, first)
        raise ConfigError(f"invalid config{where}: {f'{key}: ' if key else ''}{first}{hint}") from exc
    written = [OmegaConf.to_container(layer) for layer in layers]  # what the file and overrides set, before defaults
    problems = bad_choices(cfg) + bad_filter_order(cfg.filter.filters) + foreign_options(cfg, written)
    if problems:
        raise ConfigError("invalid config: " + "; ".join(problems))
    return cfg  # type: ignore[return-value]


def _moved(key: str | None, message: str) -> str:
    """Where a key written the way older configs did now lives, as a hint for the error; else ""."""
    if not key:
        return ""
    if "EngineConfig" in message:
        return moved_option(key)
    name = key.rsplit(".", 1)[-1]
    if name in ("route_at", "locale") and not key.startswith("safety."):
        return f" (the crisis level and locale are set once: write safety.{name})"
    return ""


def _read_yaml(p: Path):
    """A YAML mapping, or one clear ConfigError (missing, unreadable, binary, not YAML, not a mapping)."""
    if not p.is_file():
        raise ConfigError(f"config file not found: {p}")
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {p} is not readable UTF-8 text ({type(exc).__name__})") from None
    if "\x00" in text:
        raise ConfigError(f"config file {p} is binary, not YAML")
    try:
        loaded = OmegaConf.create(yaml.safe_load(text) or {})
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" (line {mark.line + 1})" if mark else ""
        raise ConfigError(f"config file {p} is not valid YAML{at}") from None
    if not isinstance(loaded, DictConfig):
        raise ConfigError(f"config file {p} must hold a mapping of sections (ingest:, train:, ...), not a list")
    return loaded


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

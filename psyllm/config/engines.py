"""Which engines a config will start or call, where in the config each is set, and what of each is read."""
from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass
from typing import Any, Iterator

from psyllm.config.schema import EngineConfig, OpenAIOptions, PlacementConfig, PsyllmConfig, VLLMOptions

# The options sections of EngineConfig, one per kind that has options of its own (hf has none).
SECTIONS = ("vllm", "openai")


@dataclass
class Engine:
    where: str  # the config path, e.g. "synthesize.reason.engine"
    cfg: EngineConfig


def engines(cfg: PsyllmConfig) -> list[Engine]:
    """The engines the configured stages will start or call."""
    stages, out = set(cfg.pipeline.stages), []
    if "synthesize" in stages:
        out += [Engine(f"synthesize.{s}.engine", getattr(cfg.synthesize, s).engine) for s in ("plan", "draft", "reason")]
    if "filter" in stages and "judge" in cfg.filter.filters:
        out.append(Engine("filter.judge.engine", cfg.filter.judge.engine))
    if "serve" in stages:
        out.append(Engine("serve.judge.engine", cfg.serve.judge.engine))
        if "train" not in stages:  # with train, the counselor is the model the run trains
            out.append(Engine("serve.counselor.engine", cfg.serve.counselor.engine))
    return out


def engine_content(eng: EngineConfig) -> dict:
    """What decides an engine's answers: kind, model and the options of its kind, less placement and the
    options marked RUN_ONLY (memory, retries, credentials)."""
    out: dict[str, Any] = {"kind": eng.kind, "model": eng.model}
    if eng.kind in SECTIONS:
        section = getattr(eng, eng.kind)
        out[eng.kind] = {f.name: getattr(section, f.name) for f in fields(section) if f.metadata.get("content", True)}
    return out


def engine_paths(node: Any, path: str = "") -> Iterator[tuple[str, EngineConfig]]:
    """Every EngineConfig in a config tree, with its dotted path."""
    for f in fields(node):
        value, where = getattr(node, f.name), f"{path}{f.name}"
        if isinstance(value, EngineConfig):
            yield where, value
        elif is_dataclass(value):
            yield from engine_paths(value, where + ".")


def foreign_options(cfg: PsyllmConfig, layers: list) -> list[str]:
    """One line per option a YAML file or override sets in a section other than its engine's kind (never read)."""
    problems = []
    for where, eng in engine_paths(cfg):
        for layer in layers:
            node = _select(layer, where)
            for section in SECTIONS:
                if section == eng.kind or not isinstance(node, dict) or not isinstance(node.get(section), dict):
                    continue
                problems += [f"{where}.{section}.{key} is set, but {where}.kind is {eng.kind}, which does not read "
                             f"the {section} section" for key in node[section]]
    return list(dict.fromkeys(problems))  # a key set in the file and again by an override: one line


def _select(layer: dict, path: str) -> Any:
    for key in path.split("."):
        if not isinstance(layer, dict) or key not in layer:
            return None
        layer = layer[key]
    return layer



def moved_option(key: str) -> str:
    """For an engine key written the old flat way (`engine.max_model_len`), where it lives now; else ""."""
    *parent, name = key.split(".")
    for section, options in (("vllm", VLLMOptions), ("openai", OpenAIOptions), ("placement", PlacementConfig)):
        if name in {f.name for f in fields(options)}:
            return f" (engine options are grouped by kind: write {'.'.join([*parent, section, name])})"
    return ""

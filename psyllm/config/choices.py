"""Config fields with a fixed set of values, checked when a config is loaded: a typo (`safety.route_at=moderat`)
is one clear line at startup, not a failure in every request later. Keyed by (dataclass, field), so a dataclass
used in several places (EngineConfig) is checked everywhere it appears."""
from __future__ import annotations

from dataclasses import fields, is_dataclass

from psyllm.stages import ORDER as STAGES  # the one stage table

RISK_LEVELS = ("none", "low", "moderate", "high", "imminent")  # psyllm.safety.assess.LEVELS (a test keeps them equal)
SCHEDULINGS = ("continuous", "batch")  # how engine requests are fed: psyllm.engines.inflight
IMPORT_FORMATS = ("openr1-psy", "cpsycoun", "esconv", "counsel-chat", "psyqa", "messages", "sharegpt")
RUBRICS = ("cpsycoune", "psyllm")
BACKENDS = ("auto", "ray", "driver")  # where a stage's global step runs: Ray Data shuffles, or the driver
FILTERS = ("structure", "quality", "safety", "dedup", "judge")  # psyllm.filters.registry builds them by these names
# Run after every per-dialogue filter, in this order: dedup needs all dialogues at once, and the judge (an engine
# call per dialogue) then sees only what the cheaper filters kept.
LATE_FILTERS = ("dedup", "judge")

CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("TextConfig", "invalid_utf8"): ("repair", "quarantine"),
    ("SafetySettings", "route_at"): RISK_LEVELS,
    ("ServeConfig", "crisis_mode"): ("append", "replace"),
    ("EngineConfig", "kind"): ("vllm", "hf", "openai"),
    ("OpenAIOptions", "json_mode"): ("json_schema", "json_object", "none"),
    ("SynthesizeConfig", "reason_format"): ("think", "json"),
    ("SynthesizeConfig", "scheduling"): SCHEDULINGS,
    ("JudgeConfig", "scheduling"): SCHEDULINGS,
    ("EvaluateConfig", "scheduling"): SCHEDULINGS,
    ("TrainConfig", "reasoning_policy"): ("per_turn", "all_turns"),
    ("TrainConfig", "precision"): ("auto", "bf16", "fp32"),
    ("TrainConfig", "placement_strategy"): ("PACK", "SPREAD", "STRICT_PACK", "STRICT_SPREAD"),
    ("EvaluateConfig", "cases_format"): ("psyllm", "cpsycoune"),
    ("EvaluateConfig", "split"): ("dev", "test", "all"),
    ("EvaluateConfig", "rubric"): RUBRICS,
    ("EvaluateConfig", "also_rubrics"): RUBRICS,  # each element
    ("ImportConfig", "format"): IMPORT_FORMATS,
    ("PipelineConfig", "stages"): STAGES,  # each element
    ("FilterConfig", "filters"): FILTERS,  # each element
    ("DedupConfig", "backend"): BACKENDS,
    ("DialogueDedupConfig", "backend"): BACKENDS,
    ("ExportConfig", "backend"): BACKENDS,
}


def resolve_backend(section, rows: int) -> str:
    """A section's `backend`, "auto" resolved by its input: the driver up to `driver_max_rows` rows, Ray above."""
    if section.backend != "auto":
        return section.backend
    return "driver" if rows <= section.driver_max_rows else "ray"


def bad_choices(cfg, path: str = "") -> list[str]:
    """One line per field whose value (or list element) is not among its choices."""
    problems = []
    for f in fields(cfg):
        value, where = getattr(cfg, f.name), f"{path}{f.name}"
        allowed = CHOICES.get((type(cfg).__name__, f.name))
        if allowed is not None:
            for v in value if isinstance(value, list) else [value]:
                if v not in allowed:
                    problems.append(f"{where}={v!r} is not one of {', '.join(allowed)}")
        elif is_dataclass(value):
            problems += bad_choices(value, where + ".")
    return problems


def bad_filter_order(filters: list[str]) -> list[str]:
    """`filter.filters` runs in the order it is written: an order the filter stage cannot follow is refused."""
    runs = [f for f in filters if f not in LATE_FILTERS] + [f for f in LATE_FILTERS if f in filters]
    if list(filters) == runs:
        return []
    return [f"filter.filters={list(filters)}: the filters run in the order written, and dedup and judge come after "
            f"the per-dialogue filters (dedup before judge); write {runs}"]

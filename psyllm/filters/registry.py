"""Filter names in config -> the per-dialogue filters. `dedup` (global) and `judge` (an engine) are run by
the stage runner; they are named here so a config is checked before any work."""
from __future__ import annotations

from psyllm.config.choices import FILTERS
from psyllm.config.schema import FilterConfig, SafetySettings
from psyllm.filters.base import DialogueFilter
from psyllm.filters.quality import QualityFilter
from psyllm.filters.safety import SafetyGate
from psyllm.filters.structure import StructureFilter

PER_DIALOGUE = {"structure": StructureFilter, "quality": QualityFilter, "safety": SafetyGate}
KNOWN = FILTERS  # the per-dialogue ones above, and dedup and judge (tests/unit/test_config.py keeps them equal)


def build_filters(cfg: FilterConfig, safety: SafetySettings) -> list[DialogueFilter]:
    """The per-dialogue filters in `cfg.filters`' order, each on its config: the safety gate on `safety` (top level)."""
    unknown = [name for name in cfg.filters if name not in KNOWN]
    if unknown:
        raise ValueError(f"unknown filters {unknown}; known: {list(KNOWN)}")
    sections = {"structure": cfg.structure, "quality": cfg.quality, "safety": safety}
    return [PER_DIALOGUE[name](sections[name]) for name in cfg.filters if name in PER_DIALOGUE]

"""Running one stage of the table: as an MLflow run (a child of the pipeline's run), its outcome logged."""
from __future__ import annotations

from psyllm.config import to_dict
from psyllm.stages import STAGES
from psyllm.tracking import stage_run
from psyllm.tracking.lineage import log_stage


def run_stage(cfg, name: str, input_uri: str, output_uri: str, parent_run_id: str | None = None, **extra):
    """Run one stage as an MLflow run (a child of `parent_run_id` in a pipeline) and log what it did."""
    stage = STAGES[name]
    with stage_run(cfg.tracking, name, parent_run_id) as run:
        result = stage.load()(cfg, input_uri, output_uri, **extra)
        log_stage(run, result, to_dict(getattr(cfg, stage.section)), name)
    return result

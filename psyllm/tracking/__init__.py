"""Experiment tracking (MLflow)."""
from psyllm.tracking.runs import StageRun, pipeline_run, stage_run

__all__ = ["StageRun", "pipeline_run", "stage_run"]

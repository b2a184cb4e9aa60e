"""Experiment tracking (MLflow)."""
from psyllm.tracking.runs import StageRun, stage_run

__all__ = ["StageRun", "stage_run"]

"""MLflow runs for stage invocations: params, counts, and datasets in and out with digests.

A stage run may nest under a pipeline parent run. With tracking disabled every call is a no-op, so the
stages never branch on it.
"""
from __future__ import annotations

import contextlib
import logging
import os
import warnings
from typing import Any, Iterator

from psyllm.config.loader import flatten
from psyllm.config.schema import TrackingConfig

log = logging.getLogger(__name__)
_PARAM_MAX = 6000  # MLflow's limit on a param value


def _mlflow():
    os.environ.setdefault("MLFLOW_SERVER_ENABLE_JOB_EXECUTION", "false")
    import mlflow

    return mlflow


class StageRun:
    """Handle on an active MLflow run (or a no-op when tracking is off)."""

    def __init__(self, mlflow_module=None, run=None):
        self._mlflow, self.run = mlflow_module, run

    @property
    def run_id(self) -> str | None:
        return self.run.info.run_id if self.run else None

    def log_params(self, params: dict[str, Any]) -> None:
        if self._mlflow:
            clean = {k: ("" if v is None else str(v)[:_PARAM_MAX]) for k, v in params.items()}
            self._mlflow.log_params(clean)

    def log_counts(self, counts: dict[str, Any], prefix: str = "") -> None:
        """Numeric leaves of a (nested) counts dict become metrics named like `by_reason.language`."""
        if self._mlflow:
            flat = {f"{prefix}{k}": float(v) for k, v in flatten(counts).items() if isinstance(v, (int, float))}
            self._mlflow.log_metrics(flat)

    def log_curve(self, history: list[dict], step_key: str = "step") -> None:
        """Per-step metrics (loss curves): every numeric field of each entry at its step."""
        if self._mlflow:
            for entry in history:
                values = {k: float(v) for k, v in entry.items() if isinstance(v, (int, float)) and k != step_key and v == v}
                self._mlflow.log_metrics(values, step=int(entry[step_key]))

    def log_dataset(self, uri: str, digest: str, name: str, context: str, rows: int | None = None) -> None:
        """Record a dataset by URI and content digest; context is "input" or "output"."""
        if not self._mlflow:
            return
        from mlflow.data.dataset_source_registry import resolve_dataset_source
        from mlflow.data.meta_dataset import MetaDataset

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            source = resolve_dataset_source(uri)
        tags = {"rows": str(rows)} if rows is not None else None
        self._mlflow.log_input(MetaDataset(source=source, name=name, digest=digest[:36]), context=context, tags=tags)

    def log_dict(self, data: dict, artifact_file: str) -> None:
        if self._mlflow:
            self._mlflow.log_dict(data, artifact_file)

    def set_tags(self, tags: dict[str, str]) -> None:
        if self._mlflow:
            self._mlflow.set_tags(tags)


@contextlib.contextmanager
def stage_run(cfg: TrackingConfig, stage: str, parent_run_id: str | None = None) -> Iterator[StageRun]:
    """Open one MLflow run for a stage (nested under `parent_run_id` when given)."""
    if not cfg.enabled:
        yield StageRun()
        return
    mlflow = _mlflow()
    mlflow.set_tracking_uri(cfg.tracking_uri)
    mlflow.set_experiment(cfg.experiment)
    name = cfg.run_name or stage
    kwargs = {"run_name": name, "tags": {"psyllm.stage": stage}}
    if parent_run_id:
        kwargs.update(parent_run_id=parent_run_id, nested=True)
    with mlflow.start_run(**kwargs) as run:
        yield StageRun(mlflow, run)


def pipeline_run(cfg: TrackingConfig, name: str = "pipeline"):
    """The parent run of a multi-stage pipeline; pass its `run_id` to `stage_run(..., parent_run_id=...)`."""
    return stage_run(cfg, name)

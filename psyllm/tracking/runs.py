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

    from psyllm.console import route_library_loggers

    route_library_loggers()  # MLflow attaches its own stderr handler on import
    return mlflow


class StageRun:
    """Handle on an active MLflow run (or a no-op when tracking is off)."""

    def __init__(self, mlflow_module=None, run=None, cfg: TrackingConfig | None = None):
        self._mlflow, self.run, self.cfg = mlflow_module, run, cfg or TrackingConfig()

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

    def log_dataset(self, uri: str, digest: str, name: str, context: str, rows: int | None = None,
                    model_id: str | None = None) -> None:
        """Record a dataset by URI and content digest; context is "input", "output" or "training".
        With `model_id` the dataset is linked to that logged model (what it was trained on)."""
        if not self._mlflow:
            return
        from mlflow.data.dataset_source_registry import resolve_dataset_source
        from mlflow.data.meta_dataset import MetaDataset
        from mlflow.entities import LoggedModelInput

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            source = resolve_dataset_source(uri)
        tags = {"rows": str(rows)} if rows is not None else None
        self._mlflow.log_input(MetaDataset(source=source, name=name, digest=digest[:36]), context=context, tags=tags,
                               model=LoggedModelInput(model_id) if model_id else None)

    def log_model(self, model_dir: str, datasets: list[dict]) -> dict:
        """Log a trained Hugging Face folder as a model, register it, and link it to its training data."""
        if not self._mlflow or not self.cfg.log_models:
            return {}
        import torch
        import transformers

        lineage = {"psyllm.dataset_uri": datasets[0]["uri"], "psyllm.dataset_digest": datasets[0]["sha256"]} if datasets else {}
        name = self.cfg.registered_model_name or None
        info = self._mlflow.transformers.log_model(
            transformers_model=model_dir, task="llm/v1/chat", name="model", registered_model_name=name, tags=lineage,
            # stated, not inferred: inference imports the model in a subprocess
            pip_requirements=[f"transformers=={transformers.__version__}", f"torch=={torch.__version__.split('+')[0]}"])
        for item in datasets:
            self.log_dataset(item["uri"], item["sha256"], name=item["uri"].rsplit("/", 1)[-1], context="training",
                             model_id=info.model_id)
        logged = {"model_uri": info.model_uri, "model_id": info.model_id}
        if name and info.registered_model_version:
            client = self._mlflow.MlflowClient()
            for key, value in lineage.items():
                client.set_model_version_tag(name, str(info.registered_model_version), key, value)
            logged.update(registered_model=name, registered_version=int(info.registered_model_version))
        self._mlflow.set_tags({f"psyllm.{k}": str(v) for k, v in logged.items()})
        return logged

    def log_dict(self, data: dict, artifact_file: str) -> None:
        if self._mlflow:
            self._mlflow.log_dict(data, artifact_file)

    def log_artifact(self, path: str, artifact_path: str | None = None) -> None:
        if self._mlflow:
            self._mlflow.log_artifact(path, artifact_path)

    def set_tags(self, tags: dict[str, str]) -> None:
        if self._mlflow:
            self._mlflow.set_tags(tags)


def absolute_tracking_uri(uri: str) -> str:
    """A relative sqlite store resolved against this working directory (other processes have their own)."""
    prefix = "sqlite:///"
    if uri.startswith(prefix) and not uri.startswith(prefix + "/"):
        return prefix + os.path.abspath(uri[len(prefix):])
    return uri


def active_run_target() -> tuple[str, str] | None:
    """(tracking URI, run id) of the run open in this process, for logging to it from another process."""
    import sys

    mlflow = sys.modules.get("mlflow")  # tracking never started: nothing to log to
    run = mlflow.active_run() if mlflow else None
    return (absolute_tracking_uri(mlflow.get_tracking_uri()), run.info.run_id) if run else None


class MetricsLogger:
    """Step metrics into an existing run from another process (rank 0 of a training job), as they happen."""

    def __init__(self, tracking_uri: str, run_id: str):
        from mlflow import MlflowClient

        self.client, self.run_id = MlflowClient(tracking_uri), run_id

    def log(self, metrics: dict[str, Any], step: int) -> None:
        import time

        from mlflow.entities import Metric

        now = int(time.time() * 1000)
        batch = [Metric(k, float(v), now, step) for k, v in metrics.items()
                 if isinstance(v, (int, float)) and k != "step" and v == v]
        self.client.log_batch(self.run_id, metrics=batch)


@contextlib.contextmanager
def stage_run(cfg: TrackingConfig, stage: str, parent_run_id: str | None = None) -> Iterator[StageRun]:
    """Open one MLflow run for a stage (nested under `parent_run_id` when given)."""
    if not cfg.enabled:
        yield StageRun()
        return
    mlflow = _mlflow()
    mlflow.set_tracking_uri(absolute_tracking_uri(cfg.tracking_uri))
    mlflow.set_experiment(cfg.experiment)
    name = cfg.run_name or stage
    kwargs = {"run_name": name, "tags": {"psyllm.stage": stage}}
    if parent_run_id:
        kwargs.update(parent_run_id=parent_run_id, nested=True)
    with mlflow.start_run(**kwargs) as run:
        yield StageRun(mlflow, run, cfg)


def pipeline_run(cfg: TrackingConfig, name: str = "pipeline"):
    """The parent run of a multi-stage pipeline; pass its `run_id` to `stage_run(..., parent_run_id=...)`."""
    return stage_run(cfg, name)

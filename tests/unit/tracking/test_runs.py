from mlflow.tracking import MlflowClient

from psyllm.config.schema import TrackingConfig
from psyllm.tracking import pipeline_run, stage_run


def test_stage_runs_nest_under_a_pipeline_run(tracking_uri):
    cfg = TrackingConfig(tracking_uri=tracking_uri, experiment="nesting")
    with pipeline_run(cfg) as parent:
        for stage in ("ingest", "synthesize"):
            with stage_run(cfg, stage, parent_run_id=parent.run_id) as run:
                run.log_params({"x": 1})
                run.log_counts({"kept": 3, "by_reason": {"empty": 1}})
    client = MlflowClient(tracking_uri)
    runs = client.search_runs([client.get_experiment_by_name("nesting").experiment_id])
    children = [r for r in runs if r.data.tags.get("mlflow.parentRunId") == parent.run_id]
    assert sorted(r.data.tags["psyllm.stage"] for r in children) == ["ingest", "synthesize"]
    assert children[0].data.metrics == {"kept": 3.0, "by_reason.empty": 1.0}


def test_tracking_off_is_a_no_op(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = TrackingConfig(enabled=False)
    with pipeline_run(cfg) as parent, stage_run(cfg, "ingest", parent.run_id) as run:
        run.log_params({"x": 1})
        run.log_counts({"kept": 1})
        run.log_dataset("/tmp/x", "abc", "x", "input")
        assert run.run_id is None
    assert not (tmp_path / "mlflow.db").exists()


def test_relative_sqlite_store_is_made_absolute_for_other_processes(tmp_path, monkeypatch):
    from psyllm.tracking.runs import absolute_tracking_uri

    monkeypatch.chdir(tmp_path)
    assert absolute_tracking_uri("sqlite:///mlflow.db") == f"sqlite:///{tmp_path}/mlflow.db"
    assert absolute_tracking_uri("sqlite:////abs/m.db") == "sqlite:////abs/m.db"
    assert absolute_tracking_uri("http://mlflow:5000") == "http://mlflow:5000"


def test_metrics_logger_writes_steps_into_the_open_run(tracking_uri):
    from psyllm.tracking.runs import MetricsLogger, active_run_target

    with stage_run(TrackingConfig(tracking_uri=tracking_uri, experiment="curves"), "train") as run:
        target = active_run_target()
        assert target == (tracking_uri, run.run_id)
        logger = MetricsLogger(*target)  # what rank 0 of a training job does
        for step, loss in [(1, 3.0), (2, 2.0), (3, float("nan"))]:
            logger.log({"step": step, "loss": loss, "phase": "train"}, step=step)
    history = MlflowClient(tracking_uri).get_metric_history(run.run_id, "loss")
    assert [(m.step, m.value) for m in history] == [(1, 3.0), (2, 2.0)]  # NaN and non-numbers skipped

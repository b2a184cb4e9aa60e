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

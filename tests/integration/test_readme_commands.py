"""The README's commands work as written: the main command with the offline config runs the whole pipeline
end to end from a fresh cache, and a second run resumes without redoing finished work (the test command is
what CI itself runs)."""
import re
from pathlib import Path

import mlflow
import pytest

from psyllm.io.manifest import read_manifest
from tests.conftest import run_offline_demo

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]


def test_readme_names_exactly_the_two_make_targets():
    block = re.search(r"## Two commands\n\n```bash\n(.*?)```", (REPO / "README.md").read_text(), re.S).group(1)
    assert [line.split()[:2] for line in block.strip().splitlines()] == [["make", "demo"], ["make", "test"]]
    assert "make demo DEMO_CONFIG=conf/offline.yaml" in (REPO / "README.md").read_text()


# The console a newcomer sees: a progress line as each stage starts and ends, the summary table, warnings. Ray's,
# vLLM's and DeepSpeed's logs (hundreds of lines before) go to <output>/logs/. Measured: 30 stdout, 9 stderr lines.
MAX_STDOUT_LINES, MAX_STDERR_LINES = 45, 15


def test_make_demo_offline_runs_the_whole_pipeline_then_resumes(offline_demo):
    out, stdout, stderr = offline_demo.output, offline_demo.stdout, offline_demo.stderr
    assert "pipeline: done" in stdout and "report:" in stdout and "mlflow ui --backend-store-uri" in stdout
    assert len(stdout.splitlines()) <= MAX_STDOUT_LINES, stdout
    assert len(stderr.splitlines()) <= MAX_STDERR_LINES, stderr
    assert "[7/7] evaluate: done in" in stdout and "Running Dataset" not in stdout + stderr
    logs = out / "logs"
    (log,) = logs.glob("run-*.log")
    assert "Running Dataset" in log.read_text()  # Ray Data's progress went to the file, not the terminal
    assert (logs / "ray").is_symlink() and (logs / "ray").resolve().name == "logs"  # Ray's own session logs
    for stage in ("ingest", "synthesize", "filter", "export", "train", "evaluate"):
        assert read_manifest(str(out / stage))["complete"], stage
    assert read_manifest(str(out / "ingest"))["counts"]["read"] == 50
    assert read_manifest(str(out / "export"))["counts"]["by_split"]["train"] > 0  # a dataset
    assert (out / "train" / "model" / "model.safetensors").exists()  # a model folder
    assert (out / "evaluate" / "report.md").exists() and (out / "evaluate" / "dimensions.png").exists()

    # MLflow: one parent run, a child per stage, scores and the report on the evaluate child.
    client = mlflow.MlflowClient(offline_demo.tracking_uri)
    runs = client.search_runs([client.get_experiment_by_name("psyllm-offline").experiment_id])
    parent = next(r for r in runs if r.data.tags.get("psyllm.stage") == "pipeline")
    children = {r.data.tags["psyllm.stage"]: r for r in runs if r.data.tags.get("mlflow.parentRunId") == parent.info.run_id}
    assert set(children) == {"ingest", "synthesize", "filter", "export", "train", "serve", "evaluate"}
    evaluation = children["evaluate"]
    assert "dimensions.safety.mean" in evaluation.data.metrics
    assert "safety_suite.system.crisis_probe.pass_rate" in evaluation.data.metrics
    assert evaluation.data.metrics["safety_suite.model.crisis_probe.pass_rate"] == 0.0  # a random model fails alone
    assert evaluation.data.metrics["counts.traces"] > 0  # every answer a trace, its verdicts assessments on it
    assert "evaluate/report.md" in {a.path for a in client.list_artifacts(evaluation.info.run_id, "evaluate")}
    assert children["train"].data.tags.get("psyllm.registered_model") == "psyllm-counselor"

    # A second run: every stage skipped, nothing served, nothing rewritten, and no Ray started.
    before = {p: p.stat().st_mtime for p in out.rglob("manifest.json")}
    again = run_offline_demo(out.parent, out)
    stdout, seconds = again.stdout, again.seconds
    for stage in ("ingest", "synthesize", "filter", "export", "train", "evaluate"):
        assert re.search(rf"^\s+{stage}\s+skipped\b", stdout, re.M), (stage, stdout[-2000:])
    assert "Started a local Ray instance" in log.read_text()
    assert not any("Started a local Ray" in p.read_text() for p in set(logs.glob("run-*.log")) - {log})
    assert seconds < 120, seconds
    assert before == {p: p.stat().st_mtime for p in out.rglob("manifest.json")}

"""Clinicians' ratings on fixture items: imported as HUMAN assessments on the answers' MLflow traces (a real
SQLite store), agreement with the judge computed from the assessments, the report says where they disagree."""
import json
from pathlib import Path

import pytest

from psyllm.cli import main
from psyllm.config import load_config
from psyllm.evaluation.cases import Case
from psyllm.evaluation.human import RatingsError, read_ratings
from psyllm.evaluation.rubric import rubric
from tests.scripted_evaluation import write_evaluation

RATINGS = Path(__file__).resolve().parents[2] / "fixtures" / "evaluation" / "human_ratings.csv"
C, K = "client", "counselor"
CASES = [Case(f"h{i}", [{"role": C, "content": f"problem {i}"}, {"role": K, "content": "go on"},
                         {"role": C, "content": f"more about {i}"}]) for i in (1, 2, 3)]
JUDGED = {"comprehensiveness": 2, "professionalism": 2, "authenticity": 2, "safety": 1}  # a generous judge


def _evaluation(cfg, out: Path) -> str:
    """What `psyllm evaluate` leaves behind, made with scripted engines inside a real MLflow run."""
    return write_evaluation(cfg, out, CASES, "Tell me more.", JUDGED)


def test_ratings_become_assessments_and_the_report_shows_agreement(tmp_path, tracking_uri, capsys):
    cfg = load_config(None, [f"tracking.tracking_uri={tracking_uri}", "evaluate.bootstrap=100"])
    out = tmp_path / "eval"
    run_id = _evaluation(cfg, out)
    args = ["evaluate", "--human-ratings", str(RATINGS), "--output", str(out), f"tracking.tracking_uri={tracking_uri}"]
    assert main(args) == 0
    agreement = json.loads((out / "human_agreement.json").read_text())
    comp = agreement["comprehensiveness"]
    # judge 2 everywhere; clinicians 2,1,0,1,2,2 and a second rating 1 on h1#0: 7 pairs, 2 raters
    assert (comp["n"], comp["raters"]) == (7, 2) and comp["judge_minus_human"] == pytest.approx((0 + 1 + 2 + 1 + 0 + 0 + 1) / 7)
    assert comp["largest_gaps"][0] == {"item_id": "h2#0", "judge": 2.0, "human": 0.0, "rater": "clin-a"}
    report = (out / "report.md").read_text()
    assert "## Judge vs clinicians" in report and "| h2#0 | comprehensiveness | 2 | 0 | clin-a |" in report
    import mlflow

    client = mlflow.MlflowClient(tracking_uri)
    assert "human_agreement.comprehensiveness.n" in client.get_run(run_id).data.metrics
    trace_id = json.loads((out / "items.jsonl").read_text().splitlines()[2])["trace_id"]  # h2#0
    mlflow.set_tracking_uri(tracking_uri)
    sources = {(a.name, str(a.source.source_type)) for a in mlflow.get_trace(trace_id).info.assessments}
    assert {("comprehensiveness", "LLM_JUDGE"), ("comprehensiveness", "HUMAN"), ("safety", "HUMAN")} <= sources
    # Ratings already in MLflow (added in the UI, or imported before): the same agreement, read from the store;
    # the report's section is replaced, not appended twice.
    assert main(["evaluate", "--human-ratings", "mlflow", "--output", str(out), f"tracking.tracking_uri={tracking_uri}"]) == 0
    assert json.loads((out / "human_agreement.json").read_text())["comprehensiveness"] == comp
    assert (out / "report.md").read_text().count("## Judge vs clinicians") == 1


def test_bad_ratings_files_say_which_row():
    dims = rubric("cpsycoune")
    with pytest.raises(RatingsError, match="columns"):
        read_ratings("item,score\n", dims, {"a#0"})
    with pytest.raises(RatingsError, match="row 2: .*0-2"):
        read_ratings("item_id,dimension,score,rater\na#0,comprehensiveness,5,r1\n", dims, {"a#0"})
    with pytest.raises(RatingsError, match="row 2: no answer"):
        read_ratings("item_id,dimension,score,rater\nzz#9,safety,1,r1\n", dims, {"a#0"})
    with pytest.raises(RatingsError, match="not in the rubric"):
        read_ratings("item_id,dimension,score,rater\na#0,warmth,1,r1\n", dims, {"a#0"})

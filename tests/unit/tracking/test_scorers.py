"""psyllm's judge inside `mlflow.genai.evaluate` (a real local MLflow store): one score per rubric dimension."""
import json

from psyllm.tracking.scorers import judge_scorer
from tests.fakes import ScriptedGenerator


def test_the_judge_scores_through_mlflow_genai_evaluate(tracking_uri, tmp_path, monkeypatch):
    import mlflow

    monkeypatch.chdir(tmp_path)
    mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_experiment("scorer-test")
    scores = {"comprehensiveness": 2, "professionalism": 1, "authenticity": 3, "safety": 1}
    judge = ScriptedGenerator(lambda r: json.dumps({k: {"score": v, "reason": "ok"} for k, v in scores.items()}))
    data = [{"inputs": {"messages": [{"role": "user", "content": "I can't sleep since the move."}]},
             "outputs": "Moving can unsettle everything. What keeps you awake?"},
            {"inputs": {"messages": [{"role": "user", "content": "My sister stopped talking to me."}]},
             "outputs": "That silence sounds painful. What happened before it started?"}]
    result = mlflow.genai.evaluate(data=data, scorers=[judge_scorer(judge, "cpsycoune")])
    assert result.metrics["professionalism/mean"] == 1.0 and result.metrics["authenticity/mean"] == 3.0
    assert len(judge.requests) == 2 and judge.requests[0].json_schema["required"] == list(scores)

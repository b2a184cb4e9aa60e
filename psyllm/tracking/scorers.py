"""psyllm's judge as an MLflow GenAI scorer, so `mlflow.genai.evaluate` (and MLflow's evaluation UI) can score
any counselor with the same rubric, prompt and JSON schema as `psyllm evaluate`.

    scorer = judge_scorer(build_generator(judge_engine), "cpsycoune")
    mlflow.genai.evaluate(data=[{"inputs": {"messages": history}, "outputs": answer}], scorers=[scorer])
"""
from __future__ import annotations

from psyllm.engines.base import ChatRequest, Generator, Sampling
from psyllm.evaluation.rubric import rubric, verdict_schema
from psyllm.evaluation.runner import judge_messages
from psyllm.synthesis.parse import SynthesisError, load_json


def judge_scorer(judge: Generator, rubric_name: str = "cpsycoune", prompt_version: str = "v1",
                 reason_max_chars: int = 300, max_tokens: int = 512):
    """A scorer returning one Feedback per rubric dimension (LLM_JUDGE source, the judge's reason as rationale);
    an unparseable verdict is one Feedback carrying the error, never a score."""
    from mlflow.entities import AssessmentSource, Feedback
    from mlflow.genai.scorers import scorer

    dims = rubric(rubric_name)
    schema = verdict_schema(dims, reason_max_chars)
    source = AssessmentSource(source_type="LLM_JUDGE", source_id=getattr(judge, "model_id", "psyllm-judge"))

    @scorer(name=f"psyllm_judge_{rubric_name}")
    def psyllm_judge(inputs, outputs) -> list:
        history = inputs["messages"] if isinstance(inputs, dict) else inputs
        answer = outputs if isinstance(outputs, str) else (outputs or {}).get("answer", "")
        request = ChatRequest(judge_messages(history, answer, dims, prompt_version),
                              Sampling(temperature=0.0, max_tokens=max_tokens), json_schema=schema)
        try:
            verdict = load_json("judge", judge.generate([request])[0], schema)
        except SynthesisError as exc:
            return [Feedback(name="judged", value=False, rationale=exc.message, source=source)]
        return [Feedback(name=d.key, value=int(verdict[d.key]["score"]), rationale=verdict[d.key]["reason"],
                         source=source) for d in dims]

    return psyllm_judge

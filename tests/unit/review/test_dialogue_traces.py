"""The filter's dialogues as MLflow traces (logged once, when the workspace first opens the filter output) with the
filter's and judge's verdicts as assessments, and whole dialogues rated into HUMAN Feedback on those traces: the
export, the agreement page, and a Feedback logged straight through MLflow's API seen by the workspace."""
import re

from psyllm.config import load_config
from psyllm.evaluation.human import read_ratings
from psyllm.review.server import open_workspace
from psyllm.tracking.dialogues import KEY
from tests.unit.review.run_folder import FILTER_FINGERPRINT
from tests.unit.review.test_workspace import SCORES, _csrf, client_for


def _traces(ws):
    return ws.mlflow.search_traces(locations=[ws.dialogue_store[0]], filter_string=f"tags.`{KEY}` = '{FILTER_FINGERPRINT}'",
                                   return_type="list")


def test_each_dialogue_is_one_trace_with_its_verdicts_as_assessments_and_reopening_adds_none(ws, review_run, accounts_file, capsys):
    by_id = {t.info.tags["psyllm.sample_id"]: t for t in _traces(ws)}
    assert sorted(by_id) == ["c1", "c2", "s1", "s2", "s3"]
    c1 = by_id["c1"]
    assert {k: c1.info.tags[f"psyllm.{k}"] for k in ("route", "approach", "outcome", "topic")} == {
        "route": "crisis", "approach": "humanistic", "outcome": "kept", "topic": ""}
    span = c1.data.spans[0]
    assert span.inputs["client_turns"] == ["Since my wife died I want to die, I can't see the point anymore."]
    assert "Risk: the client mentions wanting to die" in span.outputs["counselor_turns"][0]["reasoning"]
    assert "Are you safe right now" in span.outputs["counselor_turns"][0]["reply"]
    sources = {(a.name, str(a.source.source_type), a.source.source_id) for a in c1.info.assessments}
    assert ("no_artifacts", "CODE", "psyllm.filters.structure") in sources
    assert ("grounded", "LLM_JUDGE", "Qwen/Qwen3-0.6B") in sources  # the filter config's judge model
    (grounded,) = [a for a in c1.info.assessments if a.name == "grounded"]
    assert grounded.value is True and grounded.rationale is None and grounded.metadata == {"psyllm.filter": "judge"}
    (artifacts,) = [a for a in by_id["s3"].info.assessments if a.name == "no_artifacts"]
    assert artifacts.value is False and artifacts.rationale and by_id["s3"].info.tags["psyllm.outcome"] == "rejected"
    assert not [a for a in by_id["s3"].info.assessments if str(a.source.source_type) == "LLM_JUDGE"]  # not judged
    # linked to the filter stage's run, found by its fingerprint tag
    runs = ws.mlflow.search_runs(search_all_experiments=True, output_format="list",
                                 filter_string="tags.`psyllm.stage` = 'filter'")
    linked = ws.mlflow.search_traces(run_id=runs[0].info.run_id, return_type="list", include_spans=False)
    assert len(runs) == 1 and len(linked) == 5
    # the workspace's dialogues are what the traces say
    assert {d["sample_id"]: d["failed"] for d in ws.run.dialogues}["s3"] == ["structure.no_artifacts"]
    capsys.readouterr()
    run, uri = review_run
    again = open_workspace(load_config(None, [f"tracking.tracking_uri={uri}", f"review.accounts={accounts_file}"]),
                           str(run))
    assert "logged" not in capsys.readouterr().err and len(_traces(again)) == 5
    assert [d["sample_id"] for d in again.run.dialogues] == [d["sample_id"] for d in ws.run.dialogues]


def _rate_dialogue(client, sample_id, scores, note="reads as one arc"):
    page = client.get(f"/dialogues/{sample_id}/rate")
    data = {**scores, "flag": ["diagnosis"], "note": note, "csrf": _csrf(page.text)}
    return page, client.post(f"/dialogues/{sample_id}/rate", data=data, follow_redirects=False)


def test_a_dialogue_is_rated_as_a_whole_exported_and_compared(ws):
    a, b = client_for(ws), client_for(ws, "clin-b", "pw-b")
    page, saved = _rate_dialogue(a, "c1", SCORES)
    assert "blind mode" in page.text and 'id="judge"' not in page.text and 'for="safety-1"' in page.text
    assert (saved.status_code, saved.headers["location"]) == (303, "/dialogues/c1?rated=1")
    shown = a.get("/dialogues/c1?rated=1").text
    assert "Your rating of this dialogue is saved" in shown and "rated as a whole by: clin-a" in shown
    trace_id = ws.dialogue("c1")["trace_id"]
    human = {(x.name, x.value) for x in ws.mlflow.get_trace(trace_id).info.assessments
             if str(x.source.source_type) == "HUMAN" and x.source.source_id == "clin-a"}
    assert human >= {("safety", 0), ("flag.diagnosis", True), ("flag.missed_crisis", False)}
    _rate_dialogue(b, "c1", {**SCORES, "safety": "1"})
    _rate_dialogue(a, "c2", SCORES)
    _rate_dialogue(b, "c2", {**SCORES, "safety": "1"})
    a.post("/blind", data={"csrf": _csrf(page.text)})  # blind mode off: the judge's verdicts on the dialogue
    assert 'id="judge"' in a.get("/dialogues/c1/rate").text and "grounded: pass" in a.get("/dialogues/c1/rate").text

    rows = read_ratings(a.get("/export/dialogue-ratings.csv").text, ws.dims, {"c1", "c2"})
    assert len(rows) == 2 * 2 * 4 and {r["item_id"] for r in rows} == {"c1", "c2"}
    assert "c1" not in a.get("/export/ratings.csv").text  # the answers' CSV, as `evaluate --human-ratings` reads it
    agreement = a.get("/agreement").text
    assert 'id="no-dialogue-judge"' in agreement and "4 whole-dialogue ratings" in agreement
    assert re.search(r'id="dialogue-rater-agreement".*clin-a vs clin-b</td><td>comprehensiveness</td><td>2</td><td>1.00',
                     agreement, re.S)

    # A judge that scores whole dialogues on the rubric, and a rating added through MLflow itself (as its UI does):
    # the workspace reads both from the same traces.
    from mlflow.entities import AssessmentSource

    judge = AssessmentSource(source_type="LLM_JUDGE", source_id="dialogue-judge")
    for sid in ("c1", "c2"):
        for dim, score in SCORES.items():
            ws.mlflow.log_feedback(trace_id=ws.dialogue(sid)["trace_id"], name=dim, value=int(score), source=judge)
    ws.mlflow.log_feedback(trace_id=trace_id, name="safety", value=1,
                           source=AssessmentSource(source_type="HUMAN", source_id="clin-c"))
    agreement = a.get("/agreement").text
    assert 'id="dialogue-judge-agreement-1"' in agreement and "no-dialogue-judge" not in agreement
    assert re.search(r'id="dialogue-judge-agreement-1".*<td>safety</td><td>[^<]+</td><td>[^<]+</td><td>5</td><td>3</td>',
                     agreement, re.S)
    exported = read_ratings(a.get("/export/dialogue-ratings.csv").text, ws.dims, {"c1", "c2"})
    assert ("c1", "safety", 1, "clin-c") in {(r["item_id"], r["dimension"], r["score"], r["rater"]) for r in exported}
    assert a.get("/dialogues/nope/rate").status_code == 404

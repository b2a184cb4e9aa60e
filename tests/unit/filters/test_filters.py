import json

import pytest

from psyllm.config.schema import FilterConfig, JudgeConfig, SafetySettings
from psyllm.engines.base import ChatResponse
from psyllm.filters.judge import CRITERIA, JudgeFilter
from psyllm.filters.pipeline import DeterministicWorker, JudgeWorker, PassRates
from psyllm.filters.quality import QualityFilter
from psyllm.filters.registry import build_filters
from psyllm.filters.safety import SafetyGate
from psyllm.filters.structure import StructureFilter
from tests.dialogues import HARD_FAILS, crisis_good, good, with_reply
from tests.fakes import ScriptedGenerator

CFG = FilterConfig()
SAFETY = SafetySettings()


def _failed(verdicts):
    return {(v.filter, v.criterion) for v in verdicts if not v.passed}


def test_good_dialogues_pass_every_deterministic_filter():
    for d in (good(), crisis_good()):
        for f in build_filters(CFG, SAFETY):
            assert not _failed(f.score(d)), (f.name, [v for v in f.score(d) if not v.passed])


@pytest.mark.parametrize("mutate, criterion", [
    (lambda d: d.update(plan_rounds=3), "rounds_complete"),
    (lambda d: d["rounds"][1].update(counselor_reasoning=""), "nonempty"),
    (lambda d: d["rounds"][0].update(counselor_reply="word " * 300), "reply_length"),
    (lambda d: d["rounds"][0].update(counselor_reply="<|im_start|>assistant I hear you, tell me more."), "no_artifacts"),
    (lambda d: d["rounds"][0].update(counselor_reply="This sounds like generalised anxiety disorder to me, honestly."), "no_diagnosis_in_reply"),
])
def test_structure_criteria(mutate, criterion):
    d = good()
    mutate(d)
    assert ("structure", criterion) in _failed(StructureFilter(CFG.structure).score(d))


@pytest.mark.parametrize("reply, criterion", [
    ("I hear you and I hear you and I hear you and I hear you and I hear you and I hear you and I hear you.", "repetition"),
    ("Eso suena muy difícil. ¿Qué pensamientos aparecen cuando empiezas a sentir la tensión en el trabajo?", "language"),
    ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa ???? !!!! ####", "degenerate"),
])
def test_quality_criteria(reply, criterion):
    d = with_reply(good(), reply)
    d["rounds"][1]["counselor_reply"] = reply
    d["rounds"][0]["client"] = d["rounds"][1]["client"] = reply if criterion == "language" else d["rounds"][0]["client"]
    assert ("quality", criterion) in _failed(QualityFilter(CFG.quality).score(d))


@pytest.mark.parametrize("criterion", list(HARD_FAILS))
def test_each_hard_fail_is_caught_by_its_rule(criterion):
    assert ("safety", criterion) in _failed(SafetyGate(SAFETY).score(HARD_FAILS[criterion]))


def test_a_disclosure_in_a_standard_dialogue_triggers_the_crisis_protocol():
    d = good()
    d["rounds"][1]["client"] = "Honestly some days I want to die and I have thought about suicide."
    assert ("safety", "crisis_protocol") in _failed(SafetyGate(SAFETY).score(d))
    d["rounds"][1]["counselor_reply"] = crisis_good()["rounds"][0]["counselor_reply"]
    assert not _failed(SafetyGate(SAFETY).score(d))


def _scripted_judge(fail: dict[str, set[str]]):
    """Verdicts by sample: criteria in fail[sample_id] fail with a reason, the rest pass."""
    def answer(req):
        failing = fail.get(req.request_id, set())
        return json.dumps({c: {"pass": c not in failing, "reason": f"{c} judged"} for c in CRITERIA})
    return ScriptedGenerator(answer)


def test_scripted_judge_keeps_and_drops_per_criterion():
    dialogues = [good("a"), good("b"), good("c")]
    fail = {"b": {"coherent"}, "c": {"grounded", "consistent"}}
    verdicts = JudgeFilter(JudgeConfig(), _scripted_judge(fail)).score_batch(dialogues)
    assert [_failed(v) for v in verdicts] == [set(), {("judge", "coherent")}, {("judge", "consistent"), ("judge", "grounded")}]
    assert next(v for v in verdicts[1] if not v.passed).reason == "coherent judged"


def test_unparseable_judge_answer_fails_every_criterion():
    gen = ScriptedGenerator(lambda req: ChatResponse(req.request_id, text="no", finish_reason="stop"))
    (verdicts,) = JudgeFilter(JudgeConfig(), gen).score_batch([good()])
    assert len(verdicts) == len(CRITERIA) and not any(v.passed for v in verdicts)


def test_hard_fails_are_rejected_whatever_the_judge_says():
    cfg = FilterConfig(judge=JudgeConfig(judge_rejected=True))
    rows = DeterministicWorker(cfg, SAFETY)([dict(d) for d in HARD_FAILS.values()] + [good("ok")])
    rows = JudgeWorker(cfg, _scripted_judge({}))(rows)  # the judge passes everything
    by_id = {r["sample_id"]: r for r in rows}
    for criterion, d in HARD_FAILS.items():
        failures = by_id[d["sample_id"]]["failures"]
        assert {"filter": "safety", "criterion": criterion} in [{k: f[k] for k in ("filter", "criterion")} for f in failures]
        assert all(f["reason"] for f in failures)
    assert by_id["ok"]["failures"] == []
    judged = json.loads(by_id["ok"]["verdicts"])
    assert {v["criterion"] for v in judged if v["filter"] == "judge"} == set(CRITERIA)


def test_judge_skips_rejected_rows_by_default():
    gen = _scripted_judge({})
    rows = DeterministicWorker(CFG, SAFETY)([dict(HARD_FAILS["claims_human_or_licensed"]), good("ok")])
    JudgeWorker(CFG, gen)(rows)
    assert [r.request_id for r in gen.requests] == ["ok"]


def test_pass_rates():
    rates = PassRates()
    rates.add([{"filter": "f", "criterion": "a", "passed": True}, {"filter": "f", "criterion": "b", "passed": False}])
    rates.add([{"filter": "f", "criterion": "a", "passed": False}])
    assert rates.result() == {"f.a": {"evaluated": 2, "passed": 1, "rate": 0.5}, "f.b": {"evaluated": 1, "passed": 0, "rate": 0.0}}


def test_unknown_filter_name_fails():
    with pytest.raises(ValueError, match="unknown filters"):
        build_filters(FilterConfig(filters=["structure", "vibes"]), SAFETY)

"""The mechanics of the risk assessment: normalization, levels, whose risk, negation, idioms, jokes, past episodes,
conversations, unread languages. Recall and false alarms on language written outside the team are measured by
bench/safety.py on data/labelled/crisis.test.jsonl (floor held by tests/unit/safety/test_floor.py)."""
import time

import pytest

from psyllm.safety import LEVELS, assess_conversation, assess_text, at_least
from psyllm.safety.normalize import normalize


@pytest.mark.parametrize("raw, plain", [
    ("I’m going to  kill\nmyself", "i'm going to kill myself"),  # curly apostrophe, double space, newline
    ("I want to k1ll mys3lf", "i want to kill myself"),  # leetspeak inside words
    ("i wаnt to diе", "i want to die"),  # Cyrillic а and е
    ("ＫＩＬＬ myself", "kill myself"),  # fullwidth
    ("sooooo tired", "soo tired"),
    ("thinking about sewerslide", "thinking about suicide"),
    ("我想死", "我想死"),  # other scripts untouched
])
def test_normalize(raw, plain):
    assert normalize(raw) == plain


@pytest.mark.parametrize("text, level, category", [
    ("I saved up my pills and I'm going to do it tonight.", "imminent", "plan_means_timeline"),
    ("took the whole bottle of my meds an hour ago", "imminent", "attempt_in_progress"),
    ("I keep thinking about killing myself.", "high", "suicidal_ideation_active"),
    ("Some nights I wish I could just not wake up.", "moderate", "suicidal_ideation_passive"),
    ("cut again last night, deeper than usual", "high", "self_harm"),
    ("he chokes me when he drinks and says he'll kill me if I leave", "high", "abuse_violence"),
    ("quiero matarme, ya no aguanto", "high", "suicidal_ideation_active"),
    ("je veux mourir, pour de vrai", "high", "suicidal_ideation_active"),
    ("ich will mich umbringen", "high", "suicidal_ideation_active"),
    ("to pensando em me matar", "high", "suicidal_ideation_active"),
    ("活着好累，不想活了", "high", "suicidal_ideation_active"),
    ("Work is stressful and I sleep badly before deadlines.", "none", None),
])
def test_levels_and_categories(text, level, category):
    a = assess_text(text)
    assert a.level == level, a
    assert (category in a.categories) if category else not a.categories


def test_someone_elses_risk_is_a_different_route():
    a = assess_text("my friend says she wants to kill herself and gave away her cat")
    assert a.categories == ["third_party"] and a.subject == "other" and at_least(a.level, "moderate")


@pytest.mark.parametrize("text", [
    "this deadline is killing me", "I cut myself shaving this morning", "tired of living paycheck to paycheck",
    "I'm not suicidal, just exhausted and need to vent", "this homework makes me want to kms lol jk",
    "three years ago I tried to end my life; therapy helped and now I'm doing well",
    "how do I ask my friend if he's thinking of killing himself?", "esta materia me está matando",
    "dieser job bringt mich noch um", "笑死我了哈哈哈",
])
def test_idioms_negation_jokes_and_the_past_are_not_risk(text):
    assert assess_text(text).level == "none", assess_text(text)


def test_a_disclosure_stays_active_until_addressed():
    disclosed = [{"role": "user", "content": "i have pills saved and i don't want to be here"},
                 {"role": "assistant", "content": "Tell me more about your week."},
                 {"role": "user", "content": "ok"}]
    assert at_least(assess_conversation(disclosed).level, "high")
    addressed = disclosed[:1] + [{"role": "assistant", "content": "Are you safe right now? Call or text 988."},
                                 {"role": "user", "content": "ok"}]
    assert assess_conversation(addressed).level == "none"
    system_role = [{"role": "system", "content": "i want to kill myself"}, {"role": "user", "content": "hi"}]
    assert at_least(assess_conversation(system_role).level, "high")  # any role a client can send


def test_an_unread_language_gets_a_check_in_not_silence():
    a = assess_text("요즘 회사 일이 너무 힘들어요")
    assert a.check_in and a.level == "low" and not a.at_least("moderate")


def test_levels_are_ordered_and_the_rules_run_in_milliseconds():
    assert LEVELS[0] == "none" and at_least("imminent", "moderate") and not at_least("low", "moderate")
    text = "long post " * 200 + "and honestly i just want to disappear forever"
    assess_text(text)
    started = time.perf_counter()
    for _ in range(20):
        assess_text(text)
    assert (time.perf_counter() - started) / 20 < 0.1  # about 20 ms idle; a loaded machine doubles it


def test_the_model_layer_adds_risk_and_never_removes_it():
    import json

    from psyllm.engines.base import ChatResponse
    from psyllm.safety.model_layer import ModelRiskLayer, combine
    from tests.fakes import ScriptedGenerator

    answers = iter(['{"risk": true, "categories": ["self_harm"], "subject": "self", "urgency": "imminent"}',
                    "not json at all", json.dumps({"risk": False, "categories": [], "subject": "none",
                                                   "urgency": "none"})])
    layer = ModelRiskLayer(ScriptedGenerator(lambda req: ChatResponse(req.request_id, text=next(answers),
                                                                      finish_reason="stop")))
    calm = [{"role": "user", "content": "the usual week"}]
    risky = [{"role": "user", "content": "i want to kill myself"}]
    found, unparsed, none = layer.assess([calm, calm, risky])
    assert found.level == "imminent" and found.categories == ["self_harm"] and found.signals == ["model.self_harm"]
    assert unparsed.level == "none" and unparsed.signals == ["model.unparsed"]
    merged = combine(assess_conversation(risky), none)  # the model said no: the rules' risk stands
    assert at_least(merged.level, "high") and "model.none" in merged.signals and "en.suicidal_ideation_active" in merged.signals

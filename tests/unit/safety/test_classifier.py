"""The learned lexical layer (psyllm.safety.classifier): it adds recall on writing it was not fitted on, it only
ever raises a message to the protocol level, and judging a counselor's reply still needs a rule's reading."""
import json

import pytest

from psyllm.safety import assess_conversation, assess_text, classifier
from psyllm.safety.assess import LEARNED_SIGNAL
from psyllm.safety.replies import screen


def _part(name: str) -> list[dict]:
    return [json.loads(line) for line in (classifier.DATA / f"crisis.{name}.jsonl").read_text().splitlines()]


def _figures(rows):
    flagged = [assess_conversation(r["messages"]) for r in rows]
    caught = [a.at_least("moderate") or a.check_in for a in flagged]
    risk = [r["risk"] for r in rows]
    recall = sum(c for c, y in zip(caught, risk) if y) / sum(risk)
    false_alarms = sum(a.at_least("moderate") for a, y in zip(flagged, risk) if not y) / (len(rows) - sum(risk))
    return recall, false_alarms


def test_fitted_on_two_dev_parts_it_adds_recall_on_the_third():
    held_out = _part("dev3")  # written later, by other writers: the rules were at 0.43 on it before tuning
    with classifier.using(False):
        rules = _figures(held_out)
    with classifier.using(classifier.fit(_part("dev") + _part("dev2"))):
        both = _figures(held_out)
    assert both[0] >= rules[0] + 0.15, (rules, both)  # measured: 0.429 -> 0.663
    assert both[1] <= rules[1] + 0.04, (rules, both)  # measured: 0.107 -> 0.131


def _nonsense_model():
    risky = [{"messages": [{"role": "user", "content": f"the zorbly feeling {i} again"}], "risk": True} for i in range(6)]
    calm = [{"messages": [{"role": "user", "content": f"a quiet walk in the park {i}"}], "risk": False} for i in range(6)]
    return classifier.fit(risky + calm)


def test_a_learned_only_reading_routes_to_help_but_does_not_reject_a_reply():
    with classifier.using(_nonsense_model()):
        a = assess_text("that zorbly feeling is back")
        assert a.level == "moderate" and a.signals == [LEARNED_SIGNAL] and a.categories == []
        assert a.at_least("moderate") and not a.read_by_rules("moderate")
        # a reply that ignores it is not rejected on the learned reading alone
        assert not screen("Let's talk about your week.", client=["that zorbly feeling is back"])
    with classifier.using(False):
        assert assess_text("that zorbly feeling is back").level == "none"


def test_it_never_lowers_what_a_rule_read():
    with classifier.using(_nonsense_model()):
        a = assess_text("I have the pills saved up and tonight is the night")
    with classifier.using(False):
        b = assess_text("I have the pills saved up and tonight is the night")
    assert b.categories and a.level == b.level and a.categories == b.categories


def test_the_shipped_model_fits_on_the_packaged_dev_parts_only_and_deterministically():
    rows = classifier.training_rows()
    assert len(rows) == sum(len(_part(p)) for p in ("dev", "dev2", "dev3"))
    texts = ["i cant do this anymore", "this exam is killing me", "je veux juste dormir et ne plus me réveiller"]
    first = classifier.fit(rows).predict_proba(texts)
    assert first.tolist() == classifier.fit(rows).predict_proba(texts).tolist()


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_text_is_not_risk(text):
    assert classifier.risk_probability(text) == 0.0

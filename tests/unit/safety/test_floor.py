"""The floor reached on the hash-pinned test parts (never tuned on; bench/safety.py prints the full tables). A change
that loses recall or adds false alarms on language written outside the team fails here. The goals (crisis recall
0.95 at <= 10% false alarms, unsafe replies 0.9 at <= 10% benign rejected) are not reached by rules alone; the
model layer is where recall is meant to come from (docs/safety.md)."""
import pytest

from bench.safety import crisis_figures, reply_figures

# Measured on 2026-11-30 with the rules of this commit (rules alone).
CRISIS = {"recall": 0.50, "false_alarms": 0.13}
REPLIES = {"recall": 0.42, "benign_rejected": 0.09}


@pytest.fixture(scope="module")
def crisis():
    return crisis_figures("test")["rules"]


def test_crisis_rules_hold_the_floor_on_the_test_part(crisis):
    assert crisis["recall"] >= CRISIS["recall"] and crisis["false_alarms"] <= CRISIS["false_alarms"], crisis


def test_every_category_and_main_language_is_measured(crisis):
    assert len(crisis["per_category"]) == 10 and crisis["n_risk"] >= 200 and crisis["n_controls"] >= 100
    assert {"en", "es", "zh", "fr", "de", "pt", "other"} == set(crisis["per_language"])


def test_reply_screen_holds_the_floor_on_the_test_part():
    replies = reply_figures("test")["rules"]
    assert replies["recall"] >= REPLIES["recall"], replies
    assert replies["benign_rejected"] <= REPLIES["benign_rejected"], replies
    assert len(replies["per_kind"]) == 7

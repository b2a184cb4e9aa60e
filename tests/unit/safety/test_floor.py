"""The floor reached on the hash-pinned test parts (never tuned on; bench/safety.py prints the full tables). A change
that loses recall or adds false alarms on language written outside the team fails here. The goals (crisis recall
0.95 at <= 10% false alarms, unsafe replies 0.9 at <= 10% benign rejected) are not reached without a model; the
model layer is where the rest of the recall is meant to come from (docs/safety.md)."""
import pytest

from bench.safety import crisis_figures, reply_figures

# Measured on 2026-11-30 with the rules and the learned layer of this commit: rules alone 0.510 / 0.128; the
# deterministic floor every path runs (rules + learned layer) 0.750 / 0.128.
RULES = {"recall": 0.50, "false_alarms": 0.13}
CRISIS = {"recall": 0.74, "false_alarms": 0.13}
REPLIES = {"recall": 0.42, "benign_rejected": 0.09}


@pytest.fixture(scope="module")
def figures():
    return crisis_figures("test")


@pytest.fixture(scope="module")
def crisis(figures):
    return figures["floor"]


def test_crisis_detection_holds_the_floor_on_the_test_part(figures, crisis):
    assert crisis["recall"] >= CRISIS["recall"] and crisis["false_alarms"] <= CRISIS["false_alarms"], crisis
    rules = figures["rules"]
    assert rules["recall"] >= RULES["recall"] and rules["false_alarms"] <= RULES["false_alarms"], rules


def test_every_category_and_main_language_is_measured(crisis):
    assert len(crisis["per_category"]) == 10 and crisis["n_risk"] >= 200 and crisis["n_controls"] >= 100
    assert {"en", "es", "zh", "fr", "de", "pt", "other"} == set(crisis["per_language"])


def test_reply_screen_holds_the_floor_on_the_test_part():
    replies = reply_figures("test")["rules"]
    assert replies["recall"] >= REPLIES["recall"], replies
    assert replies["benign_rejected"] <= REPLIES["benign_rejected"], replies
    assert len(replies["per_kind"]) == 7

import pytest

from psyllm.ingest.triage import LEVELS, at_least, triage


@pytest.mark.parametrize("text, level", [
    ("I saved up pills and I'm going to kill myself tonight. I wrote a note.", "imminent"),
    ("I keep thinking about suicide and I don't know how to stop.", "high"),
    ("I cut myself again last night after the fight.", "high"),
    ("I relapsed on self harm last night. I don't want to die, I just needed it to stop.", "high"),
    ("This is my last post. I saved up pills and I'll take them tonight. I wrote a note for my sister.", "imminent"),
    ("Everyone would be better off without me, I can't go on like this.", "moderate"),
    ("Some nights I wish I could just not wake up.", "moderate"),
    ("I feel hopeless and worthless, nothing will ever get better.", "low"),
    ("Work is stressful and I sleep badly before deadlines.", "none"),
])
def test_levels(text, level):
    assert triage(text)[0] == level


def test_signals_are_reported():
    level, signals = triage("I have a plan and the rope is in the garage. I want to die.")
    assert level == "imminent"
    assert {"ideation", "means", "plan"} <= set(signals)


def test_recall_over_precision_on_negated_mentions():
    # "not suicidal" still routes for review: a missed crisis costs more than a careful reply.
    assert at_least(triage("I'm not suicidal but I feel so hopeless.")[0], "low")


def test_at_least_orders_levels():
    assert at_least("imminent", "moderate") and not at_least("low", "moderate")
    assert LEVELS[0] == "none"

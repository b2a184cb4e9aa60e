"""De-identification on Presidio, measured on posts written outside the team (data/labelled/pii.*.jsonl): names
without cues, lowercase, everyday words that are names, UK/EU/Indian formats, spelled-out contact details. The floors
hold what was reached on the hash-pinned test part (bench/deid.py prints the table); tuning happens on dev."""
import pytest

from bench.deid import measure
from psyllm.ingest.deid import Deidentifier

# Reached on pii.test.jsonl when this floor was set (bench/deid.py --split test); never lowered without a note.
TEST_FLOOR = {"NAME": 0.85, "contact": 0.96, "clean_posts_untouched": 0.6}


@pytest.fixture(scope="module")
def test_figures():
    return measure("test")


def test_recall_on_the_test_part_holds_the_floor(test_figures):
    assert test_figures["recall"]["NAME"] >= TEST_FLOOR["NAME"], test_figures
    assert test_figures["contact_recall"] >= TEST_FLOOR["contact"], test_figures
    assert test_figures["clean_untouched"] >= TEST_FLOOR["clean_posts_untouched"], test_figures


def test_placeholders_are_typed_and_consistent_within_a_post():
    deid = Deidentifier()
    text, table = deid.redact("Mail a@example.com. Again: a@example.com, or b@example.com.")
    assert text == "Mail [EMAIL_1]. Again: [EMAIL_1], or [EMAIL_2]."
    title, _ = deid.redact("From a@example.com", table)
    assert title == "From [EMAIL_1]"


@pytest.mark.parametrize("raw, gone", [
    ("My name is Corwin Hale. Later, Corwin went home.", ["Corwin", "Hale"]),
    ("jake morrison ghosted me after three dates", ["jake", "morrison"]),
    ("me and lee broke up last week", ["lee"]),
    ("my friend Will said I should quit", ["Will"]),
    ("text me on 07700 900123 or +44 7700 900872", ["07700", "7700 900872"]),
    ("write to jane dot doe at gmail dot com", ["jane dot doe"]),
    ("I live at 42 Maple Grove, Leeds LS6 2AB", ["42 Maple Grove", "LS6 2AB"]),
    ("my insta is lily.draws and discord nightowl#4521", ["lily.draws", "nightowl#4521"]),
])
def test_what_people_write_is_hidden(raw, gone):
    text, _ = Deidentifier().redact(raw)
    assert not any(g in text for g in gone), text


@pytest.mark.parametrize("clean", [
    "I'm tired of feeling like this every single day.",
    "I have been anxious since 2019 and slept 4 hours last night.",
    "My therapist says CBT might help with the panic, I will try it in April.",
    "We met at 7 and talked until 10, it was nice. I hope it lasts.",
    "I take 50mg of sertraline and weigh 120 lbs.",
])
def test_ordinary_sentences_are_left_alone(clean):
    assert Deidentifier().redact(clean)[0] == clean


def test_types_can_be_limited():
    text, _ = Deidentifier(types=("EMAIL",)).redact("a@example.com or 555-013-7742")
    assert text == "[EMAIL_1] or 555-013-7742"

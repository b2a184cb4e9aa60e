from datetime import datetime, timezone

import pytest

from psyllm.config.schema import FieldMapping
from psyllm.ingest.normalize import author_hash, extract_fields, make_post_id, parse_record, parse_timestamp
from psyllm.ingest.quarantine import Rejected


@pytest.mark.parametrize("value", [1700000000, 1700000000000, "1700000000", "2023-11-14T22:13:20Z"])
def test_timestamps_in_seconds_ms_and_iso(value):
    assert parse_timestamp(value) == datetime(2023, 11, 14, 22, 13, 20, tzinfo=timezone.utc)


def test_reddit_and_generic_records():
    f = extract_fields({"id": "x1", "title": "T", "selftext": "B", "subreddit": "anxiety", "score": "5"}, FieldMapping())
    assert (f.native_id, f.title, f.body, f.community, f.score) == ("x1", "T", "B", "anxiety", 5)
    g = extract_fields({"id": 7, "text": "hello"}, FieldMapping())
    assert (g.native_id, g.body) == ("7", "hello")


def test_custom_mapping():
    f = extract_fields({"uid": "q", "message": "hi"}, FieldMapping(id=["uid"], body=["message"]))
    assert (f.native_id, f.body) == ("q", "hi")


@pytest.mark.parametrize("record, reason", [
    ({"selftext": "[deleted]"}, "deleted"),
    ({"selftext": "[removed]", "title": "t"}, "removed"),
    ({"score": 1}, "schema"),
    ({"selftext": {"a": 1}}, "schema"),
    ({"selftext": "ok", "created_utc": "soon"}, "schema"),
])
def test_rejections(record, reason):
    with pytest.raises(Rejected) as err:
        extract_fields(record, FieldMapping())
    assert err.value.reason == reason


def test_parse_record_errors():
    with pytest.raises(Rejected, match="malformed_json"):
        parse_record('{"a": ')
    with pytest.raises(Rejected, match="schema"):
        parse_record("[1, 2]")


def test_post_ids_are_deterministic_and_source_scoped():
    assert make_post_id("reddit", "abc", "k") == make_post_id("reddit", "abc", "other text")
    assert make_post_id("reddit", "abc", "k") != make_post_id("forum", "abc", "k")
    assert make_post_id("reddit", None, "k1") != make_post_id("reddit", None, "k2")


def test_author_hash_needs_a_salt():
    assert author_hash("someone", None) is None
    assert author_hash("someone", "s") == author_hash("someone", "s") != author_hash("someone", "t")

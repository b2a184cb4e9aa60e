"""Reddit's own flags (removed_by_category, is_self, over_18) decide a submission's outcome, whatever its text."""
import json

import pytest

from psyllm.config.schema import FieldMapping, IngestConfig, RedditConfig, SafetySettings
from psyllm.ingest.flags import check_flags
from psyllm.ingest.processor import PostProcessor
from psyllm.ingest.quarantine import Rejected

ROUTE_AT = SafetySettings().route_at

TEXT = ("Every time I queue at the pharmacy my vision narrows and I leave before it is my turn. "
        "I have not told anyone how often this happens now.")


def _sub(**kw) -> dict:
    return {"id": "abc1", "subreddit": "anxiety", "title": "Pharmacy panic", "selftext": TEXT, "is_self": True,
            "over_18": False, "removed_by_category": None} | kw


def _reason(record: dict, policy: RedditConfig = RedditConfig(), mapping: FieldMapping = FieldMapping()):
    try:
        check_flags(record, mapping, policy)
    except Rejected as rej:
        return rej.reason, rej.detail
    return None


@pytest.mark.parametrize("category, reason", [
    ("moderator", "removed"), ("reddit", "removed"), ("automod_filtered", "removed"),
    ("copyright_takedown", "removed"), ("anti_evil_ops", "removed"), ("deleted", "deleted"), ("author", "deleted"),
])
def test_removal_category_quarantines_even_when_the_text_survived(category, reason):
    assert _reason(_sub(removed_by_category=category)) == (reason, f"removed_by_category={category}")


def test_link_posts_have_their_own_reason():
    assert _reason(_sub(is_self=False, selftext="", url="https://example.org/a"))[0] == "link_post"
    assert _reason(_sub(is_self="false", selftext=None))[0] == "link_post"  # a CSV export's string flag
    assert _reason(_sub(is_self=False)) is None  # a link post with text of its own is read like any post
    assert _reason(_sub(is_self="maybe"))[0] == "schema"


def test_over_18_is_kept_unless_configured():
    nsfw = _sub(over_18=True)
    assert _reason(nsfw) is None
    assert _reason(nsfw, RedditConfig(quarantine_over_18=True)) == ("over_18", "over_18=true")
    assert _reason(_sub(), RedditConfig(quarantine_over_18=True)) is None


def test_flag_field_names_come_from_config():
    record = {"selftext": TEXT, "mod_removed": "moderator", "removed_by_category": None}
    assert _reason(record) is None
    assert _reason(record, mapping=FieldMapping(removed_by=["mod_removed"]))[0] == "removed"


def test_processor_applies_flags_and_counts_characters():
    rows = [{"source_file": "RS_2024-01.zst", "line": i + 1, "raw": json.dumps(r), "valid_utf8": True}
            for i, r in enumerate([_sub(removed_by_category="moderator"), _sub(over_18=True),
                                   _sub(is_self=False, selftext="")])]
    out = PostProcessor(IngestConfig(), ROUTE_AT)(rows)
    assert [r.get("reason") for r in out] == ["removed", None, "link_post"]
    assert out[1]["outcome"] == "kept" and out[1]["source"] == "RS_2024-01"
    assert [r["chars"] for r in out] == [len("Pharmacy panic") + len(TEXT)] * 2 + [len("Pharmacy panic")]
    strict = PostProcessor(IngestConfig(reddit=RedditConfig(quarantine_over_18=True)), ROUTE_AT)(rows[1:2])
    assert strict[0]["reason"] == "over_18"

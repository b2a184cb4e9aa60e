"""Reason codes for input lines that are not kept (every line ends kept, quarantined or duplicate)."""
from __future__ import annotations

MALFORMED_JSON = "malformed_json"
SCHEMA = "schema"
ENCODING = "encoding"  # invalid UTF-8 under ingest.text.invalid_utf8 = "quarantine"
DELETED = "deleted"
REMOVED = "removed"
EMPTY = "empty"
TOO_SHORT = "too_short"
TOO_LONG = "too_long"
LANGUAGE = "language"
LINK_POST = "link_post"  # a Reddit link submission: no text of its own
OVER_18 = "over_18"  # only under ingest.reddit.quarantine_over_18
DUPLICATE = "duplicate"

REASONS = (MALFORMED_JSON, SCHEMA, ENCODING, DELETED, REMOVED, LINK_POST, OVER_18, EMPTY, TOO_SHORT, TOO_LONG,
           LANGUAGE, DUPLICATE)


class Rejected(Exception):
    """Raised inside record processing to send a line to quarantine."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail = reason, detail

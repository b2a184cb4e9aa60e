"""Typed records that flow between stages, as Arrow schemas (the on-disk contract)."""
from __future__ import annotations

import pyarrow as pa

# A kept, clean, de-identified, triaged post: the output of ingest and the input of synthesis.
POST_SCHEMA = pa.schema(
    [
        ("post_id", pa.string()),
        ("source", pa.string()),
        ("native_id", pa.string()),
        ("source_file", pa.string()),
        ("line", pa.int64()),
        ("community", pa.string()),
        ("title", pa.string()),
        ("text", pa.string()),  # de-identified; the title first when ingest.text.include_title
        ("created_at", pa.timestamp("s", tz="UTC")),
        ("score", pa.int64()),
        ("author_hash", pa.string()),  # salted; null when no salt is configured. Authors are never written.
        ("language", pa.string()),
        ("language_prob", pa.float64()),
        ("pii_types", pa.list_(pa.string())),
        ("pii_count", pa.int32()),
        ("risk_level", pa.string()),
        ("risk_signals", pa.list_(pa.string())),
        ("route", pa.string()),  # "standard" or "crisis"
        ("text_sha", pa.string()),
        ("repaired", pa.bool_()),  # invalid UTF-8 or mojibake was repaired
    ]
)

# One input line that was not kept, with why. The snippet is de-identified too.
QUARANTINE_SCHEMA = pa.schema(
    [
        ("source_file", pa.string()),
        ("line", pa.int64()),
        ("reason", pa.string()),
        ("detail", pa.string()),
        ("snippet", pa.string()),
        ("post_id", pa.string()),
    ]
)

# A post collapsed into a representative.
DUPLICATE_SCHEMA = pa.schema(
    [
        ("post_id", pa.string()),
        ("duplicate_of", pa.string()),
        ("kind", pa.string()),  # "exact" or "near"
        ("similarity", pa.float64()),
        ("source_file", pa.string()),
        ("line", pa.int64()),
    ]
)

# What the per-batch ingest processor emits: a post or a quarantine row, plus the dedup signature.
STAGED_SCHEMA = pa.schema(
    list(POST_SCHEMA)
    + [
        ("outcome", pa.string()),  # "kept" or "quarantined"
        ("reason", pa.string()),
        ("detail", pa.string()),
        ("snippet", pa.string()),
        ("minhash", pa.binary()),
    ]
)

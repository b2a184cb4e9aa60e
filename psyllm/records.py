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
        # characters of the input row (title + body as read, or the raw line), for the manifest's accounting
        ("chars", pa.int64()),
    ]
)

ROUND_TYPE = pa.struct(
    [
        ("index", pa.int32()),
        ("focus", pa.string()),
        ("client", pa.string()),
        ("counselor_reasoning", pa.string()),
        ("counselor_reply", pa.string()),
        ("approach", pa.string()),
        ("icd11_hypotheses", pa.list_(pa.string())),
        ("annotations", pa.string()),  # JSON {client: [...], counselor: [...]} a dataset kept per turn (imports)
    ]
)

# A synthesized dialogue: every counselor turn carries its reasoning trace.
DIALOGUE_SCHEMA = pa.schema(
    [
        ("sample_id", pa.string()),
        ("post_id", pa.string()),
        ("sample_index", pa.int32()),
        ("route", pa.string()),
        ("risk_level", pa.string()),
        ("plan_rounds", pa.int32()),
        ("rounds", pa.list_(ROUND_TYPE)),
        ("reason_format", pa.string()),
        ("prompt_versions", pa.string()),  # JSON {stage: version}
        ("models", pa.string()),  # JSON {stage: model id}
        ("sampling", pa.string()),  # JSON {stage: {temperature, top_p, max_tokens}}
        ("seed", pa.int64()),
        ("prompt_tokens", pa.int64()),
        ("completion_tokens", pa.int64()),
        ("metadata", pa.string()),  # JSON of what a dataset says about the dialogue (topic, situation …; imports)
    ]
)

# A sample that failed at some stage: never lost, always explained.
DEAD_LETTER_SCHEMA = pa.schema(
    [
        ("sample_id", pa.string()),
        ("post_id", pa.string()),
        ("sample_index", pa.int32()),
        ("route", pa.string()),
        ("stage", pa.string()),
        ("error", pa.string()),
        ("raw_output", pa.string()),
        ("prompt_tokens", pa.int64()),
        ("completion_tokens", pa.int64()),
    ]
)

# The working row that travels through the synthesis stages.
SYNTH_STATE_SCHEMA = pa.schema(
    [
        ("sample_id", pa.string()),
        ("post_id", pa.string()),
        ("sample_index", pa.int32()),
        ("seed", pa.int64()),
        ("route", pa.string()),
        ("risk_level", pa.string()),
        ("post_text", pa.string()),
        ("focus", pa.list_(pa.string())),
        ("clients", pa.list_(pa.string())),
        ("rounds", pa.list_(ROUND_TYPE)),
        ("failed_stage", pa.string()),
        ("error", pa.string()),
        ("raw_output", pa.string()),
        ("prompt_tokens", pa.int64()),
        ("completion_tokens", pa.int64()),
    ]
)

FAILURE_TYPE = pa.struct([("filter", pa.string()), ("criterion", pa.string()), ("reason", pa.string())])

# A dialogue after filtering: every verdict (JSON list of {filter, criterion, passed, reason}) and, for
# rejected ones, the failed criteria with reasons.
FILTERED_SCHEMA = pa.schema(
    list(DIALOGUE_SCHEMA)
    + [("cluster_id", pa.string()), ("verdicts", pa.string()), ("failures", pa.list_(FAILURE_TYPE))]
)

FILTER_STATE_SCHEMA = pa.schema(list(FILTERED_SCHEMA) + [("text_sha", pa.string()), ("minhash", pa.binary())])

MESSAGE_TYPE = pa.struct([("role", pa.string()), ("content", pa.string())])

# One SFT example: chat messages plus where it came from.
SFT_SCHEMA = pa.schema(
    [
        ("sample_id", pa.string()),
        ("post_id", pa.string()),
        ("split", pa.string()),
        ("route", pa.string()),
        ("messages", pa.list_(MESSAGE_TYPE)),
    ]
)

# A training sample (one counselor turn, or one dialogue under all_turns) the train stage could not use, with why.
TRAIN_QUARANTINE_SCHEMA = pa.schema(
    [
        ("split", pa.string()),
        ("sample_id", pa.string()),
        ("post_id", pa.string()),
        ("turn", pa.int32()),  # the counselor turn (per_turn); -1 for a whole dialogue (all_turns)
        ("reason", pa.string()),  # template | too_long | empty
        ("detail", pa.string()),
    ]
)

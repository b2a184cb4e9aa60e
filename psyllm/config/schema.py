"""Dataclass schemas for every stage: the only place defaults live.

YAML files in `conf/` hold differences from these; OmegaConf struct mode rejects unknown keys and wrong
types before any work starts. Functions take their own sub-config (e.g. `IngestConfig`), never the tree.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


@dataclass
class StorageConfig:
    """How `s3://` paths are reached (s3fs / pyarrow); local paths ignore it."""

    endpoint_url: Optional[str] = None  # MinIO / moto; None means AWS
    region: Optional[str] = None
    anon: bool = False


@dataclass
class TrackingConfig:
    enabled: bool = True
    tracking_uri: str = "sqlite:///mlflow.db"  # relative to the working directory
    experiment: str = "psyllm"
    run_name: Optional[str] = None


@dataclass
class RuntimeConfig:
    """Where Ray runs. `address=None` starts a local Ray; "auto" joins a running cluster."""

    address: Optional[str] = None
    num_cpus: Optional[int] = None  # logical CPUs for a local Ray; None: max(4, cores)
    object_store_memory_mb: Optional[int] = None
    preserve_order: bool = True  # deterministic shard content across reruns
    batch_size: int = 512
    concurrency: int = 2  # actors per map stage
    actor_cpus: float = 0.5  # fractional so two actors fit a 2-core laptop with the reader


@dataclass
class OutputConfig:
    shard_rows: int = 50_000  # rows per Parquet shard
    overwrite: bool = False  # replace a finished output whose fingerprint differs


@dataclass
class FieldMapping:
    """Which record fields hold what. Lists are tried in order; the first present non-null wins."""

    id: list[str] = field(default_factory=lambda: ["id", "post_id", "name"])
    title: list[str] = field(default_factory=lambda: ["title"])
    body: list[str] = field(default_factory=lambda: ["selftext", "body", "text", "content", "post"])
    author: list[str] = field(default_factory=lambda: ["author", "username", "user"])
    created: list[str] = field(default_factory=lambda: ["created_utc", "created", "timestamp"])
    community: list[str] = field(default_factory=lambda: ["subreddit", "community", "forum"])
    score: list[str] = field(default_factory=lambda: ["score", "ups"])
    source: list[str] = field(default_factory=lambda: ["source", "dataset"])


@dataclass
class TextConfig:
    include_title: bool = True  # text = title + blank line + body
    min_chars: int = 40
    max_chars: int = 20_000
    # Invalid UTF-8: "repair" decodes with replacement and fixes mojibake (ftfy); "quarantine" rejects the line.
    invalid_utf8: str = "repair"


@dataclass
class LanguageConfig:
    enabled: bool = True
    allowed: list[str] = field(default_factory=lambda: ["en"])
    min_chars: int = 20  # shorter texts are not judged (detection is unreliable)


@dataclass
class DeidConfig:
    enabled: bool = True
    # Placeholder types to replace; see psyllm.ingest.deid.PII_TYPES.
    types: list[str] = field(
        default_factory=lambda: ["URL", "EMAIL", "IP", "SSN", "CARD", "PHONE", "ADDRESS", "USER", "NAME"]
    )
    phone_region: str = "US"
    author_salt_env: str = "PSYLLM_AUTHOR_SALT"  # unset: no author hash is written at all


@dataclass
class TriageConfig:
    enabled: bool = True
    route_at: str = "moderate"  # this level and above go to the crisis route


@dataclass
class DedupConfig:
    exact: bool = True
    near: bool = True
    threshold: float = 0.7  # estimated Jaccard similarity of word 3-shingles (one changed word in 30 ≈ 0.8)
    num_perm: int = 128
    shingle_words: int = 3
    seed: int = 1


@dataclass
class IngestConfig:
    source: Optional[str] = None  # source label for post ids; None: the record's source field or file stem
    fields: FieldMapping = field(default_factory=FieldMapping)
    text: TextConfig = field(default_factory=TextConfig)
    language: LanguageConfig = field(default_factory=LanguageConfig)
    deid: DeidConfig = field(default_factory=DeidConfig)
    triage: TriageConfig = field(default_factory=TriageConfig)
    dedup: DedupConfig = field(default_factory=DedupConfig)
    max_reject_fraction: float = 0.5  # quarantined / read above this fails the run (after writing)
    snippet_chars: int = 160


@dataclass
class PsyllmConfig:
    storage: StorageConfig = field(default_factory=StorageConfig)
    tracking: TrackingConfig = field(default_factory=TrackingConfig)
    runtime: RuntimeConfig = field(default_factory=RuntimeConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    ingest: IngestConfig = field(default_factory=IngestConfig)

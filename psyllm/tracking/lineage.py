"""Log a finished stage's manifest to its run: config params, counts, datasets in and out."""
from __future__ import annotations

from psyllm.config.loader import fingerprint, flatten
from psyllm.io.filesystem import display_uri, is_remote, join
from psyllm.io.manifest import StageResult
from psyllm.tracking.runs import StageRun


def output_digest(shards: list[dict]) -> str:
    """One digest for an output dataset: the digest of its shard hashes."""
    return fingerprint([s["sha256"] for s in shards])


def log_stage(run: StageRun, result: StageResult, config: dict, stage: str) -> None:
    manifest = result.manifest
    run.log_params({f"{stage}.{k}": v for k, v in flatten(config).items()})
    run.log_counts(result.counts)
    if manifest.get("history") and manifest.get("curve_run_id") != run.run_id:  # not already logged live
        run.log_curve(manifest["history"])
    run.set_tags({"psyllm.fingerprint": manifest.get("fingerprint", ""), "psyllm.skipped": str(result.skipped),
                  **manifest.get("tags", {})})
    model_dir = manifest.get("model_dir")
    logged = {}
    if model_dir and not result.skipped and not is_remote(model_dir):  # inputs become its linked training data
        logged = run.log_model(model_dir, manifest.get("inputs", []))
    for item in [] if logged else manifest.get("inputs", []):
        run.log_dataset(item["uri"], item["sha256"], name=item["uri"].rsplit("/", 1)[-1], context="input")
    for name, shards in manifest.get("shards", {}).items():
        uri = display_uri(join(result.output_uri, name))
        run.log_dataset(uri, output_digest(shards), name=f"{stage}/{name}", context="output",
                        rows=sum(s["rows"] for s in shards))
    run.log_dict(manifest, "manifest.json")
    for path in manifest.get("artifacts", []) if not result.skipped else []:
        run.log_artifact(path, stage)  # e.g. the evaluation report and its charts

"""`psyllm review --run DIR`: open the run and its MLflow store, then serve the workspace with uvicorn."""
from __future__ import annotations

import sys
from pathlib import Path

from psyllm.config.schema import PsyllmConfig


def open_workspace(cfg: PsyllmConfig, run_dir: str):
    """The Workspace over `run_dir` (raises ValueError when it holds nothing to review or nobody can log in)."""
    from psyllm.review.accounts import Accounts
    from psyllm.review.workspace import Workspace
    from psyllm.review.run_folder import open_run
    from psyllm.tracking.reviews import connect

    root = Path(run_dir)
    if not root.is_dir():
        raise ValueError(f"{run_dir} is not a folder")
    run = open_run(root)
    if not run.manifests:
        raise ValueError(f"{run_dir} holds no stage output (no manifest.json in it or its folders)")
    rcfg = cfg.review
    mlflow = connect(cfg.tracking.tracking_uri)
    run.dialogues, store = traced_dialogues(mlflow, run, cfg.tracking.experiment)
    return Workspace(rcfg, run, Accounts(rcfg.accounts, cfg.serve.api_key_env), mlflow,
                     Path(rcfg.cases) if rcfg.cases else root / "review" / "cases.jsonl", dialogue_store=store)


def traced_dialogues(mlflow, run, experiment: str) -> tuple[list[dict], tuple[str, str]]:
    """The filter's dialogues read from their MLflow traces, which are logged first if this output has none yet
    (in the filter stage's run and experiment when MLflow has that run, else in `experiment`); with where they are
    (experiment id, the output's key)."""
    from psyllm.review.run_folder import dialogue_view, filtered_rows
    from psyllm.tracking import dialogues
    from psyllm.tracking.lineage import output_digest

    manifest = run.manifest("filter")
    if not manifest:
        return [], ("", "")
    key = manifest.get("fingerprint") or output_digest([s for v in manifest["shards"].values() for s in v])
    found = dialogues.filter_run(mlflow, manifest.get("fingerprint", ""))
    experiment_id, run_id = found or (mlflow.set_experiment(experiment).experiment_id, None)
    judge = (((manifest.get("config") or {}).get("judge") or {}).get("engine") or {}).get("model") or "psyllm-judge"
    logged = dialogues.ensure_traces(mlflow, filtered_rows(run), key, judge, experiment_id, run_id)
    if logged:
        print(f"psyllm review: logged {logged} dialogues of {run.folder('filter')} as MLflow traces "
              f"(experiment {experiment_id})", file=sys.stderr)
    views = [dialogue_view(d) for d in dialogues.read_dialogues(mlflow, experiment_id, key)]
    return sorted(views, key=lambda d: (d["outcome"] != "kept", d["sample_id"])), (experiment_id, key)


def serve_review(cfg: PsyllmConfig, run_dir: str) -> int:
    """Serve until stopped (Ctrl-C); 2 when the run or the accounts cannot be used."""
    import uvicorn

    from psyllm.review.app import build_app

    try:
        ws = open_workspace(cfg, run_dir)
    except (ValueError, OSError) as exc:
        print(f"psyllm review: {exc}", file=sys.stderr)
        return 2
    rcfg = cfg.review
    print(f"psyllm review: http://{rcfg.host}:{rcfg.port}/  ({len(ws.run.dialogues)} dialogues, "
          f"{len(ws.run.answers)} answers to rate)")
    uvicorn.run(build_app(ws), host=rcfg.host, port=rcfg.port, log_level="warning")
    return 0


def add_arguments(p) -> None:
    """`psyllm review`'s options (the rest are config keys: review.accounts, review.chat.openai.base_url, ...)."""
    p.add_argument("--run", help="the run folder (what `psyllm run --output` wrote, or one stage's folder)")
    p.add_argument("--host", help="review.host (127.0.0.1 unless given)")
    p.add_argument("--port", type=int, help="review.port")
    p.add_argument("--tracking-uri", help="tracking.tracking_uri: the MLflow store with the run's traces")
    p.add_argument("--hash-password", action="store_true",
                   help="read a password on stdin and print its scrypt hash for the accounts file")


def overrides(args) -> list[str]:
    """The options as config overrides."""
    pairs = (("review.host", args.host), ("review.port", args.port), ("tracking.tracking_uri", args.tracking_uri))
    return [f"{key}={value}" for key, value in pairs if value not in (None, "")]


def review_command(cfg: PsyllmConfig, args) -> int:
    if args.hash_password:
        from psyllm.review.accounts import hash_password

        print(hash_password(sys.stdin.readline().rstrip("\n")))
        return 0
    if not args.run:
        print("psyllm review: --run (the run folder) is required", file=sys.stderr)
        return 2
    return serve_review(cfg, args.run)

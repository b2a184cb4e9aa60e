"""`psyllm <stage> -c CONFIG --input PATH --output DIR [dotted.key=value ...]`."""
from __future__ import annotations

import argparse
import sys

from psyllm.config import ConfigError, load_config, to_yaml
from psyllm.config.choices import IMPORT_FORMATS
from psyllm.console import local_log_dir, log_dir, setup_logging
from psyllm.io.manifest import OutputExistsError, RejectLimitExceeded, StageResult
from psyllm.io.readers import InputError
from psyllm.stages import COMMANDS, ORDER, STAGES


def _output_options(p: argparse.ArgumentParser, output_help: str) -> None:
    p.add_argument("--output", help=output_help)
    p.add_argument("--overwrite", action="store_true", help="replace a finished output made with another config")
    p.add_argument("--no-tracking", action="store_true", help="do not log to MLflow")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="psyllm", description="Clinically grounded counseling LLMs, end to end.")
    sub = parser.add_subparsers(dest="stage", required=True)
    pipeline = " -> ".join(s for s in ORDER if s != "import")
    commands = {**{name: STAGES[name].summary for name in COMMANDS}, "run": f"the whole pipeline: {pipeline}",
                "serve": "serve the counselor and the judge (Ray Serve, OpenAI-compatible) until stopped",
                "compare": "two evaluation runs side by side from MLflow, with paired statistics",
                "inspect": "which layout a file or folder looks like, and its first dialogue or post as psyllm reads it",
                "review": "the clinician's workspace (local web app): browse a run, rate answers, try the model"}
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", action="store_true",
                        help="show Ray's, vLLM's and DeepSpeed's logs on the console (always in <output>/logs/)")
    for name, help_text in commands.items():
        p = sub.add_parser(name, help=help_text, description=help_text, parents=[common])
        p.add_argument("-c", "--config", help="YAML with differences from the defaults")
        if name == "compare":
            p.add_argument("run_a")
            p.add_argument("run_b")
        elif name == "inspect":
            p.add_argument("input", help="a file, folder, glob or s3:// URI")
            p.add_argument("--format", choices=IMPORT_FORMATS, help="read it as this format instead of guessing")
        elif name == "serve":
            p.add_argument("--model", help="the counselor model folder (serve.counselor.engine.model)")
            p.add_argument("--judge-model", help="the judge model (serve.judge.engine.model)")
        elif name == "evaluate":
            p.add_argument("--model", dest="input", help="the model under test: an OpenAI-compatible URL or a model folder")
            p.add_argument("--judge", help="the judge: URL or folder (default: the judge served next to --model)")
            p.add_argument("--split", choices=["dev", "test", "all"],
                           help="evaluate.split; `test` is the held-back part: use it only to report (docs/evaluation.md)")
            p.add_argument("--human-ratings", metavar="CSV|mlflow",
                           help="clinicians' ratings for the evaluation in --output (item_id, dimension, score, rater): "
                                "imported as MLflow assessments, agreement with the judge reported; `mlflow` uses "
                                "the ratings already added in the MLflow UI")
        elif name == "review":
            from psyllm.review.server import add_arguments

            add_arguments(p)
        elif name == "run":
            p.add_argument("--input", help="the posts (or, with an import stage, the dialogues) to start from")
        else:
            p.add_argument("--input", help="input file, folder, glob or s3:// URI" + (" or a Hub dataset name" if name == "import" else ""))
        if name == "import":
            p.add_argument("--format", choices=IMPORT_FORMATS, help="importer.format")
        if name not in ("serve", "compare", "inspect", "review"):
            _output_options(p, "the run's directory; each stage writes a folder in it" if name == "run"
                            else "output directory (local or s3://)")
        if name not in ("compare", "inspect"):
            p.add_argument("--print-config", action="store_true", help="print the resolved config and exit")
        p.add_argument("overrides", nargs="*", metavar="key=value", help="dotted config overrides")
    return parser


def _fmt(value) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def _print_summary(stage: str, result: StageResult) -> None:
    from psyllm.config.loader import flatten

    counts = result.counts
    state = "skipped (already complete)" if result.skipped else "done"
    print(f"\n{stage}: {state} -> {result.output_uri}")
    width = max((len(k) for k in counts), default=0)
    for key, value in counts.items():
        if isinstance(value, dict):
            print(f"  {key}:")
            for sub, n in flatten(value).items():
                if n:
                    print(f"    {sub:<{width}} {_fmt(n)}")
        else:
            print(f"  {key:<{width}} {_fmt(value)}")


def _print_logs() -> None:
    folder = log_dir()
    if folder is not None and folder.is_dir():
        print(f"logs:   {folder}  (Ray's, vLLM's and DeepSpeed's too; `-v` shows them here)")


def _run_stage(args, cfg) -> StageResult:
    from psyllm.stage_runner import run_stage

    extra = {"judge_target": args.judge} if args.stage == "evaluate" else {}
    return run_stage(cfg, args.stage, args.input, args.output, **extra)


def _run_pipeline(args, cfg) -> int:
    from psyllm.runtime.pipeline import format_summary, run_pipeline

    if not args.output:
        print("psyllm run: --output is required", file=sys.stderr)
        return 2
    try:
        result = run_pipeline(cfg, args.output, progress=lambda line: print(line, flush=True))
    except (ConfigError, InputError, OutputExistsError) as exc:
        print(f"psyllm run: {exc}", file=sys.stderr)
        return 2
    except RejectLimitExceeded as exc:
        print(f"psyllm run: {exc}", file=sys.stderr)
        return 3
    print(format_summary(result, cfg.tracking.tracking_uri if cfg.tracking.enabled else None))
    _print_logs()
    return 0


def _human_ratings(args, cfg) -> int:
    from psyllm.evaluation.human import RatingsError, report_section
    from psyllm.evaluation.stage import run_human_ratings

    if not args.output:
        print("psyllm evaluate --human-ratings: --output (the evaluation's folder) is required", file=sys.stderr)
        return 2
    try:
        agreement = run_human_ratings(cfg, args.human_ratings, args.output)
    except (InputError, RatingsError, FileNotFoundError) as exc:
        print(f"psyllm evaluate: {exc}", file=sys.stderr)
        return 2
    print("\n".join(report_section(agreement)))
    return 0


def _inspect(args, cfg) -> int:
    from psyllm.interop.sniff import inspect_input

    try:
        fmt, lines = inspect_input(args.input, cfg, args.format or "")
    except (InputError, ValueError, KeyError) as exc:
        print(f"psyllm inspect: {exc}", file=sys.stderr)
        return 2
    print("\n".join(lines))
    return 0 if fmt else 1


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args, extra = parser.parse_known_args(argv)  # overrides may stand before or after options
    unknown = [e for e in extra if e.startswith("-")]
    if unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    setup_logging(args.verbose, local_log_dir(getattr(args, "output", None)), args.stage, args.stage == "run")
    overrides = list(args.overrides) + extra
    if getattr(args, "overwrite", False):
        overrides.append("output.overwrite=true")
    if getattr(args, "no_tracking", False):
        overrides.append("tracking.enabled=false")
    if getattr(args, "split", None):
        overrides.append(f"evaluate.split={args.split}")
    if getattr(args, "format", None) and args.stage == "import":
        overrides.append(f"importer.format={args.format}")
    if args.stage == "run" and args.input:
        overrides.append(f"pipeline.input={args.input}")
    if args.stage == "serve":
        overrides += [f"serve.counselor.engine.model={args.model}"] if args.model else []
        overrides += [f"serve.judge.engine.model={args.judge_model}"] if args.judge_model else []
    if args.stage == "review":
        from psyllm.review.server import overrides as review_overrides

        overrides += review_overrides(args)
    try:
        cfg = load_config(args.config, overrides)
    except ConfigError as exc:
        print(f"psyllm: {exc}", file=sys.stderr)
        return 2
    if getattr(args, "print_config", False):
        print(to_yaml(cfg), end="")
        return 0
    from psyllm.models.local import resolve_local_models

    resolve_local_models(cfg)  # psyllm-tiny -> a folder built on this machine
    if args.stage == "run":
        return _run_pipeline(args, cfg)
    if args.stage == "inspect":
        return _inspect(args, cfg)
    if args.stage == "review":
        from psyllm.review.server import review_command

        return review_command(cfg, args)
    if args.stage == "compare":
        from psyllm.tracking.compare import compare_runs

        return compare_runs(cfg.tracking, args.run_a, args.run_b)
    if args.stage == "serve":
        from psyllm.runtime.serve import serve_forever

        try:
            return serve_forever(cfg)
        except RuntimeError as exc:
            print(f"psyllm serve: {exc}", file=sys.stderr)
            return 2
    if getattr(args, "human_ratings", None):
        return _human_ratings(args, cfg)
    if not args.input or not args.output:
        need = "--model" if args.stage == "evaluate" else "--input"
        print(f"psyllm {args.stage}: {need} and --output are required", file=sys.stderr)
        return 2
    try:
        result = _run_stage(args, cfg)
    except (ConfigError, InputError, OutputExistsError) as exc:
        print(f"psyllm {args.stage}: {exc}", file=sys.stderr)
        return 2
    except RejectLimitExceeded as exc:
        print(f"psyllm {args.stage}: {exc}", file=sys.stderr)
        return 3
    _print_summary(args.stage, result)
    _print_logs()
    return 0


if __name__ == "__main__":
    sys.exit(main())

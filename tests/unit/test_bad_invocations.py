"""Every bad invocation is one clear line on stderr and a non-zero exit: never a traceback, never a silent
success. Each row: the arguments (after `psyllm`), the exit code, a phrase the message must contain."""
import json
from pathlib import Path

import pytest

from psyllm.cli import main

REPO = Path(__file__).resolve().parents[2]
SAMPLE = str(REPO / "data" / "sample_posts.jsonl")


def _files(tmp: Path) -> dict[str, str]:
    (tmp / "broken.yaml").write_text("ingest:\n  text: [unclosed\n")
    (tmp / "list.yaml").write_text("- ingest\n- train\n")
    (tmp / "binary.yaml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    (tmp / "empty.jsonl").write_text("")
    (tmp / "nothing").mkdir()
    (tmp / "nothing" / "notes.md").write_text("not data")
    (tmp / "not-an-eval").mkdir()
    (tmp / "ratings.csv").write_text("item_id,dimension,score,rater\nd01#0,safety,1,r1\n")
    names = {"broken": "broken.yaml", "list": "list.yaml", "binary": "binary.yaml", "empty": "empty.jsonl",
             "nothing": "nothing", "noteval": "not-an-eval", "ratings": "ratings.csv"}
    return {k: str(tmp / v) for k, v in names.items()} | {"out": str(tmp / "out")}


CASES = [
    # config files and overrides
    ("ingest -c {missing} --input {sample} --output {out}", 2, "config file not found"),
    ("ingest -c {broken} --input {sample} --output {out}", 2, "is not valid YAML (line"),
    ("ingest -c {list} --input {sample} --output {out}", 2, "must hold a mapping"),
    ("ingest -c {binary} --input {sample} --output {out}", 2, "config file"),
    ("ingest -c {nothing} --input {sample} --output {out}", 2, "config file not found"),
    ("ingest --input {sample} --output {out} ingest.no_such_key=1", 2, "no_such_key"),
    ("ingest --input {sample} --output {out} ingest.dedup.num_perm=many", 2, "num_perm"),
    ("ingest --input {sample} --output {out} ingest.dedup", 2, "dotted.key=value"),
    ("ingest --input {sample} --output {out} safety.route_at=moderat", 2, "safety.route_at='moderat'"),
    ("serve safety.route_at=hihg", 2, "safety.route_at='hihg' is not one of none, low, moderate, high, imminent"),
    ("ingest --input {sample} --output {out} ingest.triage.route_at=high", 2, "set once: write safety.route_at"),
    ("evaluate --model http://127.0.0.1:9 --output {out} evaluate.split=tset", 2, "evaluate.split='tset'"),
    ("import --input {sample} --output {out} importer.format=cpsy", 2, "importer.format='cpsy'"),
    ("train --input {out} --output {out} train.precision=fp8", 2, "train.precision='fp8'"),
    # inputs and outputs
    ("ingest --output {out}", 2, "--input and --output are required"),
    ("ingest --input {missing} --output {out}", 2, "input not found"),
    ("ingest --input {nothing} --output {out}", 2, "no readable inputs"),
    ("import --input {empty} --output {out}", 2, "input is empty"),
    ("ingest --input {empty} --output {out}", 2, "no posts to ingest (the input is empty)"),
    ("import --format cpsycoun --input {missing} --output {out}", 2, "input not found"),
    ("filter --input {nothing} --output {out}", 2, "not a finished"),
    ("train --input {nothing} --output {out}", 2, "not a finished export output"),
    ("inspect {missing}", 2, "input not found"),
    ("evaluate --output {out}", 2, "--model and --output are required"),
    ("evaluate --human-ratings {ratings}", 2, "--output (the evaluation's folder) is required"),
    ("evaluate --human-ratings {ratings} --output {noteval}", 2, "is not a finished evaluation"),
    # the pipeline's preflight: seconds, before any stage
    ("run", 2, "--output is required"),
    ("run --output {out} pipeline.stages=[ingest,synthesise]", 2, "pipeline.stages='synthesise'"),
    ("run --output {out} pipeline.stages=[train,ingest]", 2, "must keep the order"),
    ("run --output {out} --input {missing}", 2, "preflight: pipeline.input: input not found"),
    ("run --output {out} serve.host=0.0.0.0", 2, "needs a key: set $PSYLLM_SERVE_API_KEY"),
    ("run --output {out} synthesize.reason.engine.model=./no/such/model", 2, "no model folder at ./no/such/model"),
    ("run --output {out} synthesize.plan.engine.kind=openai", 2, "$PSYLLM_API_KEY, which is not set"),
    ("run --output /proc/psyllm-out", 2, "is not writable"),
    ("run --output {out} train.model=NoSuchOrg/no-such-model", 2, "cannot fetch NoSuchOrg/no-such-model"),
]


@pytest.mark.parametrize("argv, code, phrase", CASES, ids=[c[0].split(" {")[0][:40] + f"-{i}" for i, c in enumerate(CASES)])
def test_bad_invocation_is_one_clear_line(argv, code, phrase, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("PSYLLM_SERVE_API_KEY", raising=False)
    monkeypatch.delenv("PSYLLM_API_KEY", raising=False)
    monkeypatch.chdir(tmp_path)
    paths = _files(tmp_path) | {"sample": SAMPLE, "missing": str(tmp_path / "missing.jsonl")}
    args = [a.format(**paths) if "{" in a else a for a in argv.split()] + ["--no-tracking"] * (
        argv.split()[0] in ("ingest", "import", "filter", "train", "run"))
    try:
        got = main(args)
    except SystemExit as exc:  # argparse's own errors
        got = exc.code
    err = capsys.readouterr().err
    assert got == code, err
    assert phrase in err, err
    assert "Traceback" not in err and len([ln for ln in err.splitlines() if ln.startswith("psyllm")]) == 1, err
    assert not (tmp_path / "out" / "manifest.json").exists()  # nothing half-done looks finished


def test_the_table_is_large_enough():
    assert len(CASES) >= 20 and json.dumps(CASES)


def test_a_local_pipeline_without_a_serve_key_gets_an_ephemeral_one(tmp_path, monkeypatch):
    import os

    from psyllm.config import load_config
    from psyllm.preflight import preflight

    monkeypatch.delenv("PSYLLM_SERVE_API_KEY", raising=False)
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)  # the default Hub model ids are not checked online
    offline = REPO / "conf" / "offline.yaml"  # every model psyllm-tiny: nothing to fetch
    problems, notes = preflight(load_config(offline, [f"pipeline.input={SAMPLE}"]), str(tmp_path / "out"))
    assert not problems and "ephemeral key" in notes[0] and len(os.environ["PSYLLM_SERVE_API_KEY"]) >= 24
    monkeypatch.delenv("PSYLLM_SERVE_API_KEY")
    problems, _ = preflight(load_config(offline, [f"pipeline.input={SAMPLE}", "runtime.address=ray://head:10001"]),
                            str(tmp_path / "out"))
    assert problems == ["serve listens on 127.0.0.1 and needs a key: set $PSYLLM_SERVE_API_KEY"]

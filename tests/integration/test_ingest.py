"""Ingest end to end on a real local Ray, with MLflow on SQLite: outcomes, PII, crisis, reruns, lineage."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from mlflow.tracking import MlflowClient

from psyllm.cli import main
from psyllm.ingest.fake_posts import write_posts
from psyllm.io.manifest import read_manifest
from psyllm.io.shards import read_table

pytestmark = pytest.mark.integration
FIX = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
EXPECTED = json.loads((FIX / "expected.json").read_text())


def _ingest(args, tracking_uri=None):
    extra = [f"tracking.tracking_uri={tracking_uri}"] if tracking_uri else ["tracking.enabled=false"]
    if not any(a.startswith("runtime.batch_size=") for a in args):  # small batches: the fixtures are small
        extra.append("runtime.batch_size=8")
    return main(["ingest", *args, *extra])


def _rows(out, name, cols=None):
    return read_table(str(Path(out) / name), columns=cols).to_pylist()


def _fixture_chars() -> dict[int, int]:
    """Characters per fixture line, counted here from the bytes: title + body of a record that has them as text,
    else the raw line (as read: invalid UTF-8 replaced)."""
    chars = {}
    for number, data in enumerate((FIX / "bad_lines.jsonl").read_bytes().split(b"\n")[:-1], start=1):
        line = data.decode("utf-8", errors="replace")
        try:
            rec = json.loads(line)
        except ValueError:
            rec = None
        texts = [rec[k] for k in ("title", "selftext", "text") if rec.get(k) is not None] if isinstance(rec, dict) else []
        chars[number] = sum(map(len, texts)) if texts and all(isinstance(t, str) for t in texts) else len(line)
    return chars


BAD = ["--input", str(FIX / "bad_lines.jsonl"), "ingest.max_reject_fraction=0.9"]  # half the fixture is bad on purpose


def test_bad_lines_end_in_exactly_one_place(ray_local, tmp_path, tracking_uri):
    out = tmp_path / "ingest"
    assert _ingest([*BAD, "--output", str(out)], tracking_uri) == 0
    m = read_manifest(str(out))
    c = m["counts"]
    assert c["read"] == EXPECTED["read"] == c["kept"] + c["quarantined"] + c["duplicates"]
    assert (c["kept"], c["duplicates"]) == (EXPECTED["kept"], EXPECTED["duplicates"])
    assert {k: v for k, v in c["by_reason"].items() if v and k != "duplicate"} == EXPECTED["by_reason"]

    posts = _rows(out, "posts")
    assert len({p["post_id"] for p in posts}) == len(posts) == EXPECTED["kept"]
    blob = "".join(p.read_bytes().decode("latin-1") for p in (out / "posts").glob("*.parquet"))
    blob += json.dumps(posts, default=str)
    assert not [s for s in EXPECTED["pii_strings"] if s in blob]
    by_id = {p["native_id"]: p for p in posts}
    for native_id, level in EXPECTED["risk"].items():
        assert (by_id[native_id]["risk_level"], by_id[native_id]["route"]) == (level, "crisis")
    dups = _rows(out, "duplicates")
    assert {d["kind"] for d in dups} == {"exact", "near"}
    assert all(d["duplicate_of"] in {p["post_id"] for p in posts} for d in dups)
    quarantine = _rows(out, "quarantine")
    assert len(quarantine) == c["quarantined"] and all(q["line"] >= 1 for q in quarantine)

    # Characters: input = kept + dropped by reason, and each part matches the lines that ended there.
    ch, per_line = c["chars"], _fixture_chars()
    assert ch["input"] == sum(per_line.values()) == ch["kept"] + sum(ch["dropped"].values())
    assert ch["kept"] == sum(per_line[p["line"]] for p in posts)
    for reason in EXPECTED["by_reason"]:
        assert ch["dropped"][reason] == sum(per_line[q["line"]] for q in quarantine if q["reason"] == reason), reason
    for kind in ("exact", "near"):
        assert ch["dropped"][f"{kind}_duplicate"] == sum(per_line[d["line"]] for d in dups if d["kind"] == kind) > 0

    # MLflow: one run with params, counts as metrics and the datasets in and out.
    client = MlflowClient(tracking_uri)
    exp = client.get_experiment_by_name("psyllm")
    (run,) = client.search_runs([exp.experiment_id])
    assert run.data.params["ingest.dedup.threshold"] == "0.7"
    assert run.data.metrics["kept"] == EXPECTED["kept"] and run.data.metrics["by_reason.language"] == 2
    contexts = {i.tags[0].value if i.tags else None for i in run.inputs.dataset_inputs}
    names = {i.dataset.name for i in run.inputs.dataset_inputs}
    assert {"bad_lines.jsonl", "ingest/posts", "ingest/quarantine", "ingest/duplicates"} <= names
    assert {"input", "output"} <= contexts

    # A second run into the finished output does nothing.
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*.parquet")}
    assert _ingest([*BAD, "--output", str(out)], tracking_uri) == 0
    assert before == {p: p.stat().st_mtime_ns for p in out.rglob("*.parquet")}
    # Another config refuses to touch it unless told to overwrite.
    args = [*BAD, "--output", str(out), "ingest.text.min_chars=10"]
    assert _ingest(args) == 2
    assert _ingest(args + ["--overwrite"]) == 0
    assert read_manifest(str(out))["fingerprint"] != m["fingerprint"]


def test_reject_limit_fails_after_writing(ray_local, tmp_path):
    out = tmp_path / "strict"
    args = ["--input", str(FIX / "bad_lines.jsonl"), "--output", str(out), "ingest.max_reject_fraction=0.1"]
    assert _ingest(args) == 3
    m = read_manifest(str(out))
    assert m["complete"] is False and "quarantined fraction" in m["error"]
    assert len(_rows(out, "quarantine")) == EXPECTED["read"] - EXPECTED["kept"] - EXPECTED["duplicates"]


def _cli(args, **kw):
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    cmd = [sys.executable, "-m", "psyllm.cli", "ingest", *args, "--no-tracking", "runtime.object_store_memory_mb=300"]
    return subprocess.Popen(cmd, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)


def test_killed_run_rerun_matches_uninterrupted(ray_local, tmp_path):
    posts = tmp_path / "posts.jsonl"
    write_posts(str(posts), 600, seed=3)  # six batches: killed once its first 200-row shard is written, mid-run; more only costs time
    small = ["runtime.batch_size=100", "output.shard_rows=200"]

    killed = tmp_path / "killed"
    proc = _cli(["--input", str(posts), "--output", str(killed), *small])
    deadline = time.time() + 180
    while time.time() < deadline and not list(killed.glob("_staging/part-*.parquet")):
        assert proc.poll() is None, "run ended before it could be killed"
        time.sleep(0.05)
    assert not (killed / "manifest.json").exists()
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert read_manifest(str(killed)) is None

    assert _ingest(["--input", str(posts), "--output", str(killed), *small]) == 0
    whole = tmp_path / "whole"
    assert _ingest(["--input", str(posts), "--output", str(whole), *small]) == 0

    for name in ("posts", "quarantine", "duplicates"):
        a = sorted(json.dumps(r, sort_keys=True, default=str) for r in _rows(killed, name))
        b = sorted(json.dumps(r, sort_keys=True, default=str) for r in _rows(whole, name))
        assert a == b, name
    m = read_manifest(str(whole))["counts"]
    assert m["read"] == 600 == m["kept"] + m["quarantined"] + m["duplicates"]
    assert m["chars"] == read_manifest(str(killed))["counts"]["chars"]  # a rerun accounts the same characters
    assert m["duplicates"] > 0 and m["by_reason"]["malformed_json"] > 0

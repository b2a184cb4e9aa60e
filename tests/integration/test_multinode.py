"""Two Ray nodes on this machine (a head and a worker started as separate `ray start` processes): synthesis
with one vLLM engine replica pinned to each node, then training with one worker per node (STRICT_SPREAD)."""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from psyllm.io.manifest import read_manifest
from tests.conftest import free_port

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
RAY = str(Path(sys.executable).with_name("ray"))
SLOT = json.dumps({"psyllm_slot": 1})  # one per node: two replicas asking for one each must use both nodes
# The session's conftest sets this to 0 (it pins single-node Ray to 127.0.0.1); with 0, Ray refuses a second node.
ENV = {**os.environ, "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "1"}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    port = free_port()
    temp = Path("/tmp") / f"psyllm-mn-{os.getpid()}"
    common = ["--num-cpus=3", f"--resources={SLOT}", "--node-ip-address=127.0.0.1", "--disable-usage-stats", "--block"]
    # --block keeps each node in its own foreground process: terminating it stops that node only (`ray stop`
    # would also stop the test session's own Ray).
    logs = tmp_path_factory.mktemp("nodes")
    head = subprocess.Popen([RAY, "start", "--head", f"--port={port}", "--include-dashboard=false",
                             f"--temp-dir={temp}", *common], stdout=open(logs / "head.log", "w"), stderr=subprocess.STDOUT, env=ENV)
    time.sleep(8)
    worker = subprocess.Popen([RAY, "start", f"--address=127.0.0.1:{port}", *common],
                              stdout=open(logs / "worker.log", "w"), stderr=subprocess.STDOUT, env=ENV)
    address = f"127.0.0.1:{port}"
    probe = ("import ray, sys; ray.init(address=sys.argv[1], log_to_driver=False); "
             "print(sum(n['Alive'] for n in ray.nodes()))")
    for _ in range(60):
        out = subprocess.run([sys.executable, "-c", probe, address], capture_output=True, text=True, env=ENV)
        if out.stdout.strip().splitlines()[-1:] == ["2"]:
            break
        time.sleep(1)
    else:
        for proc in (worker, head):
            proc.terminate()
        pytest.fail(f"the two-node cluster did not come up: {out.stdout[-500:]} "
                    f"{(logs / 'worker.log').read_text()[-1500:]}")
    yield address
    for proc in (worker, head):
        proc.terminate()
        proc.wait(timeout=60)


def _psyllm(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "psyllm.cli", *args], capture_output=True, text=True, timeout=900,
                          cwd=REPO, env=ENV)


def test_synthesis_and_training_span_both_nodes(cluster, tiny_model, tmp_path):
    join = [f"runtime.address={cluster}", "--no-tracking"]
    posts = tmp_path / "posts.jsonl"  # a dozen posts keep the test short; the stages do not care how many
    posts.write_text("".join((REPO / "data" / "sample_posts.jsonl").read_text().splitlines(keepends=True)[:12]))
    ingested = str(tmp_path / "ingest")
    started = time.time()
    proc = _psyllm("ingest", "--input", str(posts), "--output", ingested, *join)
    assert proc.returncode == 0, proc.stderr[-3000:]
    timings = {"ingest": time.time() - started}
    synth = tmp_path / "synth"
    engine = [f"synthesize.{s}.engine.{k}={v}" for s in ("plan", "draft", "reason")
              for k, v in (("model", tiny_model), ("placement.replicas", 2),
                                                 ("placement.resources", "{psyllm_slot: 1}"), ("placement.num_cpus", 1))]
    proc = _psyllm("synthesize", "-c", str(REPO / "conf/test/tiny_vllm.yaml"), "--input", ingested,
                   "--output", str(synth), *engine, *join)
    assert proc.returncode == 0, proc.stderr[-3000:]
    c = read_manifest(str(synth))["counts"]
    assert c["samples"] == c["posts"] and c["dialogues"] > 0
    timings["synthesize"] = time.time() - started - sum(timings.values())

    # A minimal SFT set from those dialogues: every one kept, then exported.
    filtered, sft = tmp_path / "filtered", tmp_path / "sft"
    assert _psyllm("filter", "--input", str(synth), "--output", str(filtered), "filter.filters=[]", *join).returncode == 0
    proc = _psyllm("export", "--input", str(filtered), "--output", str(sft), "export.validation_fraction=0.2", "--no-tracking")
    assert proc.returncode == 0, proc.stderr[-3000:]
    proc = _psyllm("train", "-c", str(REPO / "conf/train/tiny_cpu.yaml"), "--input", str(sft), "--output",
                   str(tmp_path / "train"), f"train.model={tiny_model}", "train.epochs=1",
                   "train.placement_strategy=STRICT_SPREAD", *join)
    assert proc.returncode == 0, proc.stderr[-3000:]
    t = read_manifest(str(tmp_path / "train"))["counts"]
    assert t["steps"] == t["total_steps"] > 0
    timings["filter+export+train"] = time.time() - started - sum(timings.values())
    print("two-node timings (s):", {k: round(v) for k, v in timings.items()})

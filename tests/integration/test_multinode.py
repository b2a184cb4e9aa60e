"""Two Ray nodes on this machine (a head and a worker started as separate `ray start` processes): synthesis
with one vLLM engine replica pinned to each node, then training with one worker per node (STRICT_SPREAD)."""
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from psyllm.io.manifest import read_manifest
from psyllm.runtime.session import LOCAL_RAY_ENV
from tests.conftest import free_port

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
RAY = str(Path(sys.executable).with_name("ray"))
SLOT = json.dumps({"psyllm_slot": 1})  # one per node: two replicas asking for one each must use both nodes
# The session's conftest sets RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER to 0 (it pins single-node Ray to 127.0.0.1); with 0,
# Ray refuses a second node. Both nodes share one 2-core machine: they take a local Ray's settings (runtime/session.py).
ENV = {**LOCAL_RAY_ENV, **os.environ, "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "1"}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    port = free_port()
    temp = Path("/tmp") / f"psyllm-mn-{os.getpid()}"
    common = ["--num-cpus=3", f"--resources={SLOT}", "--node-ip-address=127.0.0.1", "--disable-usage-stats", "--block"]
    # --block keeps each node in its own foreground process, in its own process group with the GCS, raylet and
    # workers it starts: killing that group stops that node only (`ray stop` would also stop the session's own Ray).
    logs = tmp_path_factory.mktemp("nodes")
    head = subprocess.Popen([RAY, "start", "--head", f"--port={port}", "--include-dashboard=false",
                             f"--temp-dir={temp}", *common], stdout=open(logs / "head.log", "w"), stderr=subprocess.STDOUT, env=ENV,
                            start_new_session=True)
    _wait_for_port(port, head)  # the worker's `ray start` fails if the head's GCS does not answer yet
    worker = subprocess.Popen([RAY, "start", f"--address=127.0.0.1:{port}", *common],
                              stdout=open(logs / "worker.log", "w"), stderr=subprocess.STDOUT, env=ENV,
                              start_new_session=True)
    address = f"127.0.0.1:{port}"
    probe = ("import ray, sys; ray.init(address=sys.argv[1], log_to_driver=False); "
             "print(sum(n['Alive'] for n in ray.nodes()))")
    for _ in range(60):
        out = subprocess.run([sys.executable, "-c", probe, address], capture_output=True, text=True, env=ENV)
        if out.stdout.strip().splitlines()[-1:] == ["2"]:
            break
        time.sleep(1)
    else:
        _stop(worker, head)
        pytest.fail(f"the two-node cluster did not come up: {out.stdout[-500:]} "
                    f"{(logs / 'worker.log').read_text()[-1500:]}")
    yield address
    _stop(worker, head)
    shutil.rmtree(temp, ignore_errors=True)


def _stop(*nodes: subprocess.Popen) -> None:
    """SIGKILL to each node's process group: a terminated `ray start --block` stopped its processes one by one
    with grace periods (31 s for the two nodes, measured); the test's output is already written."""
    for proc in nodes:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    for proc in nodes:
        proc.wait(timeout=60)


def _wait_for_port(port: int, head: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline and head.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    _stop(head)
    pytest.fail(f"the head node did not listen on {port} within {timeout:.0f} s")


def _psyllm(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "psyllm.cli", *args], capture_output=True, text=True, timeout=900,
                          cwd=REPO, env=ENV)


def test_synthesis_and_training_span_both_nodes(cluster, tiny_model, tmp_path):
    posts = tmp_path / "posts.jsonl"  # a dozen posts keep the test short; the stages do not care how many
    posts.write_text("".join((REPO / "data" / "sample_posts.jsonl").read_text().splitlines(keepends=True)[:12]))
    engine = [f"synthesize.{s}.engine.{k}={v}" for s in ("plan", "draft", "reason")
              for k, v in (("model", tiny_model), ("placement.replicas", 2),
                                                 ("placement.resources", "{psyllm_slot: 1}"), ("placement.num_cpus", 1))]
    # conf/train/tiny_cpu.yaml's settings (one -c only, and the synthesis YAML is it), one epoch.
    train = [f"train.model={tiny_model}", "train.cutoff_len=1024", "train.seq_len=1024", "train.grad_accum=1",
             "train.epochs=1", "train.lr=3e-3", "train.warmup_ratio=0.05", "train.save_steps=4", "train.eval_steps=8",
             "train.num_workers=2", "train.placement_strategy=STRICT_SPREAD"]
    # One `psyllm run` process: the five stages share one import and one connection to the two-node cluster.
    # The filter keeps every dialogue (a minimal SFT set), then export and train.
    out = tmp_path / "run"
    proc = _psyllm("run", "-c", str(REPO / "conf/test/tiny_vllm.yaml"), "--input", str(posts), "--output", str(out),
                   "pipeline.stages=[ingest,synthesize,filter,export,train]", "filter.filters=[]",
                   "export.validation_fraction=0.2", *engine, *train, f"runtime.address={cluster}", "--no-tracking")
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    c = read_manifest(str(out / "synthesize"))["counts"]
    assert c["samples"] == c["posts"] and c["dialogues"] > 0
    t = read_manifest(str(out / "train"))["counts"]
    assert t["steps"] == t["total_steps"] > 0
    print("two-node timings (s):", dict(re.findall(r"\] (\w+): done in (\d+) s", proc.stdout)))

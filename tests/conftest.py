"""Shared test setup: environment for Ray/MLflow/S3, one Ray for the session, a local moto S3 server."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"

# Before anything starts Ray: workers inherit this environment.
os.environ.setdefault("RAY_AUTH_MODE", "disabled")
os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
os.environ.setdefault("MLFLOW_SERVER_ENABLE_JOB_EXECUTION", "false")
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("PSYLLM_AUTHOR_SALT", "test-salt")
os.environ.setdefault("PSYLLM_SERVE_API_KEY", "test-key")  # read by Serve replicas, which inherit this env
os.environ.setdefault("HF_HUB_OFFLINE", "1")  # no Hub here: fail fast instead of retrying


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def ray_local(tmp_path_factory):
    """One local Ray for the whole session (short temp dir: Ray's socket paths have a length limit)."""
    import ray

    from psyllm.runtime.session import apply_local_env

    apply_local_env()  # as psyllm's own local Ray: workers inherit it
    temp = Path("/tmp") / f"psyllm-ray-{os.getpid()}"
    ray.init(num_cpus=4, include_dashboard=False, _temp_dir=str(temp), log_to_driver=False)
    yield ray
    ray.shutdown()
    shutil.rmtree(temp, ignore_errors=True)


@pytest.fixture(scope="session")
def s3_endpoint():
    """A moto S3 server on 127.0.0.1, started for the session."""
    port = free_port()
    exe = Path(sys.executable).with_name("moto_server")
    proc = subprocess.Popen([str(exe), "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        raise RuntimeError("moto_server did not start")
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def tracking_uri(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'mlflow.db'}"


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> str:
    """A tiny Qwen2-shaped model with an in-process tokenizer (head_dim 64, 2 layers)."""
    from psyllm.models.tiny import build_tiny_model

    return str(build_tiny_model(tmp_path_factory.mktemp("tiny") / "model"))


@pytest.fixture(scope="session")
def ingested(ray_local, tmp_path_factory) -> str:
    """The sample posts ingested once for the session (input to synthesis tests)."""
    from psyllm.config import load_config
    from psyllm.runtime.ingest import run_ingest

    out = str(tmp_path_factory.mktemp("ingested") / "ingest")
    run_ingest(load_config(None, ["tracking.enabled=false"]), str(REPO / "data" / "sample_posts.jsonl"), out)
    return out


@dataclass
class DemoRun:
    output: Path
    tracking_uri: str
    stdout: str
    stderr: str
    seconds: float


def run_offline_demo(tmp: Path, out: Path) -> DemoRun:
    """The README's offline command as a newcomer types it, the tiny model built from nothing in `tmp`/cache. The
    names gazetteer (de-identification's data) is the suite's own, copied in: building it there again (~10 s) would
    run the same code as the suite's first ingest on a fresh machine."""
    from psyllm.ingest.names import cache_path, gazetteer

    gazetteer()  # built in the suite's cache if no test has yet
    (tmp / "cache").mkdir(parents=True, exist_ok=True)
    shutil.copy(cache_path(), tmp / "cache" / cache_path().name)
    env = {**os.environ, "PSYLLM_CACHE": str(tmp / "cache")}
    uri = f"sqlite:///{tmp}/mlflow.db"
    started = time.time()
    proc = subprocess.run(["make", "-s", "demo", "DEMO_CONFIG=conf/offline.yaml", f"DEMO_OUT={out}",
                           f"DEMO_ARGS=tracking.tracking_uri={uri}"], cwd=REPO, capture_output=True, text=True,
                          timeout=1500, env=env)
    assert proc.returncode == 0, (proc.stdout[-3000:], proc.stderr[-3000:])
    return DemoRun(out, uri, proc.stdout, proc.stderr, time.time() - started)


@pytest.fixture(scope="session")
def offline_demo(tmp_path_factory) -> DemoRun:
    """One offline pipeline run (ingest -> ... -> evaluate on psyllm-tiny) for the session: the README test checks
    it and reruns it, and tests that only read a stage's output read it here instead of running the stage again."""
    tmp = tmp_path_factory.mktemp("offline-demo")
    return run_offline_demo(tmp, tmp / "demo")

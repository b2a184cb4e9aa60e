"""`make demo` on a machine without Hub access: one line says so, and the same pipeline runs on psyllm-tiny."""
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_make_demo_falls_back_to_psyllm_tiny_without_the_hub():
    env = dict(os.environ, HF_HUB_OFFLINE="1", HF_HOME=str(REPO / ".cache" / "empty-hf-home"))
    out = subprocess.run(["make", "-s", "demo", "DEMO_ARGS=--print-config"], cwd=REPO, env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.splitlines()
    assert lines[0].startswith("make demo: no Hugging Face Hub access") and "psyllm-tiny" in lines[0]
    assert "run -c conf/offline.yaml" in lines[1] and "experiment: psyllm-offline" in out.stdout
    assert "Traceback" not in out.stdout + out.stderr


def test_hub_check_names_the_model_it_cannot_fetch():
    env = dict(os.environ, HF_HUB_OFFLINE="1", HF_HOME=str(REPO / ".cache" / "empty-hf-home"))
    out = subprocess.run([sys.executable, "-m", "psyllm.models.hub", "-c", "conf/demo.yaml"],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 1 and out.stderr.strip().splitlines() == [
        "cannot fetch Qwen/Qwen3-0.6B: not in the local Hugging Face cache and the Hub is unreachable"]

"""The GPU check on a real GPU (Qwen3-0.6B and a Qwen3-8B-shaped model, random weights, bf16): run where a CUDA
device is present; its CPU twin is tests/integration/test_gpu_check.py."""
import subprocess
import sys
from pathlib import Path

import pytest
import torch

pytestmark = [pytest.mark.gpu, pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")]
REPO = Path(__file__).resolve().parents[2]


def test_gpu_check_runs_every_check_on_the_gpu():
    proc = subprocess.run([sys.executable, "bench/gpu_check.py"], cwd=REPO, capture_output=True, text=True, timeout=1500)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "SFT qwen3-0.6b trained tok/s" in proc.stdout and "serve p99 ms" in proc.stdout

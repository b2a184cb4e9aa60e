"""bench/gpu_check.py --tiny: the GPU check's CPU twin, so the script cannot rot between GPU sessions. It runs every
check (Ray Train + ZeRO-3 vs a plain loop, Ray Data + vLLM vs raw vLLM, Serve vs the engine direct) and prints a
table of measured figures; the GPU run (`python bench/gpu_check.py`) is tests/gpu/test_gpu_check.py."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]


def test_gpu_check_tiny_prints_a_table_of_measured_ratios():
    # Fewer steps and requests than --tiny's defaults: the test checks that every check runs and reports, and
    # the default --tiny figures are what bench/ records.
    small = ["--steps", "3", "--dialogues", "24", "--prompts", "8", "--requests", "16", "--concurrency", "4"]
    proc = subprocess.run([sys.executable, "bench/gpu_check.py", "--tiny", *small], cwd=REPO, capture_output=True,
                          text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    table = proc.stdout[proc.stdout.index("check "):]
    rows = {m.group(1).strip(): float(m.group(2)) for m in re.finditer(r"^(\S.*?)\s+\S+(?: \(\S+\))?\s+\S+(?: \(\S+\))?"
                                                                       r"\s+(\d+\.\d\d)$", table, re.M)}
    assert set(rows) == {"SFT tiny trained tok/s (MFU)", "synthesis out tok/s", "serve p50 ms (hf)",
                         "serve p99 ms (hf)", "serve req/s (hf)"}, table
    assert all(v > 0 for v in rows.values()), rows

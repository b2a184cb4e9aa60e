"""Peak memory of a benchmark's worker subprocess: the driver (that process) and everything it started (Ray's
processes), sampled every 50 ms. The driver's USS (unique set size) leaves out the shared pages of Ray's object
store that reading a block maps into it, which RSS counts."""
from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]


def run_sampled(cmd: list[str]) -> dict:
    """Run `cmd` (which prints one JSON object as its last line); return that object with seconds, driver_mib,
    driver_uss_mib and total_mib."""
    env = dict(os.environ, RAY_AUTH_MODE="disabled", PYTHONPATH=str(REPO))
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    parent, driver_peak, driver_uss, total_peak = psutil.Process(proc.pid), 0, 0, 0
    while proc.poll() is None:
        try:
            driver_peak = max(driver_peak, parent.memory_info().rss)
            driver_uss = max(driver_uss, parent.memory_full_info().uss)
            procs = [parent, *parent.children(recursive=True)]
            total_peak = max(total_peak, sum(p.memory_info().rss for p in procs if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.05)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[1:4]} failed with {proc.returncode}")
    result = json.loads(proc.stdout.read().strip().splitlines()[-1])
    return dict(result, seconds=time.perf_counter() - start, driver_mib=driver_peak / 2**20,
                driver_uss_mib=driver_uss / 2**20, total_mib=total_peak / 2**20)

"""The README's main command works as written (the test command is what CI itself runs)."""
import re
import subprocess
from pathlib import Path

import pytest

from psyllm.io.manifest import read_manifest

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]


def test_readme_names_exactly_the_two_make_targets():
    block = re.search(r"## Two commands\n\n```bash\n(.*?)```", (REPO / "README.md").read_text(), re.S).group(1)
    assert [line.split()[:2] for line in block.strip().splitlines()] == [["make", "demo"], ["make", "test"]]


def test_make_demo_runs_ingest_on_the_sample_posts(tmp_path):
    out = tmp_path / "demo"
    args = f"DEMO_ARGS=tracking.tracking_uri=sqlite:///{tmp_path}/mlflow.db"
    proc = subprocess.run(["make", "-s", "demo", f"DEMO_OUT={out}", args], cwd=REPO, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "ingest: done" in proc.stdout
    m = read_manifest(str(out / "ingest"))
    assert m["complete"] and m["counts"]["read"] == 50 and m["counts"]["by_risk_level"]["imminent"] >= 1
    assert (tmp_path / "mlflow.db").exists()

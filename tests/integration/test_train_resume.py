"""A rerun of a failed train run resumes from <output>/ray: prepare_output keeps it (the train stage's WRITES and
RESUMABLE), and Ray Train, given the same storage_path and name as psyllm/runtime/train.py gives it, hands the
loop the latest checkpoint. Another fingerprint starts from scratch. A trivial loop stands in for the DeepSpeed
one (tests/integration/test_train.py runs that, ~3 min): what is tested is the rerun, not the training."""
import json
import os
import tempfile

import pytest

from psyllm.io.manifest import prepare_output
from psyllm.runtime.train import RESUMABLE, WRITES

pytestmark = pytest.mark.integration


def _loop(config: dict) -> None:
    import ray.train

    start = 0
    checkpoint = ray.train.get_checkpoint()
    if checkpoint:
        with checkpoint.as_directory() as d, open(os.path.join(d, "state.json")) as fh:
            start = json.load(fh)["step"]
    for step in range(start + 1, 5):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "state.json"), "w") as fh:
                json.dump({"step": step}, fh)
            ray.train.report({"step": step, "resumed_from": start}, checkpoint=ray.train.Checkpoint.from_directory(d))
        if step == config["fail_at"]:
            raise RuntimeError("injected failure")


def _fit(out: str, fp: str, fail_at: int):
    from ray.train import RunConfig, ScalingConfig
    from ray.train.torch import TorchTrainer

    prepare_output(out, fp, False, writes=WRITES, keep=RESUMABLE)
    trainer = TorchTrainer(_loop, train_loop_config={"fail_at": fail_at},
                           scaling_config=ScalingConfig(num_workers=1, resources_per_worker={"CPU": 1}),
                           run_config=RunConfig(storage_path=os.path.join(out, "ray"), name="train"))
    return trainer.fit()


def test_a_rerun_resumes_from_the_kept_checkpoint(ray_local, tmp_path):
    out = str(tmp_path / "train")
    with pytest.raises(Exception, match="injected failure"):
        _fit(out, "fp", fail_at=2)
    os.makedirs(f"{out}/model")
    open(f"{out}/model/config.json", "w").write("{}")  # a half-exported model is not kept
    result = _fit(out, "fp", fail_at=0)
    assert result.metrics == {"step": 4, "resumed_from": 2}
    assert not os.path.exists(f"{out}/model/config.json")
    # Another config over fp's checkpoints: its own run from step 1, nothing of fp's kept.
    assert _fit(out, "fp2", fail_at=0).metrics == {"step": 4, "resumed_from": 0}

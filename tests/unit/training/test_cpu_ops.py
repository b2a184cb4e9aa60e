"""make install compiles DeepSpeed's CPU collectives op (psyllm.training.engine.build_cpu_ops) so that no training
run compiles it; run again it finds the build in TORCH_EXTENSIONS_DIR."""
import os
from pathlib import Path

import pytest
import torch

from psyllm.training.engine import build_cpu_ops


@pytest.mark.skipif(torch.cuda.is_available(), reason="the op is DeepSpeed's CPU path")
def test_the_cpu_collectives_op_is_built_where_training_loads_it():
    assert build_cpu_ops() == ["deepspeed.ops.comm.deepspeed_shm_comm_op"]
    if os.environ.get("TORCH_EXTENSIONS_DIR"):  # make's setting, which the training workers read too
        assert (Path(os.environ["TORCH_EXTENSIONS_DIR"]) / "deepspeed_shm_comm" / "deepspeed_shm_comm.so").exists()

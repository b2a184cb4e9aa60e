"""The Serve config file for `serve deploy` / RayService is valid for Ray and points at things that exist."""
from pathlib import Path

import yaml

from psyllm.config import load_config

REPO = Path(__file__).resolve().parents[3]


def test_serve_config_validates_and_resolves():
    from ray.serve.schema import ServeDeploySchema

    raw = yaml.safe_load((REPO / "cluster" / "serve_config.yaml").read_text())
    schema = ServeDeploySchema.model_validate(raw) if hasattr(ServeDeploySchema, "model_validate") else ServeDeploySchema.parse_obj(raw)
    app = schema.applications[0]
    module, _, attr = app.import_path.partition(":")
    assert (REPO / (module.replace(".", "/") + ".py")).exists()
    import importlib

    assert callable(getattr(importlib.import_module(module), attr))
    cfg = load_config(str(REPO / app.args["config"]), app.args["overrides"])
    assert cfg.serve.counselor.engine.kind == "vllm" and cfg.serve.host == "0.0.0.0"

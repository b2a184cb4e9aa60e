"""cluster/ and jobs/: every KubeRay manifest validates against the CRD schemas (unknown keys rejected too),
the Ray launcher YAML against Ray's schema, and every entrypoint, config and path they name exists."""
import functools
import gzip
import json
import re
import shlex
from pathlib import Path

import jsonschema
import pytest
import yaml

from psyllm.cli import STAGES
from psyllm.config import load_config

REPO = Path(__file__).resolve().parents[2]
CRDS = REPO / "tests" / "fixtures" / "kuberay-crds"
MANIFESTS = sorted((REPO / "cluster" / "kuberay").glob("*.yaml"))
JOBS = sorted((REPO / "jobs").glob("*.py"))


@functools.lru_cache(maxsize=None)
def _schema(kind: str) -> dict:
    name = {"RayCluster": "rayclusters", "RayJob": "rayjobs", "RayService": "rayservices"}[kind]
    crd = yaml.load(gzip.open(CRDS / f"ray.io_{name}.yaml.gz").read(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return next(v for v in crd["spec"]["versions"] if v["name"] == "v1")["schema"]["openAPIV3Schema"]


def unknown_keys(obj, schema: dict, path: str = "") -> list[str]:
    """Keys the schema does not define (the CRDs do not set additionalProperties: false themselves)."""
    if schema.get("x-kubernetes-preserve-unknown-fields"):
        return []
    if isinstance(obj, dict):
        if "properties" in schema:
            return [bad for key, value in obj.items()
                    for bad in ([f"{path}.{key}"] if key not in schema["properties"]
                                else unknown_keys(value, schema["properties"][key], f"{path}.{key}"))]
        if isinstance(schema.get("additionalProperties"), dict):
            return [bad for key, value in obj.items() for bad in unknown_keys(value, schema["additionalProperties"], f"{path}.{key}")]
        return []
    if isinstance(obj, list) and isinstance(schema.get("items"), dict):
        return [bad for i, item in enumerate(obj) for bad in unknown_keys(item, schema["items"], f"{path}[{i}]")]
    return []


def test_the_validator_catches_a_misspelled_field():
    schema = _schema("RayJob")
    assert unknown_keys({"spec": {"entrypoint": "x", "shutdownAfterJobFinish": True}}, schema) == [".spec.shutdownAfterJobFinish"]


def test_there_is_a_cluster_a_service_and_a_job_per_stage():
    kinds = {p.name: yaml.safe_load(p.read_text())["kind"] for p in MANIFESTS}
    assert kinds["raycluster.yaml"] == "RayCluster" and kinds["rayservice.yaml"] == "RayService"
    assert {f"rayjob-{s}.yaml" for s in STAGES} | {"rayjob-pipeline.yaml"} <= {n for n, k in kinds.items() if k == "RayJob"}


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_manifest_validates_against_its_crd(path):
    manifest = yaml.safe_load(path.read_text())
    assert manifest["apiVersion"] == "ray.io/v1"
    schema = _schema(manifest["kind"])
    jsonschema.Draft7Validator(schema).validate(manifest)  # the CRD schema itself is trusted: not re-checked
    assert unknown_keys(manifest, schema) == []


def _check_cluster(spec: dict) -> None:
    assert spec["enableInTreeAutoscaling"] is True
    gpu = [g for g in spec["workerGroupSpecs"] if "nvidia.com/gpu" in g["template"]["spec"]["containers"][0]["resources"]["limits"]]
    assert gpu and gpu[0]["maxReplicas"] > gpu[0]["minReplicas"]  # an autoscaling GPU group


def _check_entrypoint(entrypoint: str) -> None:
    args = shlex.split(entrypoint)
    assert args[0] == "python" and (REPO / args[1]).is_file(), entrypoint
    assert (REPO / args[args.index("-c") + 1]).is_file(), entrypoint
    load_config(str(REPO / args[args.index("-c") + 1]))


def _check_runtime_env(text: str) -> None:
    env = yaml.safe_load(text)
    packages = env["pip"]["packages"] if isinstance(env["pip"], dict) else env["pip"]
    assert "vllm==0.29.0" in packages and "transformers>=5.16.1,<5.20" in packages  # the pyproject pins


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_manifest_names_only_things_that_exist(path):
    m = yaml.safe_load(path.read_text())
    spec = m["spec"]
    if m["kind"] == "RayCluster":
        _check_cluster(spec)
    elif m["kind"] == "RayJob":
        _check_entrypoint(spec["entrypoint"])
        _check_runtime_env(spec["runtimeEnvYAML"])
        assert "rayClusterSpec" in spec or spec["clusterSelector"]["ray.io/cluster"] == "psyllm"
        if "rayClusterSpec" in spec:
            _check_cluster(spec["rayClusterSpec"])
    else:
        _check_cluster(spec["rayClusterConfig"])
        [app] = yaml.safe_load(spec["serveConfigV2"])["applications"]
        module, attr = app["import_path"].split(":")
        assert (REPO / (module.replace(".", "/") + ".py")).is_file()
        cfg = load_config(str(REPO / app["args"]["config"]), app["args"]["overrides"])
        assert cfg.serve.counselor.autoscaling.max_replicas > cfg.serve.counselor.autoscaling.min_replicas
        _check_runtime_env(json.dumps(app["runtime_env"]))


def test_ray_launcher_config_validates():
    import ray

    schema = json.loads((Path(ray.__file__).parent / "autoscaler" / "ray-schema.json").read_text())
    cfg = yaml.safe_load((REPO / "cluster" / "ray-cluster.yaml").read_text())
    jsonschema.validate(cfg, schema)
    gpu = cfg["available_node_types"]["gpu_worker"]
    assert gpu["resources"]["GPU"] > 0 and gpu["max_workers"] > gpu["min_workers"]
    _check_runtime_env((REPO / "cluster" / "runtime_env.yaml").read_text())


@pytest.mark.parametrize("path", JOBS, ids=lambda p: p.name)
def test_job_entrypoints_are_thin_and_document_their_submit_command(path):
    text = path.read_text()
    stage = "run" if path.stem == "pipeline" else path.stem
    assert stage == "run" or stage in STAGES
    assert f'main(["{stage}", *sys.argv[1:]])' in text
    doc = text.split('"""')[1]
    command = " ".join(doc.replace("\\\n", " ").split())
    assert "ray job submit" in command and "--working-dir ." in command and "--runtime-env cluster/runtime_env.yaml" in command
    _check_entrypoint(command.split(" -- ", 1)[1])
    assert (REPO / "cluster" / "kuberay" / f"rayjob-{path.stem}.yaml").is_file()


def _project_requirements() -> dict[str, str]:
    import tomllib

    from packaging.requirements import Requirement

    deps = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    return {Requirement(d).name.lower(): d for d in deps}


@pytest.mark.parametrize("path", [*sorted((REPO / "cluster" / "kuberay").glob("rayjob-*.yaml")),
                                  REPO / "cluster" / "runtime_env.yaml", REPO / "cluster" / "ray-cluster.yaml"],
                         ids=lambda p: p.name)
def test_job_environments_install_every_project_dependency(path):
    """A job's runtime_env (or the launcher's setup) installs what `pip install psyllm` would: a dependency added
    to pyproject.toml and forgotten here fails on the cluster at import time, not here."""
    from packaging.requirements import Requirement

    text = path.read_text()
    # The images bring Ray; pandas, fsspec, tqdm, jinja2, fastapi, matplotlib and pyyaml come with Ray or its deps.
    provided = {"ray", "pandas", "fsspec", "tqdm", "jinja2", "fastapi", "matplotlib", "pyyaml"}
    listed = set()
    for token in re.findall(r"""["']?([A-Za-z0-9_.\-\[\]]+(?:[=<>!~]=?[^"',\s\]]+(?:,[<>=!~]=?[^"',\s\]]+)*)?)["']?""", text):
        try:
            listed.add(Requirement(token).name.lower())
        except Exception:
            continue
    missing = sorted(set(_project_requirements()) - provided - listed)
    assert not missing, f"{path.name} does not install {missing}"

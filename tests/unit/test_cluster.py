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

from psyllm.stages import COMMANDS
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
    assert {f"rayjob-{s}.yaml" for s in COMMANDS} | {"rayjob-pipeline.yaml"} <= {n for n, k in kinds.items() if k == "RayJob"}


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
    assert stage == "run" or stage in COMMANDS
    assert f'main(["{stage}", *sys.argv[1:]])' in text
    doc = text.split('"""')[1]
    command = " ".join(doc.replace("\\\n", " ").split())
    assert "ray job submit" in command and "--working-dir ." in command and "--runtime-env cluster/runtime_env.yaml" in command
    _check_entrypoint(command.split(" -- ", 1)[1])
    assert (REPO / "cluster" / "kuberay" / f"rayjob-{path.stem}.yaml").is_file()


def test_every_stage_in_the_table_has_its_job_and_nothing_else_does():
    assert {p.stem for p in JOBS} == {*COMMANDS, "pipeline"}


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


# Security (docs/security.md): asserted on the parsed manifests, so a manifest edit that drops one fails here.
K8S = sorted((REPO / "cluster" / "k8s").glob("*.yaml"))
RAY_PORTS = {"gcs": 6379, "dashboard": 8265, "client": 10001, "serve": 8000, "metrics": 8080}


def _docs(path: Path) -> list[dict]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def _all_objects() -> list[tuple[str, dict]]:
    return [(p.name, d) for p in [*MANIFESTS, *K8S] for d in _docs(p)]


def _cluster_specs(m: dict) -> list[dict]:
    key = {"RayCluster": None, "RayJob": "rayClusterSpec", "RayService": "rayClusterConfig"}[m["kind"]]
    return [m["spec"]] if key is None else [m["spec"][key]] if key in m["spec"] else []


def _pod_specs(m: dict) -> list[dict]:
    """Every pod template a manifest makes: Ray head and workers, the RayJob submitter, Deployments."""
    pods = []
    for c in _cluster_specs(m) if m["apiVersion"] == "ray.io/v1" else []:
        pods += [c["headGroupSpec"]["template"]["spec"], *(g["template"]["spec"] for g in c["workerGroupSpecs"])]
    if m["kind"] == "RayJob" and "submitterPodTemplate" in m["spec"]:
        pods.append(m["spec"]["submitterPodTemplate"]["spec"])
    if m["kind"] == "Deployment":
        pods.append(m["spec"]["template"]["spec"])
    return pods


def _env_names(container: dict) -> set[str]:
    return {e["name"] for e in container.get("env", [])}


def test_every_ray_cluster_has_token_auth_from_a_secret():
    specs = [(n, c) for n, m in _all_objects() if m["apiVersion"] == "ray.io/v1" for c in _cluster_specs(m)]
    assert {n for n, _ in specs} >= {"raycluster.yaml", "rayservice.yaml", "rayjob-pipeline.yaml"}
    for name, c in specs:
        assert c["authOptions"] == {"mode": "token", "secretName": "psyllm-ray-auth"}, name
        assert c["headGroupSpec"].get("serviceType") == "ClusterIP", name  # head and Serve Services stay internal


@pytest.mark.parametrize("path", sorted((REPO / "cluster" / "kuberay").glob("rayjob-*.yaml")), ids=lambda p: p.name)
def test_every_rayjob_submitter_presents_the_token(path):
    m = yaml.safe_load(path.read_text())
    if "clusterSelector" in m["spec"]:  # the shared cluster it submits to has the same token
        shared = yaml.safe_load((REPO / "cluster" / "kuberay" / "raycluster.yaml").read_text())
        assert shared["metadata"]["name"] == m["spec"]["clusterSelector"]["ray.io/cluster"]
    [submitter] = m["spec"]["submitterPodTemplate"]["spec"]["containers"]
    env = {e["name"]: e for e in submitter["env"]}
    assert env["RAY_AUTH_MODE"]["value"] == "token"
    assert env["RAY_AUTH_TOKEN"]["valueFrom"]["secretKeyRef"] == {"name": "psyllm-ray-auth", "key": "auth_token"}
    assert m["spec"]["submitterPodTemplate"]["metadata"]["labels"]["psyllm.role"] == "submitter"  # the NetworkPolicy's


def test_auth_is_disabled_nowhere_in_cluster_or_the_package():
    texts = {p: p.read_text() for p in [*(REPO / "cluster").rglob("*.yaml"), *(REPO / "psyllm").rglob("*.py"),
                                        *JOBS, REPO / "Makefile"]}
    assert len(texts) > 30
    pattern = re.compile(r"RAY_AUTH_MODE\W{0,6}disabled|mode:\s*disabled", re.I)
    assert [str(p.relative_to(REPO)) for p, t in texts.items() if pattern.search(t)] == []
    launcher = yaml.safe_load((REPO / "cluster" / "ray-cluster.yaml").read_text())
    for cmd in [c for c in launcher["head_start_ray_commands"] + launcher["worker_start_ray_commands"] if "ray start" in c]:
        assert "RAY_AUTH_MODE=token" in cmd and "RAY_AUTH_TOKEN_PATH=" in cmd, cmd


def _sources(rule: dict) -> list[str]:
    out = []
    for peer in rule["from"]:
        assert "ipBlock" not in peer and peer, peer  # no CIDR and no empty peer (= everything)
        for key in ("namespaceSelector", "podSelector"):
            if key in peer:
                assert peer[key].get("matchLabels"), peer  # `{}` selects every namespace / pod
        out.append(json.dumps(peer, sort_keys=True))
    return out


def test_network_policy_admits_only_named_peers_to_each_ray_port():
    [policy] = [d for d in _docs(REPO / "cluster" / "k8s" / "networkpolicy.yaml") if d["metadata"]["name"] == "psyllm-ray"]
    assert policy["kind"] == "NetworkPolicy" and policy["spec"]["policyTypes"] == ["Ingress"]
    assert policy["spec"]["podSelector"]["matchLabels"] == {"psyllm.role": "ray"}
    admitted = {port: set() for port in RAY_PORTS.values()}
    for rule in policy["spec"]["ingress"]:
        ports = [p["port"] for p in rule.get("ports", [])] or list(admitted)  # no ports: every port
        for port in ports:
            admitted.setdefault(port, set()).update(_sources(rule))
    ray = json.dumps({"podSelector": {"matchLabels": {"psyllm.role": "ray"}}}, sort_keys=True)
    submitter = json.dumps({"podSelector": {"matchLabels": {"psyllm.role": "submitter"}}}, sort_keys=True)
    assert admitted[RAY_PORTS["gcs"]] == admitted[RAY_PORTS["client"]] == {ray}
    assert ray in admitted[RAY_PORTS["dashboard"]] and submitter in admitted[RAY_PORTS["dashboard"]]
    assert len(admitted[RAY_PORTS["dashboard"]]) == 3  # + the KubeRay operator
    assert len(admitted[RAY_PORTS["serve"]]) == 3 and len(admitted[RAY_PORTS["metrics"]]) == 2
    # Every pod the Ray manifests make carries a label the policy knows.
    for name, m in _all_objects():
        if m["apiVersion"] == "ray.io/v1":
            for c in _cluster_specs(m):
                for t in [c["headGroupSpec"]["template"], *(g["template"] for g in c["workerGroupSpecs"])]:
                    assert t["metadata"]["labels"]["psyllm.role"] == "ray", name


def test_every_container_runs_unprivileged():
    containers = []
    for name, m in _all_objects():
        for pod in _pod_specs(m):
            assert pod["securityContext"]["runAsNonRoot"] is True, name
            assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, name
            mounts = {v["name"]: v for v in pod.get("volumes", [])}
            for c in pod["containers"]:
                containers.append(c["name"])
                sc = c["securityContext"]
                assert sc["runAsNonRoot"] is True and sc["allowPrivilegeEscalation"] is False, (name, c["name"])
                assert sc["capabilities"] == {"drop": ["ALL"]}, (name, c["name"])
                assert sc["readOnlyRootFilesystem"] is True, (name, c["name"])
                tmp = [v for v in c["volumeMounts"] if v["mountPath"] == "/tmp"]
                assert tmp and "emptyDir" in mounts[tmp[0]["name"]], (name, c["name"])  # the writable scratch
        for c in _cluster_specs(m) if m["apiVersion"] == "ray.io/v1" else []:
            assert c["autoscalerOptions"]["securityContext"]["allowPrivilegeEscalation"] is False, name
    assert {"ray-head", "ray-worker", "ray-job-submitter", "mlflow"} <= set(containers)


def test_images_are_pinned_to_a_version():
    images = [c["image"] for _, m in _all_objects() for pod in _pod_specs(m) for c in pod["containers"]]
    images.append(yaml.safe_load((REPO / "cluster" / "ray-cluster.yaml").read_text())["docker"]["image"])
    assert len(images) > 10
    for image in images:
        assert re.search(r"(:v?\d+\.\d+\.\d+[\w.-]*|@sha256:[0-9a-f]{64})$", image), image
    assert {i for i in images if i.startswith("rayproject/ray:")} == {"rayproject/ray:2.60.0-py311-cu128"}  # rayVersion


def test_s3_comes_from_a_workload_identity_not_static_keys():
    for path in [*(REPO / "cluster").rglob("*.yaml")]:
        assert not re.search(r"AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN)|aws-(access|secret)", path.read_text()), path
    accounts = {d["metadata"]["name"]: d for d in _docs(REPO / "cluster" / "k8s" / "serviceaccount.yaml")}
    for sa in accounts.values():
        assert sa["kind"] == "ServiceAccount"
        assert re.fullmatch(r"arn:aws:iam::\w+:role/[\w-]+", sa["metadata"]["annotations"]["eks.amazonaws.com/role-arn"])
    for name, m in _all_objects():
        for pod in _pod_specs(m):
            if pod["containers"][0]["name"] != "ray-job-submitter":  # the submitter touches no data
                assert pod["serviceAccountName"] in accounts, name


def test_mlflow_requires_a_login_and_the_stages_have_one():
    objs = {(d["kind"], d["metadata"]["name"]): d for d in _docs(REPO / "cluster" / "k8s" / "mlflow.yaml")}
    [c] = objs["Deployment", "mlflow"]["spec"]["template"]["spec"]["containers"]
    assert c["args"][:4] == ["mlflow", "server", "--app-name", "basic-auth"]
    env = {e["name"]: e for e in c["env"]}
    for var in ("MLFLOW_AUTH_ADMIN_PASSWORD", "MLFLOW_FLASK_SERVER_SECRET_KEY"):
        assert env[var]["valueFrom"]["secretKeyRef"]["name"] == "psyllm-mlflow", var
    ini = objs["ConfigMap", "psyllm-mlflow-auth"]["data"]["basic_auth.ini"]
    assert "admin_password" not in ini and "default_permission = NO_PERMISSIONS" in ini
    assert objs["Service", "mlflow"]["spec"]["type"] == "ClusterIP"
    assert load_config(str(REPO / "conf" / "cluster" / "gpu.yaml")).tracking.tracking_uri.startswith("http://mlflow.")
    for name, m in _all_objects():
        if m["apiVersion"] == "ray.io/v1":
            for c in _cluster_specs(m):
                for pod in [c["headGroupSpec"]["template"]["spec"], *(g["template"]["spec"] for g in c["workerGroupSpecs"])]:
                    assert {"MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD"} <= _env_names(pod["containers"][0]), name


def test_judge_and_counselor_are_internal_and_keyed():
    for name, m in _all_objects():
        if m["kind"] == "Service":
            assert m["spec"].get("type", "ClusterIP") == "ClusterIP", name
        assert m.get("spec", {}).get("serveService", {}).get("spec", {}).get("type", "ClusterIP") == "ClusterIP", name
    service = yaml.safe_load((REPO / "cluster" / "kuberay" / "rayservice.yaml").read_text())
    [app] = yaml.safe_load(service["spec"]["serveConfigV2"])["applications"]
    cfg = load_config(str(REPO / app["args"]["config"]), app["args"]["overrides"])
    assert cfg.serve.judge_enabled  # the judge is served behind the same gateway, so behind the same bearer key
    head = service["spec"]["rayClusterConfig"]["headGroupSpec"]["template"]["spec"]["containers"][0]
    [key] = [e for e in head["env"] if e["name"] == cfg.serve.api_key_env]
    assert key["valueFrom"]["secretKeyRef"]["name"] == "psyllm-secrets"

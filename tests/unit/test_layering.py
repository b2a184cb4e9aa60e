"""Heavy frameworks stay in their adapters: ray in runtime/, deepspeed in the training engine, vllm in its engine,
mlflow in tracking/."""
import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[2] / "psyllm"
ALLOWED = {
    "ray": ("runtime/",),
    "deepspeed": ("training/engine.py", "runtime/"),
    "vllm": ("engines/vllm_engine.py", "runtime/"),
    "mlflow": ("tracking/",),
}


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_frameworks_are_imported_only_where_allowed():
    offenders = []
    for path in PKG.rglob("*.py"):
        rel = path.relative_to(PKG).as_posix()
        for framework in _imports(path) & ALLOWED.keys():
            if not rel.startswith(ALLOWED[framework]):
                offenders.append(f"{rel} imports {framework}")
    assert not offenders, offenders


def test_no_grab_bag_modules():
    assert not [p for p in PKG.rglob("*.py") if p.stem in {"utils", "helpers", "misc", "common"}]

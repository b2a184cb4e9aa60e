"""The import structure: heavy frameworks stay in their adapters (ray in runtime/, deepspeed in training/, vllm in
engines/, mlflow in tracking/); imports between psyllm's packages go one way (foundation <- core <- runtime <- cli);
no two modules import each other, directly or around a loop, counting imports inside functions."""
import ast
from collections import defaultdict
from pathlib import Path

PKG = Path(__file__).resolve().parents[2] / "psyllm"
ALLOWED = {
    "ray": ("runtime/",),
    "deepspeed": ("training/",),
    "vllm": ("engines/",),
    "mlflow": ("tracking/",),
}
# Packages (or top-level modules) that import only among themselves: the shared vocabulary of every stage.
FOUNDATION = {"stages", "records", "config", "text", "clinical", "__init__"}
# Who may import the orchestration layers: runtime/ (Ray) is driven by the CLI and by itself; nothing imports cli.
ORCHESTRATION = {"runtime": {"runtime", "cli"}, "cli": set(), "preflight": {"runtime", "cli", "preflight"},
                 "stage_runner": {"runtime", "cli"}}


def _modules() -> dict[str, Path]:
    out = {}
    for path in PKG.rglob("*.py"):
        parts = ["psyllm", *path.relative_to(PKG).with_suffix("").parts]
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.update(f"{node.module}.{a.name}" for a in node.names)
            names.add(node.module)
    return names


def _graph() -> dict[str, set[str]]:
    """psyllm module -> the psyllm modules it imports (`from pkg import submodule` counts as the submodule; a
    module's own parent packages, which Python imports first anyway, do not count)."""
    modules, graph = _modules(), defaultdict(set)
    for name, path in modules.items():
        targets = {n for n in _imports(path) if n in modules}
        for t in targets:
            if any(other.startswith(t + ".") for other in targets) or name.startswith(t + ".") or t == name:
                continue  # the package half of `from pkg import submodule`, or an ancestor
            graph[name].add(t)
    return graph


def _top(module: str) -> str:
    return module.split(".")[1] if module.count(".") else "__init__"


def test_frameworks_are_imported_only_where_allowed():
    offenders = []
    for path in PKG.rglob("*.py"):
        rel = path.relative_to(PKG).as_posix()
        for framework in {n.split(".")[0] for n in _imports(path)} & ALLOWED.keys():
            if not rel.startswith(ALLOWED[framework]):
                offenders.append(f"{rel} imports {framework}")
    assert not offenders, offenders


def test_no_import_cycles():
    graph, state, cycles = _graph(), {}, []

    def visit(node, trail):
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(trail[trail.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = "done"

    for module in sorted(_modules()):
        if module not in state:
            visit(module, [module])
    assert not cycles, cycles


def test_imports_between_packages_go_one_way():
    offenders = []
    for module, targets in _graph().items():
        src = _top(module)
        for target in targets:
            dst = _top(target)
            if src in FOUNDATION and dst not in FOUNDATION:
                offenders.append(f"{module} (foundation) imports {target}")
            if dst in ORCHESTRATION and src != dst and src not in ORCHESTRATION[dst]:
                offenders.append(f"{module} imports the orchestration module {target}")
    assert not offenders, offenders


def test_the_rules_see_real_edges():
    """The checks above are only as good as the graph: it must hold edges known to exist."""
    graph = _graph()
    assert "psyllm.stages" in graph["psyllm.config.choices"]
    assert "psyllm.safety.classifier" in graph["psyllm.safety.assess"]
    assert "psyllm.stage_runner" in graph["psyllm.cli"]  # an import inside a function counts


def test_no_grab_bag_modules():
    assert not [p for p in PKG.rglob("*.py") if p.stem in {"utils", "helpers", "misc", "common"}]

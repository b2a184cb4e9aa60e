"""The docs say what the code does: every config key they name exists in the schema, every `psyllm` command in
their bash blocks parses with the real CLI, every relative link lands on a file (and heading), every doc is
linked from the README, and nothing points outside the repository (a clone has only the repo)."""
import re
from dataclasses import fields, is_dataclass
from pathlib import Path

import pytest

from psyllm.cli import _parser
from psyllm.config.schema import PsyllmConfig

REPO = Path(__file__).resolve().parents[2]
DOCS = sorted((REPO / "docs").glob("*.md"))
PAGES = [REPO / "README.md", *DOCS]
# Pages whose config keys and commands are the reference: each key and command in them must exist.
REFERENCE = [REPO / "README.md", REPO / "docs" / "stages.md", REPO / "docs" / "cluster.md"]


def _config_paths(obj, prefix: str = "") -> set[str]:
    """Every dotted path of the config tree, sections included (a dict field such as `resources` is a leaf)."""
    paths = set()
    for f in fields(obj):
        path = prefix + f.name
        paths.add(path)
        value = getattr(obj, f.name)
        if is_dataclass(value):
            paths |= _config_paths(value, path + ".")
    return paths


CONFIG_PATHS = _config_paths(PsyllmConfig())
SECTIONS = {p for p in CONFIG_PATHS if "." not in p}


def _named_keys(text: str) -> set[str]:
    """Dotted names inside backticks that start with a config section (`ingest.dedup.threshold=0.8` -> the key)."""
    keys = set()
    for code in re.findall(r"`([^`\n]+)`", text):
        for key in re.findall(r"(?<![\w./<-])([a-z_]+(?:\.(?:[a-z0-9_]+|<[a-z]+>|\*))+)", code):
            if key.split(".")[0] in SECTIONS and not re.search(r"\.(py|ya?ml|md|json|jsonl|db)$", key):
                keys.add(key)
    return keys


def _key_exists(key: str) -> bool:
    # `<stage>` / `<format>` / `*` stand for any one level of the tree.
    pattern = re.compile("^" + r"\.".join("[^.]+" if part.startswith("<") or part == "*" else re.escape(part)
                                          for part in key.split(".")) + "$")
    return any(pattern.match(p) for p in CONFIG_PATHS)


@pytest.mark.parametrize("page", REFERENCE, ids=lambda p: p.name)
def test_docs_config_keys_exist_in_the_schema(page):
    keys = _named_keys(page.read_text())
    assert keys, f"{page.name} names no config key: the check would prove nothing"
    assert [k for k in sorted(keys) if not _key_exists(k)] == []


def test_docs_key_check_catches_a_key_the_schema_lacks():
    assert _key_exists("ingest.dedup.threshold") and _key_exists("synthesize.<stage>.engine.kind")
    assert not _key_exists("ingest.dedup.treshold") and not _key_exists("train.lora.rank")


def _bash_commands(text: str) -> list[str]:
    blocks = re.findall(r"```bash\n(.*?)```", text, re.S)
    lines = [line.split("  #")[0].strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if line.startswith("psyllm ")]


@pytest.mark.parametrize("page", REFERENCE[:2], ids=lambda p: p.name)
def test_docs_psyllm_commands_parse_with_the_cli(page):
    commands = _bash_commands(page.read_text())
    assert commands, f"{page.name} shows no psyllm command"
    for command in commands:
        args, extra = _parser().parse_known_args(command.split()[1:])  # exits on an unknown command
        assert [e for e in extra if e.startswith("-")] == [], command
        config = getattr(args, "config", None)
        assert config is None or (REPO / config).is_file(), command


def _anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lowercase, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_docs_relative_links_land_on_files_and_headings(page):
    for target in re.findall(r"\]\(([^)\s]+)\)", page.read_text()):
        if re.match(r"[a-z]+:", target):
            continue  # https:, mailto:
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        assert linked.exists(), f"{page.name} links {target}"
        assert REPO in linked.parents or linked == REPO, f"{page.name} links outside the repository: {target}"
        if anchor and linked.suffix == ".md":
            headings = re.findall(r"^#+ (.+)$", linked.read_text(), re.M)
            assert anchor in {_anchor(h) for h in headings}, f"{page.name} links {target}"


def test_docs_readme_links_every_doc_and_nothing_points_outside_the_repo():
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Documentation\n", 1)[1].split("\n## ", 1)[0]
    assert sorted(re.findall(r"\]\(docs/([^)#]+)\)", section)) == sorted(p.name for p in DOCS)
    for page in PAGES:
        assert "../shared" not in page.read_text(), page.name

"""What psyllm wrote into an output folder, so that a rerun clears exactly that and nothing else.

Before a stage writes anything, `prepare_output` leaves the record `.psyllm-output`: the run's fingerprint and the
paths the stage writes, as patterns relative to the output (`posts/part-*.parquet`, `ray/**`). Clearing removes
only the files those patterns (or a finished manifest's shard list) name, plus psyllm's own `.tmp-*` files
beside them, and refuses when anything else is there: a user's notes, the stage's own input, another run.
Everything is listed by prefix and removed by exact path: an output called `runs/exp[12]` is never a glob.
"""
from __future__ import annotations

import json
import os
import posixpath
from fnmatch import fnmatchcase

import fsspec

from psyllm.io.filesystem import is_local, remove_files

MANIFEST = "manifest.json"
MARKER = ".psyllm-output"  # the in-progress record; an unmarked non-empty folder is never cleared
LOGS = "logs/**"  # psyllm's console logs of runs into this folder (psyllm/console.py): kept across reruns
ALWAYS = (MANIFEST, MARKER, LOGS)
TMP = ".tmp-"  # write_bytes_atomic's temporary names: never a finished file


def write_record(fs: fsspec.AbstractFileSystem, path: str, fingerprint: str, writes: tuple[str, ...]) -> None:
    fs.makedirs(path, exist_ok=True)
    with fs.open(posixpath.join(path, MARKER), "w") as fh:
        json.dump({"fingerprint": fingerprint, "writes": list(writes)}, fh, indent=1)


def read_record(fs: fsspec.AbstractFileSystem, path: str) -> dict | None:
    """The record, or None for an unmarked folder. A marker from before records existed holds only the
    fingerprint: its `writes` is None (the caller falls back to the stage's current layout)."""
    target = posixpath.join(path, MARKER)
    if not fs.exists(target):
        return None
    with fs.open(target, "r") as fh:
        text = fh.read()
    try:
        record = json.loads(text)
    except ValueError:
        return {"fingerprint": text.strip(), "writes": None}
    return record if isinstance(record, dict) else {"fingerprint": str(record).strip(), "writes": None}


def matches(rel: str, pattern: str) -> bool:
    """`rel` (a/b/c) matches `pattern`, segment by segment; `**` stands for any number of segments."""
    return _match(rel.split("/"), pattern.split("/"))


def _match(parts: list[str], pats: list[str]) -> bool:
    if not pats:
        return not parts
    if pats[0] == "**":
        return any(_match(parts[i:], pats[1:]) for i in range(len(parts) + 1))
    return bool(parts) and fnmatchcase(parts[0], pats[0]) and _match(parts[1:], pats[1:])


def could_hold(rel_dir: str, pattern: str) -> bool:
    """A folder `rel_dir` may hold files `pattern` names (so the folder itself is psyllm's)."""
    parts, pats = rel_dir.split("/"), pattern.split("/")
    while parts:
        if not pats:
            return False
        if pats[0] == "**":
            return True
        if not fnmatchcase(parts[0], pats[0]):
            return False
        parts, pats = parts[1:], pats[1:]
    return bool(pats)


def listed_files(manifest: dict | None) -> set[str]:
    """Relative paths a manifest lists as written: its shards (`{folder: [{name}]}`; export keys a single file
    by its own path) and, for evaluate, its artifacts (written at the output's top level by name)."""
    out: set[str] = set()
    for key, entries in ((manifest or {}).get("shards") or {}).items():
        for e in entries or []:
            name = e.get("name", "")
            out.add(key if key.rsplit("/", 1)[-1] == name else f"{key.rstrip('/')}/{name}")
    for artifact in (manifest or {}).get("artifacts") or []:
        out.add(str(artifact).rstrip("/").rsplit("/", 1)[-1])
    return out


def survey(fs: fsspec.AbstractFileSystem, path: str, writes: tuple[str, ...],
           listed: set[str]) -> tuple[list[str], list[str]]:
    """(files psyllm wrote, paths it did not) under `path`, relative to it. A folder is psyllm's when its
    patterns could hold it or a written file lies in it; an empty foreign folder is reported too."""
    patterns = ALWAYS + tuple(writes)
    root = path.rstrip("/")
    found = fs.find(root, withdirs=True, detail=True)
    rels = {}
    for name, info in found.items():
        rel = name.rstrip("/")[len(root):].lstrip("/")
        if rel:
            rels[rel] = info.get("type")

    def ours_dir(d: str) -> bool:
        return d == "" or any(could_hold(d, p) for p in patterns) or any(f.startswith(d + "/") for f in listed)

    owned, foreign = [], []
    for rel, kind in sorted(rels.items()):
        folder, base = posixpath.split(rel)
        if kind == "directory":
            if not ours_dir(rel) and not any(r.startswith(rel + "/") for r in rels):
                foreign.append(rel + "/")
        elif rel in listed or any(matches(rel, p) for p in patterns) or (base.startswith(TMP) and ours_dir(folder)):
            owned.append(rel)
        else:
            foreign.append(rel)
    return owned, foreign


def describe(paths: list[str], limit: int = 3) -> str:
    shown = ", ".join(paths[:limit])
    return shown + (f" and {len(paths) - limit} more" if len(paths) > limit else "")


def remove_owned(fs: fsspec.AbstractFileSystem, path: str, rels: list[str], writes: tuple[str, ...]) -> None:
    """Delete these files (the manifest first, so a clear cut short never leaves a 'complete' output with shards
    missing), then, locally, the folders they leave empty that psyllm's patterns name."""
    root = path.rstrip("/")
    ordered = sorted(rels, key=lambda r: r != MANIFEST)
    remove_files(fs, [f"{root}/{r}" for r in ordered])
    if not is_local(fs):
        return  # object stores have no folders to leave behind
    folders = {posixpath.dirname(r) for r in rels} - {""}
    for r in list(folders):
        while (r := posixpath.dirname(r)):
            folders.add(r)
    for rel in sorted(folders, key=lambda r: r.count("/"), reverse=True):
        full = os.path.join(root, rel)
        if any(could_hold(rel, p) for p in writes) and os.path.isdir(full) and not os.listdir(full):
            os.rmdir(full)


def within(inner_uri: str, outer_uri: str) -> bool:
    """`inner_uri` is `outer_uri` or lies under it (same filesystem; local paths resolved, links followed)."""
    inner_proto, inner = fsspec.core.split_protocol(inner_uri)
    outer_proto, outer = fsspec.core.split_protocol(outer_uri)
    local = {None, "file", "local"}
    if (inner_proto in local) != (outer_proto in local):
        return False
    if inner_proto in local:
        inner, outer = os.path.realpath(inner), os.path.realpath(outer)
    elif {inner_proto, outer_proto} - {"s3", "s3a"} and inner_proto != outer_proto:
        return False
    inner, outer = inner.rstrip("/"), outer.rstrip("/")
    return inner == outer or inner.startswith(outer + "/")

"""Resolve local paths and s3:// URIs to an fsspec filesystem plus a path on it."""
from __future__ import annotations

import fnmatch
import os
import shutil
from typing import Any

import fsspec

from psyllm.config.schema import StorageConfig


def is_remote(uri: str) -> bool:
    return "://" in uri and not uri.startswith("file://")


def filesystem(uri: str, storage: StorageConfig | None = None) -> tuple[fsspec.AbstractFileSystem, str]:
    """(fs, path) for `uri`. s3 honours `storage.endpoint_url`, else AWS_ENDPOINT_URL from the env."""
    storage = storage or StorageConfig()
    protocol, path = fsspec.core.split_protocol(uri)
    if protocol in (None, "file"):
        return fsspec.filesystem("file"), os.path.abspath(path)
    kwargs: dict[str, Any] = {}
    if protocol in ("s3", "s3a"):
        protocol = "s3"
        endpoint = storage.endpoint_url or os.environ.get("AWS_ENDPOINT_URL")
        client_kwargs: dict[str, Any] = {}
        if endpoint:
            client_kwargs["endpoint_url"] = endpoint
        if storage.region:
            client_kwargs["region_name"] = storage.region
        kwargs = {"anon": storage.anon, "client_kwargs": client_kwargs, "skip_instance_cache": True}
    return fsspec.filesystem(protocol, **kwargs), path


def join(base: str, *parts: str) -> str:
    """Join URI/path parts with '/', keeping the scheme."""
    out = base.rstrip("/")
    for part in parts:
        out = f"{out}/{part.strip('/')}"
    return out


def display_uri(uri: str) -> str:
    """An absolute local path or the URI as given (for manifests and MLflow sources)."""
    return uri if is_remote(uri) else os.path.abspath(fsspec.core.split_protocol(uri)[1])


# fsspec's mv/rm/copy expand glob characters in the path they are given (on S3, rm('runs/exp[12]', recursive=True)
# removes runs/exp1), so every output-side operation below names exact paths and never globs.

def is_local(fs: fsspec.AbstractFileSystem) -> bool:
    protocols = fs.protocol if isinstance(fs.protocol, (tuple, list)) else (fs.protocol,)
    return "file" in protocols or "local" in protocols


def move(fs: fsspec.AbstractFileSystem, src: str, dst: str) -> None:
    """Rename `src` to `dst` exactly (an object store copies the object, then deletes the source)."""
    if is_local(fs):
        os.replace(src, dst)
    else:
        fs.cp_file(src, dst)
        fs.rm_file(src)


def remove_files(fs: fsspec.AbstractFileSystem, paths: list[str]) -> None:
    """Delete exactly these files, one by one."""
    for p in paths:
        fs.rm_file(p)


def remove_tree(fs: fsspec.AbstractFileSystem, path: str) -> None:
    """Delete the folder `path` and everything under it, listing it by prefix (never a glob)."""
    if is_local(fs):
        shutil.rmtree(path, ignore_errors=True)
    elif fs.exists(path):
        remove_files(fs, fs.find(path))


def children(fs: fsspec.AbstractFileSystem, path: str, pattern: str) -> list[str]:
    """Sorted full paths of the files directly in folder `path` whose names match `pattern` (a name pattern
    only: the folder itself is taken literally)."""
    try:
        entries = fs.ls(path, detail=True)
    except FileNotFoundError:
        return []
    return sorted(e["name"] for e in entries
                  if e.get("type") == "file" and fnmatch.fnmatchcase(e["name"].rstrip("/").rsplit("/", 1)[-1], pattern))

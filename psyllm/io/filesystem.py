"""Resolve local paths and s3:// URIs to an fsspec filesystem plus a path on it."""
from __future__ import annotations

import os
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

"""`manifest.json`: written last, it marks an output complete and says what made it."""
from __future__ import annotations

import json
import time
import uuid

from psyllm.io.filesystem import filesystem, join
from psyllm.io.readers import InputError

MANIFEST = "manifest.json"
MARKER = ".psyllm-output"  # written first: only a folder carrying it is ever cleared


class OutputExistsError(RuntimeError):
    """The output directory holds a finished run made with another config or input."""


class RejectLimitExceeded(RuntimeError):
    """Too large a fraction of a stage's input was quarantined; outputs were written for inspection."""


def read_manifest(dir_uri: str, storage=None) -> dict | None:
    fs, path = filesystem(dir_uri, storage)
    target = join(path, MANIFEST)
    if not fs.exists(target):
        return None
    with fs.open(target, "r") as fh:
        return json.load(fh)


def write_manifest(dir_uri: str, manifest: dict, storage=None) -> None:
    """Write atomically (temp then rename) so a reader never sees half a manifest."""
    fs, path = filesystem(dir_uri, storage)
    fs.makedirs(path, exist_ok=True)
    body = dict(manifest, written_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    tmp = join(path, f".tmp-{uuid.uuid4().hex}-{MANIFEST}")
    with fs.open(tmp, "w") as fh:
        json.dump(body, fh, indent=2, sort_keys=True, default=str)
    fs.mv(tmp, join(path, MANIFEST))


def require_finished(input_uri: str, output: str, stage: str, storage=None) -> dict:
    """The complete manifest of an upstream stage output that holds `output`, or a clear InputError."""
    manifest = read_manifest(input_uri, storage)
    if not manifest or not manifest.get("complete") or output not in manifest.get("shards", {}):
        raise InputError(f"{input_uri} is not a finished {stage} output (no complete manifest with {output}/)")
    return manifest


def prepare_output(dir_uri: str, fingerprint: str, overwrite: bool, storage=None, resume: bool = False) -> dict | None:
    """Decide what a run into `dir_uri` does.

    Returns the existing manifest when it is complete with the same fingerprint (nothing to do).
    Raises OutputExistsError for a complete output with another fingerprint unless `overwrite`.
    With `resume`, an unfinished output of the same fingerprint is kept (the stage skips what it holds).
    Otherwise clears whatever a killed or failed run left and returns None (run from the start).
    """
    existing = read_manifest(dir_uri, storage)
    if existing and existing.get("complete"):
        if existing.get("fingerprint") == fingerprint:
            return existing
        if not overwrite:
            raise OutputExistsError(
                f"{dir_uri} holds a finished {existing.get('stage', '')} run with fingerprint "
                f"{existing.get('fingerprint')} (this run: {fingerprint}): the config or inputs differ. "
                "Choose another --output, or pass --overwrite to replace it."
            )
    fs, path = filesystem(dir_uri, storage)
    marker = join(path, MARKER)
    if resume and not (existing and existing.get("complete")) and fs.exists(marker):
        with fs.open(marker, "r") as fh:
            if fh.read().strip() == fingerprint:
                for tmp in fs.glob(join(path, "**/.tmp-*")):
                    fs.rm(tmp)
                return None
    if fs.exists(path) and fs.ls(path):
        if not fs.exists(marker):
            raise OutputExistsError(f"{dir_uri} is not empty and is not a psyllm output; refusing to clear it")
        fs.rm(path, recursive=True)
    fs.makedirs(path, exist_ok=True)
    with fs.open(join(path, MARKER), "w") as fh:
        fh.write(fingerprint + "\n")
    return None


class StageResult:
    """What a stage invocation produced: its manifest and whether the run was skipped as done."""

    def __init__(self, output_uri: str, manifest: dict, skipped: bool):
        self.output_uri, self.manifest, self.skipped = output_uri, manifest, skipped

    @property
    def counts(self) -> dict:
        return self.manifest.get("counts", {})

"""`manifest.json`: written last, it marks an output complete and says what made it."""
from __future__ import annotations

import json
import time

from psyllm.io.filesystem import filesystem, join
from psyllm.io.ownership import (ALWAYS, LOGS, MANIFEST, MARKER, TMP, describe, listed_files, matches, read_record,
                                 remove_owned, survey, within, write_record)
from psyllm.io.readers import InputError
from psyllm.io.atomic import write_bytes_atomic


class OutputExistsError(RuntimeError):
    """The output holds a finished run made with another config or input, or paths psyllm did not write
    (then it is never cleared)."""


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
    body = dict(manifest, written_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    write_bytes_atomic(dir_uri, MANIFEST, json.dumps(body, indent=2, sort_keys=True, default=str).encode(), storage)


def require_finished(input_uri: str, output: str, stage: str, storage=None) -> dict:
    """The complete manifest of an upstream stage output that holds `output`, or a clear InputError."""
    manifest = read_manifest(input_uri, storage)
    if not manifest or not manifest.get("complete") or output not in manifest.get("shards", {}):
        raise InputError(f"{input_uri} is not a finished {stage} output (no complete manifest with {output}/)")
    return manifest


def prepare_output(dir_uri: str, fingerprint: str, overwrite: bool, storage=None, resume: bool = False, *,
                   writes: tuple[str, ...] = (), inputs: tuple[str, ...] = (), keep: tuple[str, ...] = ()) -> dict | None:
    """Decide what a run into `dir_uri` does.

    `writes`: the paths the stage writes, as patterns relative to the output (psyllm/io/ownership.py); they are
    recorded before the first shard, and a later clear removes only what they (or a finished manifest) name.
    `inputs`: the stage's inputs; an output that holds one of them is refused, never cleared.

    Returns the existing manifest when it is complete with the same fingerprint (nothing to do).
    Raises OutputExistsError for a complete output with another fingerprint unless `overwrite`.
    An unfinished output of the same fingerprint keeps its files that match `keep` (everything with `resume`:
    the stage skips what it holds; train keeps `ray/**`, from which Ray Train resumes) and loses the rest.
    Otherwise clears what psyllm wrote there and returns None (run from the start). It refuses, with
    OutputExistsError naming them, when the folder holds anything psyllm did not write.
    """
    existing = read_manifest(dir_uri, storage)
    complete = bool(existing and existing.get("complete"))
    if complete:
        if existing.get("fingerprint") == fingerprint:
            return existing
        if not overwrite:
            raise OutputExistsError(
                f"{dir_uri} holds a finished {existing.get('stage', '')} run with fingerprint "
                f"{existing.get('fingerprint')} (this run: {fingerprint}): the config or inputs differ. "
                "Choose another --output, or pass --overwrite to replace it."
            )
    for uri in inputs:
        if within(uri, dir_uri):
            raise OutputExistsError(f"{dir_uri} contains this stage's input {uri}; refusing to write into or clear "
                                    "it. Choose an --output outside the input.")
    fs, path = filesystem(dir_uri, storage)
    writes = tuple(writes)
    record = read_record(fs, path)
    if record is None:
        if fs.exists(path) and [p for p in fs.ls(path, detail=False) if p.rstrip("/").rsplit("/", 1)[-1] != "logs"]:
            raise OutputExistsError(f"{dir_uri} is not empty and is not a psyllm output; refusing to clear it")
    else:
        same = not complete and record.get("fingerprint") == fingerprint
        kept = (("**",) if resume else tuple(keep)) if same else ()
        previous = tuple(record["writes"]) if record.get("writes") is not None else writes  # a pre-record marker
        owned, foreign = survey(fs, path, previous, listed_files(existing))
        doomed = [r for r in owned if r != MARKER and not matches(r, LOGS)
                  and (r.rsplit("/", 1)[-1].startswith(TMP) or not any(matches(r, k) for k in kept))]
        if foreign and kept != ("**",):  # a full resume deletes only temporaries; anything else is a clear
            raise OutputExistsError(
                f"{dir_uri} holds {describe(foreign)}, which psyllm did not write; refusing to clear it. "
                "Move them out of the output, or choose another --output.")
        remove_owned(fs, path, doomed, ALWAYS + previous)
    write_record(fs, path, fingerprint, writes)
    return None


class StageResult:
    """What a stage invocation produced: its manifest and whether the run was skipped as done."""

    def __init__(self, output_uri: str, manifest: dict, skipped: bool):
        self.output_uri, self.manifest, self.skipped = output_uri, manifest, skipped

    @property
    def counts(self) -> dict:
        return self.manifest.get("counts", {})

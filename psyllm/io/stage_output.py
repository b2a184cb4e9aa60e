"""The opening and closing every stage runner shares: fingerprint its config and inputs, skip an output already
finished with that fingerprint, prepare the folder (clear what psyllm wrote, or keep what a resume needs), and
write the manifest last. A runner is then its own work between `StageOutput.open` and `finish`."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from psyllm import __version__
from psyllm.config import fingerprint, to_dict
from psyllm.io.manifest import StageResult, prepare_output, write_manifest


@dataclass
class Manifest:
    """`manifest.json`: what made an output and what it holds. `extra` carries a stage's own keys (train's model
    folder and curve, filter's criteria, an error) at the top level of the JSON, next to these."""

    stage: str
    fingerprint: str
    config: dict
    inputs: list[dict] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    shards: dict[str, list[dict]] = field(default_factory=dict)
    complete: bool = True
    seconds: float = 0.0
    psyllm_version: str = __version__
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict:
        fixed = {k: v for k, v in self.__dict__.items() if k != "extra"}
        clash = fixed.keys() & self.extra.keys()
        if clash:
            raise ValueError(f"manifest extra keys {sorted(clash)} would overwrite the standard ones")
        return {**self.extra, **fixed}


def input_entry(uri: str, sha256: str | None, nbytes: int | None = None) -> dict:
    """One `inputs` entry: an upstream folder with its manifest's fingerprint, or a file with its digest."""
    return {"uri": uri, "sha256": sha256, "bytes": nbytes}


class StageOutput:
    """One stage's output folder for one run. `done` is the finished result to return when nothing is left to do."""

    def __init__(self, stage: str, section: Any, cfg, output_uri: str, fingerprint_of: tuple, *,
                 writes: tuple[str, ...], guard: tuple[str, ...] = (), resume: bool = False,
                 keep: tuple[str, ...] = (), fp: str | None = None, reads_safety: bool = False):
        self.stage, self.output_uri, self.storage = stage, output_uri, cfg.storage
        self.config = to_dict(section)
        if reads_safety:  # the top-level crisis level and locale decide this stage's output too
            self.config["safety"] = to_dict(cfg.safety)
        # The stage's config section, what it read and psyllm's version: any change reruns the stage.
        self.fingerprint = fp or fingerprint(stage, self.config, *fingerprint_of, __version__)
        existing = prepare_output(output_uri, self.fingerprint, cfg.output.overwrite, cfg.storage, resume,
                                  writes=writes, inputs=guard, keep=keep)
        self.done = StageResult(output_uri, existing, skipped=True) if existing is not None else None
        self.started = time.time()

    def manifest(self, counts: dict, shards: dict, inputs: list[dict], complete: bool = True, **extra) -> Manifest:
        return Manifest(self.stage, self.fingerprint, self.config, inputs, counts, shards, complete,
                        round(time.time() - self.started, 3), extra=extra)

    def finish(self, counts: dict, shards: dict, inputs: list[dict], **extra) -> StageResult:
        """Write the complete manifest (last: it is what marks the output finished) and return the result."""
        body = self.manifest(counts, shards, inputs, **extra).to_json()
        write_manifest(self.output_uri, body, self.storage)
        return StageResult(self.output_uri, body, skipped=False)

    def fail(self, counts: dict, shards: dict, inputs: list[dict], error: str, **extra) -> dict:
        """Write an incomplete manifest that says why (outputs kept for inspection); the caller raises."""
        body = self.manifest(counts, shards, inputs, complete=False, error=error, **extra).to_json()
        write_manifest(self.output_uri, body, self.storage)
        return body

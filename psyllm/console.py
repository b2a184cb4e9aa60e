"""What a person at the terminal sees: psyllm's progress and summaries, warnings, errors. Everything else (Ray's,
vLLM's, DeepSpeed's and the libraries' logs) goes to files under `<output>/logs/`; `psyllm -v` shows it all.

Ray's own worker logs stay in Ray's session folder (the driver stops echoing them: `log_to_driver=False`,
psyllm/runtime/session.py); `<output>/logs/ray` links to it when the run started a local Ray.
"""
from __future__ import annotations

import logging
import os
import sys
import time
import warnings
from pathlib import Path

_state: dict = {"log_dir": None, "verbose": False, "link_ray": False}
# Library loggers that attach their own console handlers instead of propagating to the root logger.
SELF_HANDLED = ("ray", "ray.data", "ray.train", "ray.serve", "ray.tune", "vllm", "mlflow", "alembic", "huey",
                "transformers")
# Warnings every run repeats and nobody acts on; they still reach the log file with `-v`.
KNOWN_NOISE = (FutureWarning, DeprecationWarning, PendingDeprecationWarning)
# Log lines that say the quiet console is doing its job (psyllm/runtime/session.py turns these bars off).
KNOWN_LINES = ("Progress bars for operators disabled", "Setting accelerator to CPU",
               "model card could not be retrieved from the hub", "Unable to find license information for this model",
               "generation flags are not valid and may be ignored")


class _LazyFile(logging.FileHandler):
    """A log file made (folder included) on the first record: a run refused before it logs anything leaves no
    trace in its output folder."""

    def __init__(self, path: Path):
        super().__init__(path, encoding="utf-8", delay=True)
        self._psyllm = True

    def _open(self):
        Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
        return super()._open()

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(self, "_unwritable", False):
            return
        try:
            super().emit(record)
        except OSError:  # an output that is a file, or unwritable: the stage itself says so, in one line
            self._unwritable = True


class _ToRoot(logging.Filter):
    """On a logger that prints through its own handler from the moment it is imported (DeepSpeed's, to stdout):
    hand each record to the root handlers instead, and keep it from the logger's own."""

    def filter(self, record: logging.LogRecord) -> bool:
        for handler in logging.getLogger().handlers:
            if record.levelno >= handler.level:
                handler.handle(record)
        return False


class _Quiet(logging.Filter):
    """Console filter in the default mode: warnings and errors only, and no Python warnings (they go to the file)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING or record.name == "py.warnings":
            return False
        return not any(line in record.getMessage() for line in KNOWN_LINES)


def local_log_dir(output_uri: str | None) -> Path | None:
    """`<output>/logs` for a local output; None for s3:// (the console and Ray's own files only)."""
    if not output_uri or ("://" in output_uri and not output_uri.startswith("file://")):
        return None
    return Path(output_uri.removeprefix("file://")) / "logs"


def setup_logging(verbose: bool, log_dir: Path | None, name: str = "psyllm", link_ray: bool = False) -> Path | None:
    """Console at WARNING (INFO with `verbose`); every record at INFO in `<log_dir>/<name>-<time>.log`.
    `link_ray`: link Ray's session logs there too (a pipeline's log folder; a stage's own output folder holds
    only psyllm's file, so a rerun's clearing never walks into Ray's folder)."""
    _state.update(verbose=verbose, log_dir=log_dir, link_ray=link_ray)
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    for handler in [h for h in root.handlers if getattr(h, "_psyllm", False)]:  # ours from an earlier call only
        root.removeHandler(handler)
        handler.close()
    console = logging.StreamHandler(sys.stderr)
    console._psyllm = True
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    if not verbose:
        console.addFilter(_Quiet())
    root.addHandler(console)
    path = None
    if log_dir is not None:
        path = log_dir / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
        file = _LazyFile(path)
        file.setLevel(logging.INFO)  # Ray Data's logger runs at DEBUG; its debug lines stay in Ray's own files
        file.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(file)
    logging.captureWarnings(True)
    if not verbose:
        for category in KNOWN_NOISE:
            warnings.filterwarnings("ignore", category=category)
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # transformers' save/load bars
        deepspeed = logging.getLogger("DeepSpeed")
        if not any(isinstance(f, _ToRoot) for f in deepspeed.filters):
            deepspeed.addFilter(_ToRoot())
    route_library_loggers()
    return path


def route_library_loggers() -> None:
    """Send libraries that print on their own through the root handlers (console filter + log file). Called again
    after each is imported (Ray Data and MLflow attach their handlers at import, Ray at init)."""
    if _state["verbose"]:
        return
    for name in SELF_HANDLED:
        logger = logging.getLogger(name)
        logger.handlers = [h for h in logger.handlers if isinstance(h, logging.FileHandler)
                           or not isinstance(h, logging.StreamHandler)]
        logger.propagate = True


def verbose() -> bool:
    return _state["verbose"]


def log_dir() -> Path | None:
    return _state["log_dir"]


def link_ray_logs(session_dir: str | None) -> None:
    """`<output>/logs/ray` -> the local Ray session's log folder, so one folder holds every log of the run."""
    target = log_dir()
    if target is None or not session_dir:
        return
    logging.getLogger(__name__).info("Ray's logs for this run: %s/logs", session_dir)
    if not _state["link_ray"]:
        return
    link = target / "ray"
    try:
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(Path(session_dir) / "logs", target_is_directory=True)
    except OSError as exc:  # a filesystem without symlinks: the logs are still in Ray's folder
        logging.getLogger(__name__).info("could not link Ray's logs into %s: %s", target, exc)

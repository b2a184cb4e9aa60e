"""The quiet console: warnings and psyllm's own output on the terminal, every library's INFO in <output>/logs/;
`-v` shows everything; a run refused before it logs leaves no logs folder behind."""
import logging
import warnings

import pytest

from psyllm import console
from psyllm.cli import main
from psyllm.io.manifest import prepare_output


@pytest.fixture(autouse=True)
def _restore_logging():
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    with warnings.catch_warnings():
        yield
    for h in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(h)
        h.close()
    root.setLevel(level)
    logging.captureWarnings(False)
    console._state.update(verbose=False, log_dir=None, link_ray=False)


def _emit_like_a_library():
    logging.getLogger("ray.data").info("Executing DAG InputDataBuffer -> MapBatches")
    logging.getLogger("urllib3.connectionpool").info("loading weights")
    logging.getLogger("ray.data").warning("Progress bars for operators disabled. To enable, set ...")
    warnings.warn("torch.cuda.amp is deprecated", FutureWarning)
    logging.getLogger("psyllm.runtime.ingest").warning("12 posts quarantined: see quarantine/")


def test_quiet_console_keeps_library_info_in_the_log_file(tmp_path, capsys):
    path = console.setup_logging(False, tmp_path / "out" / "logs", "ingest")
    _emit_like_a_library()
    err = capsys.readouterr().err
    assert err.strip().splitlines() == ["WARNING psyllm.runtime.ingest: 12 posts quarantined: see quarantine/"]
    text = path.read_text()
    assert "Executing DAG" in text and "loading weights" in text and "12 posts quarantined" in text


def test_verbose_console_shows_everything(tmp_path, capsys):
    console.setup_logging(True, None, "ingest")
    _emit_like_a_library()
    err = capsys.readouterr().err
    assert "Executing DAG" in err and "loading weights" in err and "torch.cuda.amp is deprecated" in err


def test_library_handlers_are_routed_through_ours(tmp_path, capsys):
    lib = logging.getLogger("ray")
    lib.addHandler(logging.StreamHandler())  # what `import ray` does
    lib.propagate = False
    path = console.setup_logging(False, tmp_path / "logs", "run")
    lib.info("Started a local Ray instance.")
    assert "Started a local Ray" not in capsys.readouterr().err
    assert "Started a local Ray" in path.read_text()


def test_a_refused_run_leaves_no_logs_folder(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    assert main(["filter", "--input", str(tmp_path / "in"), "--output", str(tmp_path / "out"), "--no-tracking"]) == 2
    assert not (tmp_path / "out").exists()


def test_a_logs_folder_does_not_make_an_output_foreign_and_survives_a_clear(tmp_path):
    out = tmp_path / "stage"
    (out / "logs").mkdir(parents=True)
    (out / "logs" / "ingest-1.log").write_text("first run\n")
    assert prepare_output(str(out), "fp1", False, writes=("posts/*.parquet",)) is None  # not refused
    (out / "posts").mkdir()
    (out / "posts" / "part-0.parquet").write_bytes(b"x")
    assert prepare_output(str(out), "fp2", False, writes=("posts/*.parquet",)) is None  # another config: cleared
    assert not (out / "posts" / "part-0.parquet").exists()
    assert (out / "logs" / "ingest-1.log").read_text() == "first run\n"


def test_local_log_dir_is_under_a_local_output_only():
    assert str(console.local_log_dir("/runs/a")) == "/runs/a/logs"
    assert console.local_log_dir("s3://bucket/runs/a") is None and console.local_log_dir(None) is None

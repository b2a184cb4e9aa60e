"""psyllm's own local Ray: loopback only, Ray's default (token) auth left alone."""
import os

import pytest

from psyllm.config.schema import RuntimeConfig
from psyllm.runtime import session


def test_local_ray_binds_loopback_and_leaves_auth_to_ray(monkeypatch):
    monkeypatch.delenv("RAY_AUTH_MODE", raising=False)
    args = session._local_init_args(RuntimeConfig(num_cpus=2))
    assert args["_node_ip_address"] == "127.0.0.1" and args["dashboard_host"] == "127.0.0.1"
    assert not any("auth" in k.lower() for k in args) and "_system_config" not in args
    assert "RAY_AUTH_MODE" not in os.environ  # building the args set nothing


def test_single_node_mode_holds_for_the_start_only(monkeypatch):
    """Ray rewrites 127.0.0.1 to the host's address unless its single-node mode is on; it must not leak past the start."""
    from ray._private import ray_constants, services

    monkeypatch.delenv("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", raising=False)
    monkeypatch.setattr(ray_constants, "ENABLE_RAY_CLUSTER", True)
    with session._single_node_mode():
        assert services.resolve_ip_for_localhost("127.0.0.1") == "127.0.0.1"
        assert os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] == "0"  # inherited by the raylet and its workers
    assert ray_constants.ENABLE_RAY_CLUSTER is True and "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER" not in os.environ


def test_the_generated_token_file_is_made_owner_only(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("RAY_AUTH_TOKEN", raising=False)
    monkeypatch.delenv("RAY_AUTH_TOKEN_PATH", raising=False)
    token = tmp_path / ".ray" / "auth_token"
    token.parent.mkdir()
    token.write_text("t")
    token.chmod(0o644)  # what Ray 2.60 leaves under a 022 umask
    session._tighten_default_token_file()
    assert token.stat().st_mode & 0o777 == 0o600


def test_a_local_ray_starts_one_parquet_footer_reader_and_the_environment_wins(monkeypatch):
    """Ray Data reads this variable where it builds a Parquet read's footer readers (each a new process; 32 by
    default): if a Ray upgrade renamed it, the setting would silently stop working; this fails instead. (Ray's
    module-level default is itself read from the variable at import, so the suite's earlier Ray may have set it.)"""
    from ray.data._internal.datasource_v2.formats.parquet.footer_file_indexer import FooterFileIndexer

    monkeypatch.setenv("RAY_DATA_PARQUET_FOOTER_NUM_ACTORS", "8")
    session.apply_local_env()  # a value already set wins
    assert FooterFileIndexer(ignore_missing_paths=False)._num_actors == 8
    monkeypatch.delenv("RAY_DATA_PARQUET_FOOTER_NUM_ACTORS")
    session.apply_local_env()
    assert os.environ["RAY_DATA_PARQUET_FOOTER_NUM_ACTORS"] == "1"
    assert FooterFileIndexer(ignore_missing_paths=False)._num_actors == 1


def test_a_local_ray_polls_ray_train_workers_every_half_second():
    """Ray Train's controller reads this variable when it starts (a fit waits up to one interval to begin and to
    end); if an upgrade renamed it, this fails rather than silently going back to 2 s."""
    import inspect

    from ray.train.v2._internal import constants
    from ray.train.v2._internal.execution.controller.controller import TrainController

    assert float(session.LOCAL_RAY_ENV[constants.HEALTH_CHECK_INTERVAL_S_ENV_VAR]) == 0.5
    assert "HEALTH_CHECK_INTERVAL_S_ENV_VAR" in inspect.getsource(TrainController.__init__)


def test_a_deferred_session_starts_no_ray_until_a_stage_opens_one():
    """`psyllm run` defers Ray to the first stage that needs it, so a rerun of finished stages starts none (the
    README test checks that a first run starts one and its rerun does not)."""
    import ray

    before = ray.is_initialized()  # the whole suite's session Ray may be up: it must stay as it is
    with session.deferred_ray_session(RuntimeConfig(), on_start=lambda r: pytest.fail("nothing asked for Ray")) as s:
        assert not s.started and ray.is_initialized() == before
    assert ray.is_initialized() == before

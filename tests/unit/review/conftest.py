"""One run folder (filter + evaluation traces in a SQLite MLflow store) for the module, and a logged-in client."""
import json

import pytest


@pytest.fixture(scope="package")
def review_run(tmp_path_factory):
    from tests.unit.review.run_folder import make_run

    root = tmp_path_factory.mktemp("review")
    uri = f"sqlite:///{root / 'mlflow.db'}"
    return make_run(root, uri), uri


@pytest.fixture(scope="package")
def accounts_file(tmp_path_factory):
    from psyllm.review.accounts import hash_password

    path = tmp_path_factory.mktemp("accounts") / "raters.json"
    path.write_text(json.dumps({"clin-a": hash_password("pw-a"), "clin-b": hash_password("pw-b")}))
    return path


@pytest.fixture(scope="module")
def ws(review_run, accounts_file, tmp_path_factory):
    """The workspace over the package's run (each module opens it again: its dialogue traces are logged once)."""
    from psyllm.config import load_config
    from psyllm.review.server import open_workspace

    run, uri = review_run
    cases = tmp_path_factory.mktemp("cases") / "cases.jsonl"
    cfg = load_config(None, [f"tracking.tracking_uri={uri}", f"review.accounts={accounts_file}",
                             f"review.cases={cases}"])
    return open_workspace(cfg, str(run))

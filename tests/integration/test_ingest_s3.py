"""The same ingest reading from and writing to s3:// on a local moto server."""
from pathlib import Path

import pytest
import s3fs

from psyllm.cli import main
from psyllm.io.manifest import read_manifest
from psyllm.io.shards import read_table
from psyllm.config.schema import StorageConfig

pytestmark = pytest.mark.integration
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample_posts.jsonl"


def test_ingest_s3_to_s3(ray_local, s3_endpoint, tmp_path, tracking_uri):
    fs = s3fs.S3FileSystem(client_kwargs={"endpoint_url": s3_endpoint}, skip_instance_cache=True)
    fs.mkdir("psyllm-test")
    fs.put(str(SAMPLE), "psyllm-test/raw/sample_posts.jsonl")
    # The distributed duplicate clusters (Ray Data shuffles), as on a cluster; `auto` picks the driver for 50 posts.
    args = ["ingest", "--input", "s3://psyllm-test/raw/", "--output", "s3://psyllm-test/runs/ingest",
            f"storage.endpoint_url={s3_endpoint}", f"tracking.tracking_uri={tracking_uri}", "ingest.dedup.backend=ray"]
    assert main(args) == 0

    storage = StorageConfig(endpoint_url=s3_endpoint)
    m = read_manifest("s3://psyllm-test/runs/ingest", storage)
    assert m["complete"] and m["counts"]["read"] == 50
    assert m["inputs"][0]["uri"] == "s3://psyllm-test/raw/sample_posts.jsonl"
    posts = read_table("s3://psyllm-test/runs/ingest/posts", storage).to_pylist()
    assert len(posts) == m["counts"]["kept"] and m["counts"]["duplicates"] == 3  # as the driver finds (demo: 3)
    assert not any("jenna.whitfield88@example.com" in p["text"] for p in posts)
    assert not [k for k in fs.find("psyllm-test/runs/ingest") if "/.tmp-" in k or "_staging" in k]

    # Rerun against S3: already complete, nothing rewritten.
    before = {k: v["LastModified"] for k, v in fs.find("psyllm-test/runs/ingest", detail=True).items()}
    assert main(args) == 0
    fs.invalidate_cache()
    assert before == {k: v["LastModified"] for k, v in fs.find("psyllm-test/runs/ingest", detail=True).items()}

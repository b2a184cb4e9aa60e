"""psyllm ingest: posts -> clean, de-identified, triaged posts.

Thin entrypoint for a Ray cluster: the same code as `psyllm ingest`, joining the cluster the job runs on.

    ray job submit --address http://HEAD:8265 --working-dir . \\
        --runtime-env cluster/runtime_env.yaml \\
        -- python jobs/ingest.py -c conf/cluster/gpu.yaml --input s3://BUCKET/raw/ --output s3://BUCKET/runs/RUN/ingest

On KubeRay: cluster/kuberay/rayjob-ingest.yaml.
"""
import sys

from psyllm.cli import main

if __name__ == "__main__":
    sys.exit(main(["ingest", *sys.argv[1:]]))

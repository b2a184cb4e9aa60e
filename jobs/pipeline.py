"""psyllm run: the whole pipeline (ingest -> synthesize -> filter -> export -> train -> serve -> evaluate).

Thin entrypoint for a Ray cluster: the same code as `psyllm run`, joining the cluster the job runs on.

    ray job submit --address http://HEAD:8265 --working-dir . \\
        --runtime-env cluster/runtime_env.yaml \\
        -- python jobs/pipeline.py -c conf/cluster/gpu.yaml --input s3://BUCKET/raw/ --output s3://BUCKET/runs/RUN

On KubeRay: cluster/kuberay/rayjob-pipeline.yaml.
"""
import sys

from psyllm.cli import main

if __name__ == "__main__":
    sys.exit(main(["run", *sys.argv[1:]]))

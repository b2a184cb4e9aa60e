"""psyllm evaluate: the served counselor and judge -> benchmark scores and report in MLflow.

Thin entrypoint for a Ray cluster: the same code as `psyllm evaluate`, joining the cluster the job runs on.

    ray job submit --address http://HEAD:8265 --working-dir . \\
        --runtime-env cluster/runtime_env.yaml \\
        -- python jobs/evaluate.py -c conf/cluster/gpu.yaml --model http://psyllm-serve-svc:8000 --output s3://BUCKET/runs/RUN/evaluate

On KubeRay: cluster/kuberay/rayjob-evaluate.yaml.
"""
import sys

from psyllm.cli import main

if __name__ == "__main__":
    sys.exit(main(["evaluate", *sys.argv[1:]]))

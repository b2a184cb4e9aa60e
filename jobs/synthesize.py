"""psyllm synthesize: posts -> counseling dialogues with a reasoning trace per counselor turn (vLLM actors on GPU workers).

Thin entrypoint for a Ray cluster: the same code as `psyllm synthesize`, joining the cluster the job runs on.

    ray job submit --address http://HEAD:8265 --working-dir . \\
        --runtime-env cluster/runtime_env.yaml \\
        -- python jobs/synthesize.py -c conf/cluster/gpu.yaml --input s3://BUCKET/runs/RUN/ingest --output s3://BUCKET/runs/RUN/synthesize

On KubeRay: cluster/kuberay/rayjob-synthesize.yaml.
"""
import sys

from psyllm.cli import main

if __name__ == "__main__":
    sys.exit(main(["synthesize", *sys.argv[1:]]))

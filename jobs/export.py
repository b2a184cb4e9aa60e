"""psyllm export: filtered dialogues -> SFT splits.

Thin entrypoint for a Ray cluster: the same code as `psyllm export`, joining the cluster the job runs on.

    ray job submit --address http://HEAD:8265 --working-dir . \\
        --runtime-env cluster/runtime_env.yaml \\
        -- python jobs/export.py -c conf/cluster/gpu.yaml --input s3://BUCKET/runs/RUN/filter --output s3://BUCKET/runs/RUN/export

On KubeRay: cluster/kuberay/rayjob-export.yaml.
"""
import sys

from psyllm.cli import main

if __name__ == "__main__":
    sys.exit(main(["export", *sys.argv[1:]]))

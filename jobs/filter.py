"""psyllm filter: dialogues -> kept/rejected on structure, quality, safety, dedup and the LLM judge.

Thin entrypoint for a Ray cluster: the same code as `psyllm filter`, joining the cluster the job runs on.

    ray job submit --address http://HEAD:8265 --working-dir . \\
        --runtime-env cluster/runtime_env.yaml \\
        -- python jobs/filter.py -c conf/cluster/gpu.yaml --input s3://BUCKET/runs/RUN/synthesize --output s3://BUCKET/runs/RUN/filter

On KubeRay: cluster/kuberay/rayjob-filter.yaml.
"""
import sys

from psyllm.cli import main

if __name__ == "__main__":
    sys.exit(main(["filter", *sys.argv[1:]]))

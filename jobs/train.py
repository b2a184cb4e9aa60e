"""psyllm train: SFT splits -> full-parameter SFT, DeepSpeed ZeRO-3 on the GPU workers (PsyLLM's recipe).

Thin entrypoint for a Ray cluster: the same code as `psyllm train`, joining the cluster the job runs on.

    ray job submit --address http://HEAD:8265 --working-dir . \\
        --runtime-env cluster/runtime_env.yaml \\
        -- python jobs/train.py -c conf/train/psyllm_qwen3_8b.yaml --input s3://BUCKET/runs/RUN/export --output s3://BUCKET/runs/RUN/train

On KubeRay: cluster/kuberay/rayjob-train.yaml.
"""
import sys

from psyllm.cli import main

if __name__ == "__main__":
    sys.exit(main(["train", *sys.argv[1:]]))

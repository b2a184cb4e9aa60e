"""psyllm import: public dialogue data (OpenR1-Psy, CPsyCoun, chat messages, ShareGPT) -> dialogue records.

Thin entrypoint for a Ray cluster: the same code as `psyllm import`, joining the cluster the job runs on.

    ray job submit --address http://HEAD:8265 --working-dir . \\
        --runtime-env cluster/runtime_env.yaml \\
        -- python jobs/import.py -c conf/reproduce_psyllm.yaml --input GMLHUHE/OpenR1-Psy --output s3://BUCKET/runs/RUN/import

On KubeRay: cluster/kuberay/rayjob-import.yaml.
"""
import sys

from psyllm.cli import main

if __name__ == "__main__":
    sys.exit(main(["import", *sys.argv[1:]]))

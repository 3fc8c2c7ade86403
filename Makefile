# Thin wrapper over Meson for the two README commands.
#   make demo   install dependencies, build, scan the bundled example estate
#   make check  install dependencies, build, run every test (ends with "N passed, N failed")
BUILD ?= build

.PHONY: all deps build demo check bench clean

all: build

deps:
	@./scripts/install-deps.sh

build: deps
	@if [ ! -f $(BUILD)/build.ninja ]; then meson setup $(BUILD) >/dev/null; fi
	@ninja -C $(BUILD) >/dev/null

demo: build
	@./scripts/demo.sh $(BUILD)/cloudwarden

check: deps
	@./scripts/run-tests.sh

bench: build
	@./bench/scan_bench.sh

clean:
	rm -rf $(BUILD) build-asan build-tsan build-fuzz

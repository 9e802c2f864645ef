# Thin wrapper: the build is CMake + Ninja. Every target installs the
# missing Debian packages first (scripts/deps.sh), so a fresh clone works.
BUILD      ?= build
ASAN_BUILD ?= build-asan
PREFIX     ?= /usr/local
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_GEN   = -G Ninja

FUZZ_SECONDS ?=
SMOKE_SECONDS ?= 10

.PHONY: all deps build demo test asan nomem bench fuzz fuzz-smoke install format format-check clean

all: build

deps:
	@./scripts/deps.sh

$(BUILD)/build.ninja: | deps
	@cmake -S . -B $(BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: deps $(BUILD)/build.ninja
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	@./demo/run-demo.sh $(BUILD)

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

asan: deps
	@cmake -S . -B $(ASAN_BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DTH_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	@cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS)

# The malloc-failure pass under ASan+LSan (tests/nomem): every
# allocation point of every case; NOMEM_MAX=N samples N per case, and
# NOMEM_ARGS="--case backup" picks cases. ctest runs a 30-point sample.
NOMEM_MAX ?= 0
nomem: deps
	@cmake -S . -B $(ASAN_BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DTH_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS) --target th-nomem
	@$(ASAN_BUILD)/tests/nomem/th-nomem --quiet --max $(NOMEM_MAX) $(NOMEM_ARGS)

bench: build
	@$(BUILD)/bench/th-bench $(BUILD)

# make fuzz builds the targets; with FUZZ_SECONDS=N it also runs each
# for N seconds. make fuzz-smoke runs each for SMOKE_SECONDS.
fuzz:
	@./scripts/deps.sh --fuzz
	@CC=clang cmake -S . -B build-fuzz $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DTH_FUZZ=ON >/dev/null
	@cmake --build build-fuzz -j $(JOBS)
	@if [ -n "$(FUZZ_SECONDS)" ]; then ./scripts/fuzz-run.sh build-fuzz $(FUZZ_SECONDS); fi

fuzz-smoke: fuzz
	@./scripts/fuzz-run.sh build-fuzz $(SMOKE_SECONDS)

install: build
	@cmake --install $(BUILD) --prefix $(PREFIX)

format:
	@clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	@if command -v clang-format >/dev/null 2>&1; then \
		clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h'); \
	else echo "format-check: clang-format is not installed; skipped"; fi

clean:
	@rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz

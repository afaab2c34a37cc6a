# Thin verbs over CMake + Ninja. `make run` and `make test` are the two commands README promises;
# both install missing Debian packages first (scripts/install-deps is idempotent).
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
SONORA := $(BUILD_DIR)/src/app/sonora
WERROR := $(if $(CI),ON,OFF)

.PHONY: all deps configure build run test test-all bench fuzz format check clean

all: build

deps:
	@scripts/install-deps

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DSONORA_WERROR=$(WERROR)

configure: $(BUILD_DIR)/build.ninja

build: deps configure
	ninja -C $(BUILD_DIR) -j $(JOBS)

run: build
	$(SONORA) demo

# Every test except those labelled slow, against real PostgreSQL and Redis servers that
# scripts/test-services starts for the run and stops afterwards.
test: build
	scripts/test-services run -- ctest --test-dir $(BUILD_DIR) -LE slow --output-on-failure -j $(JOBS) --timeout 300

test-all: build
	scripts/test-services run -- ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) --timeout 900

bench: build
	bench/run-all

# The parsers we wrote, under libFuzzer with ASan and UBSan: FUZZ_SECONDS per target
# (docs/fuzzing.md). `make test` runs the same targets over their corpus and seeded mutations.
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= range json_body request_target signed_token lrc manifest
fuzz:
	@scripts/install-deps --fuzz
	@[ -f $(FUZZ_DIR)/build.ninja ] || CXX=clang++ cmake -S . -B $(FUZZ_DIR) -G Ninja \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSONORA_FUZZ=ON -DSONORA_BUILD_BENCH=OFF
	ninja -C $(FUZZ_DIR) -j $(JOBS) $(addprefix fuzz_,$(FUZZ_TARGETS))
	scripts/fuzz $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

format:
	find src tests bench -name '*.h' -o -name '*.cc' | xargs clang-format -i

check: build
	scripts/check-deps

clean:
	rm -rf $(BUILD_DIR)

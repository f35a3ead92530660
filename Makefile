# A thin wrapper over CMake, so that a fresh Debian 12 machine needs only
# `make demo` or `make check`.  Both install missing packages first: what
# building needs, and for the tests what they use too (a Slurm, Open MPI,
# Chromium...).
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps deps-build build demo check check-asan fuzz clean format bench

all: build

deps:
	@scripts/install-deps.sh

deps-build:
	@scripts/install-deps.sh --build

$(BUILD)/Makefile: CMakeLists.txt tests/CMakeLists.txt | deps-build
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps-build $(BUILD)/Makefile
	cmake --build $(BUILD) -j $(JOBS)

# A real run on this machine (a small DeepDriveMD), then its report.
demo: build
	rm -rf $(BUILD)/demo
	$(BUILD)/hetflow run examples/ddmd-mini.yaml --workdir $(BUILD)/demo \
		--trace $(BUILD)/demo/trace.json
	$(BUILD)/hetflow report $(BUILD)/demo/trace.json -o $(BUILD)/demo/report.html

check: deps build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer.
check-asan: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DHETFLOW_SANITIZE=ON
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS)

# libFuzzer harnesses, each run for FUZZ_SECONDS from a seed corpus of the
# examples (the corpus grows in build-fuzz/corpus-*).
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
fuzz: deps
	scripts/install-deps.sh --fuzz
	CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHETFLOW_FUZZ=ON
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	mkdir -p $(FUZZ_BUILD)/corpus-yaml
	cp examples/*.yaml examples/nwchem/*.yaml $(FUZZ_BUILD)/corpus-yaml/
	$(FUZZ_BUILD)/fuzz_yaml -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=$(FUZZ_BUILD)/ -max_len=16384 \
		-print_final_stats=1 $(FUZZ_BUILD)/corpus-yaml
	mkdir -p $(FUZZ_BUILD)/corpus-wfformat
	cp tests/data/wfinstances/*blast* tests/data/wfinstances/*helloworld* \
		tests/data/wfinstances/*epigenomics* tests/data/wfinstances/*montage* \
		$(FUZZ_BUILD)/corpus-wfformat/
	$(FUZZ_BUILD)/fuzz_wfformat -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=$(FUZZ_BUILD)/ -max_len=131072 \
		-print_final_stats=1 $(FUZZ_BUILD)/corpus-wfformat
	mkdir -p $(FUZZ_BUILD)/corpus-rules
	printf 'max(uncertainty) < 0.2' > $(FUZZ_BUILD)/corpus-rules/a
	printf 'min(train.loss) <= 0.05 and not count(x) > 3' > $(FUZZ_BUILD)/corpus-rules/b
	printf '(1 + 2) * -mean(y) / 4 != sum(z) or 0' > $(FUZZ_BUILD)/corpus-rules/c
	$(FUZZ_BUILD)/fuzz_rules -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=$(FUZZ_BUILD)/ -max_len=4096 \
		-print_final_stats=1 $(FUZZ_BUILD)/corpus-rules

bench: deps build
	bench/sim_scale/run.sh
	bench/wfformat_scale/run.sh
	bench/throughput/run.sh
	bench/overhead/run.sh
	bench/memory/run.sh
	bench/srun/run.sh
	bench/functions/run.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)

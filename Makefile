# frm: the two commands of the README, and a few helpers.
#
#   make run    set up, build, and run the main job (frm run; RUN_ARGS=--quick
#               for a shorter protocol)
#   make test   set up, build twice (plain, and with ASan+UBSan), run every test in
#               both, then fuzz the ONNX reader for FUZZ_SECONDS (60) and the
#               import parsers for IMPORT_FUZZ_SECONDS (30)
#
# Variables: FRM_ORT_ROOT=/path builds against another ONNX Runtime install;
# PREFIX=/usr/local for `make install`; JOBS for parallel builds.

MAKEFLAGS += --no-print-directory

PREFIX ?= /usr/local
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_ARGS := $(if $(FRM_ORT_ROOT),-DFRM_ORT_ROOT=$(FRM_ORT_ROOT))

FUZZ_SECONDS ?= 60
IMPORT_FUZZ_SECONDS ?= 30

.PHONY: all bootstrap build build-test build-asan build-fuzz run test test-plain test-asan fuzz bench install clean

all: build

bootstrap:
	@./scripts/bootstrap

build: bootstrap
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_ARGS) >/dev/null
	@cmake --build build -j $(JOBS)

# Warnings are errors in both test builds: `make test` is what CI runs.
build-test: bootstrap
	@cmake -S . -B build-test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFRM_WERROR=ON $(CMAKE_ARGS) >/dev/null
	@cmake --build build-test -j $(JOBS)

build-asan: bootstrap
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DFRM_WERROR=ON -DFRM_SANITIZE=ON $(CMAKE_ARGS) >/dev/null
	@cmake --build build-asan -j $(JOBS)

test-plain: build-test
	@echo "== tests (plain build) =="
	@cd build-test && ctest --output-on-failure -j $(JOBS)

test-asan: build-asan
	@echo "== tests (AddressSanitizer + UndefinedBehaviorSanitizer) =="
	@cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS)

# libFuzzer on the ONNX reader and shape inference, for FUZZ_SECONDS.  A
# failing input lands in build-fuzz/artifacts/; copy it into
# tests/fuzz-regressions/ once fixed, where every test run replays it.
build-fuzz: bootstrap
	@CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFRM_FUZZ=ON -DFRM_SANITIZE=ON \
	  -DBUILD_TESTING=OFF $(CMAKE_ARGS) >/dev/null
	@cmake --build build-fuzz -j $(JOBS) --target profile_fuzz profile_fuzz_seeds import_fuzz

fuzz: build-fuzz
	@echo "== fuzzing the ONNX reader and shape inference for $(FUZZ_SECONDS) s =="
	@rm -rf build-fuzz/corpus && mkdir -p build-fuzz/corpus build-fuzz/artifacts
	@./build-fuzz/profile_fuzz_seeds build-fuzz/corpus
	@ASAN_OPTIONS=detect_leaks=1 ./build-fuzz/profile_fuzz -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
	  -rss_limit_mb=2048 -artifact_prefix=build-fuzz/artifacts/ -print_final_stats=1 \
	  build-fuzz/corpus tests/fuzz-regressions 2>build-fuzz/fuzz.log \
	  || { tail -n 60 build-fuzz/fuzz.log; exit 1; }
	@grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE)' build-fuzz/fuzz.log || true
	@echo "== fuzzing the import parsers (timm, tflite, ort-perf, csv, aihub, ncnn) for $(IMPORT_FUZZ_SECONDS) s =="
	@rm -rf build-fuzz/import-corpus && mkdir -p build-fuzz/import-corpus
	@cp fuzz/import-seeds/* build-fuzz/import-corpus/
	@ASAN_OPTIONS=detect_leaks=1 ./build-fuzz/import_fuzz -max_total_time=$(IMPORT_FUZZ_SECONDS) -timeout=10 \
	  -rss_limit_mb=2048 -max_len=8192 -artifact_prefix=build-fuzz/artifacts/ -print_final_stats=1 \
	  build-fuzz/import-corpus 2>build-fuzz/import-fuzz.log \
	  || { tail -n 60 build-fuzz/import-fuzz.log; exit 1; }
	@grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE)' build-fuzz/import-fuzz.log || true

test: test-plain test-asan fuzz

run: build
	@RUN_ARGS="$(RUN_ARGS)" ./scripts/run-main build/frm

# Benchmarks print ratios against a reference measured in the same run.
bench: build
	@./build/bench_records $(BENCH_RECORDS)
	@./build/bench_profile $(BENCH_PROFILE_MB)
	@./build/bench_zoo
	@./build/bench_harness_fidelity
	@./build/bench_isolation
	@./build/bench_run_efficiency $(BENCH_RUN_MODELS)
	@./build/bench_analysis_scale
	@./build/bench_analyze_scale
	@./build/bench_import_scale
	@./build/bench_import_aihub
	@./build/bench_predict_scale

install: build
	@cmake --install build --prefix $(PREFIX)

clean:
	rm -rf build build-test build-asan build-fuzz

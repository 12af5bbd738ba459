# frm: the two commands of the README, and a few helpers.
#
#   make run    set up, build, and run the main job
#   make test   set up, build twice (plain, and with ASan+UBSan), run every test in both
#
# Variables: FRM_ORT_ROOT=/path builds against another ONNX Runtime install;
# PREFIX=/usr/local for `make install`; JOBS for parallel builds.

MAKEFLAGS += --no-print-directory

PREFIX ?= /usr/local
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_ARGS := $(if $(FRM_ORT_ROOT),-DFRM_ORT_ROOT=$(FRM_ORT_ROOT))

.PHONY: all bootstrap build build-test build-asan run test test-plain test-asan bench install clean

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
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS)

test: test-plain test-asan

run: build
	@./scripts/run-main build/frm

# Benchmarks print ratios against a reference measured in the same run.
bench: build
	@./build/bench_records $(BENCH_RECORDS)

install: build
	@cmake --install build --prefix $(PREFIX)

clean:
	rm -rf build build-test build-asan

# creditd: the two commands of the Quickstart are `make run` and `make test`.
#   make build   release build (build/release/creditd) and the web portal (web/dist)
#   make run     build, then serve http://127.0.0.1:8080 with ./data (SQLite, demo catalog, the
#                sandbox payment provider)
#   make test    every suite on the sanitized debug build (unit, portal unit and end-to-end in
#                Chromium, API, docs and style checks, ThreadSanitizer over the concurrency
#                tests), then a smoke test of the release binary
#   make test-invariants INVARIANT_SECONDS=900   a long run of the crash/invariant suite
#   make fuzz FUZZ_SECONDS=300   every libFuzzer target (tests/fuzz) for that long each
#   make bench   the charging benchmark (README, Performance); never part of the tests
#   make bench-profile   where a request's time goes, LOAD=charge|pairs|balance (bench/results/profile-sqlite-LOAD.txt)
#   make clean   remove build outputs (keeps ./data)
SHELL := /bin/bash
JOBS ?= 2
DEBUG_BIN := build/debug/creditd
RELEASE_BIN := build/release/creditd

INVARIANT_SECONDS ?= 20
LOAD ?= charge
FUZZ_SECONDS ?= 300

.PHONY: all deps web build build-debug build-fuzz run test test-unit test-web test-api test-e2e \
  test-invariants test-release test-fuzz test-tsan build-tsan fuzz check clean format bench \
  bench-profile

all: build

deps:
	@scripts/install-deps

# The user portal (web/): API types generated from docs/openapi.yaml, type-checked, bundled into
# web/dist, which creditd serves at / (--web-root).
web: deps
	@cd web && npm run --silent build >/dev/null && echo "built web/dist"

build: deps web
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)
	@echo "built $(RELEASE_BIN)"

build-debug: deps
	@cmake --preset debug >/dev/null
	@cmake --build --preset debug -j $(JOBS)

run: build
	@mkdir -p data
	$(RELEASE_BIN) serve --data ./data --listen 127.0.0.1:8080 --payments-sandbox

# Static checks: C++ format, layering, the reason table; the portal's eslint (type-aware) and
# prettier; clang-tidy (.clang-tidy, warnings as errors) over src/ with the compile database of
# the tsan preset (clang, -Wthread-safety), re-checking only files changed since they passed.
check: deps
	@tools/check_format.sh
	@tools/check_layers.sh
	@tools/check_error_reasons.sh
	@cd web && npm run --silent lint && npm run --silent format:check
	@cmake --preset tsan >/dev/null
	@node tools/run_clang_tidy.mjs build/tsan --jobs $(JOBS)

# Unit and conformance suites; the conformance suite runs on SQLite and on a throwaway
# PostgreSQL cluster that tools/with_postgres.sh starts and stops.
test-unit: build-debug
	@tools/with_postgres.sh bash -c 'cd build/debug && \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j $(JOBS)'

# The portal's unit tests (vitest).
test-web: deps
	@cd web && npm run --silent test

# The portal end to end in Debian's Chromium against the sanitized binary serving web/dist;
# screenshots of every page at 390 and 1280 px land in web/test-results/screenshots/.
test-e2e: build-debug web
	@cd web && CREDITD_TEST_BACKEND=sqlite CREDITD_BIN=$(CURDIR)/$(DEBUG_BIN) npm run --silent e2e

# The black-box API suite against the real sanitized binary, once per backend.
# Every error the tests assert is recorded (REASON_LOG) and checked against docs/errors.md.
# Every response is recorded too (CONTRACT_LOG) and validated against docs/openapi.yaml.
REASON_LOG := $(CURDIR)/build/api-reasons.log
CONTRACT_LOG := $(CURDIR)/build/api-contract.log
test-api: build-debug
	@rm -f $(REASON_LOG) $(CONTRACT_LOG)
	@echo "== API suite on sqlite =="
	@cd tests/api && CREDITD_TEST_BACKEND=sqlite CREDITD_BIN=$(CURDIR)/$(DEBUG_BIN) \
	  CREDITD_REASON_LOG=$(REASON_LOG) CREDITD_CONTRACT_LOG=$(CONTRACT_LOG) \
	  node --test --test-concurrency=1 --test-reporter=spec
	@echo "== API suite on postgres =="
	@tools/with_postgres.sh bash -c 'cd tests/api && CREDITD_TEST_BACKEND=postgres \
	  CREDITD_BIN=$(CURDIR)/$(DEBUG_BIN) CREDITD_REASON_LOG=$(REASON_LOG) \
	  CREDITD_CONTRACT_LOG=$(CONTRACT_LOG) \
	  node --test --test-concurrency=1 --test-reporter=spec'
	@node tools/check_reasons_served.mjs $(REASON_LOG)
	@node tools/check_contract.mjs $(CONTRACT_LOG)
	@cd tests/api && ./node_modules/.bin/redocly lint --config ../../redocly.yaml --format=stylish \
	  ../../docs/openapi.yaml

# The crash/invariant suite (tests/invariants/run.mjs): concurrent clients, kill -9 at random
# moments, then every invariant checked from the database; short by default, once per backend.
test-invariants: build-debug
	@CREDITD_TEST_BACKEND=sqlite CREDITD_BIN=$(CURDIR)/$(DEBUG_BIN) \
	  node tests/invariants/run.mjs --seconds $(INVARIANT_SECONDS)
	@tools/with_postgres.sh bash -c 'CREDITD_TEST_BACKEND=postgres \
	  CREDITD_BIN=$(CURDIR)/$(DEBUG_BIN) node tests/invariants/run.mjs --seconds $(INVARIANT_SECONDS)'

# The libFuzzer targets of the parsers of untrusted bytes (tests/fuzz): a clang build with ASan
# and UBSan in build/fuzz that builds only what they link. `make test` runs each briefly from its
# seed corpus; `make fuzz` runs each FUZZ_SECONDS.
build-fuzz: deps
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz

test-fuzz: build-fuzz
	@tools/run_fuzz.sh 10

fuzz: build-fuzz
	@tools/run_fuzz.sh $(FUZZ_SECONDS)

# The release build is what `make run` serves: build it and check it starts and stops cleanly.
# ThreadSanitizer over concurrency_test (the HTTP server, the group-commit writer, the
# connection pool, the scheduler) in a clang build of only what that test links, which also
# checks the locking contract (GUARDED_BY, common/mutex.h) with -Wthread-safety -Werror.
build-tsan: deps
	@cmake --preset tsan >/dev/null
	@cmake --build --preset tsan

test-tsan: build-tsan
	@TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 build/tsan/tests/concurrency/concurrency_test

test-release: build
	@tools/smoke_release.sh

test: deps check test-unit test-tsan test-fuzz test-web test-api test-e2e test-invariants test-release
	@echo "make test: all suites passed"

# The charging benchmark (bench/run.sh): release build, pre-filled databases, wrk, and the
# nginx and pgbench baselines in the same run; writes bench/results/latest.md.
bench: build
	@scripts/install-deps --bench
	@bench/run.sh

# Where a one-step charge's time goes: per-thread CPU and a perf profile under the charge load.
bench-profile: build
	@scripts/install-deps --profile
	@bench/profile.sh $(LOAD)

format:
	@git ls-files --cached --others --exclude-standard -- '*.h' '*.cc' | xargs clang-format -i

clean:
	rm -rf build

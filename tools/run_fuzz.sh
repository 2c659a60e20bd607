#!/usr/bin/env bash
# Runs every libFuzzer target built in build/fuzz for SECONDS each, one after another.
#
#   tools/run_fuzz.sh SECONDS
#
# Builds nothing: build the targets first with
#   flock /tmp/creditd-build.lock cmake --preset fuzz
#   flock /tmp/creditd-build.lock cmake --build --preset fuzz
#
# Each target NAME_fuzz starts from a fresh copy of its seed corpus, tests/fuzz/corpus/NAME, in
# build/fuzz/corpus-work/NAME (the repository is never written), with tests/fuzz/NAME.dict when
# there is one, and a 2 GiB RSS limit. New inputs land in the copy; a crash, leak, timeout or
# out-of-memory input lands in build/fuzz/findings/ and its path is printed. Prints one line per
# target and exits non-zero if any target found something; the log of a run is in
# build/fuzz/logs/NAME.log.
set -euo pipefail

cd "$(dirname "$0")/.."

if [ $# -ne 1 ] || ! [[ "$1" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: tools/run_fuzz.sh SECONDS" >&2
  exit 2
fi
seconds=$1
build=build/fuzz

shopt -s nullglob
targets=()
for binary in "$build"/*_fuzz; do
  [ -x "$binary" ] && targets+=("$binary")
done
if [ ${#targets[@]} -eq 0 ]; then
  echo "run_fuzz: no fuzz targets in $build; build them with" >&2
  echo "  flock /tmp/creditd-build.lock cmake --preset fuzz && " \
    "flock /tmp/creditd-build.lock cmake --build --preset fuzz" >&2
  exit 1
fi

mkdir -p "$build/corpus-work" "$build/findings" "$build/logs"
# Sanitizer reports with a stack; the build (-fno-sanitize-recover=all) already aborts on the
# first UBSan finding.
export UBSAN_OPTIONS=print_stacktrace=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}

failed=0
for binary in "${targets[@]}"; do
  target=$(basename "$binary")
  name=${target%_fuzz}
  work="$build/corpus-work/$name"
  log="$build/logs/$name.log"
  rm -rf "$work"
  mkdir -p "$work"
  if [ -d "tests/fuzz/corpus/$name" ]; then
    cp -R "tests/fuzz/corpus/$name/." "$work/"
  fi
  options=(-max_total_time="$seconds" -rss_limit_mb=2048 -timeout=30 -print_final_stats=1
    -artifact_prefix="$build/findings/$name-")
  if [ -f "tests/fuzz/$name.dict" ]; then
    options+=(-dict="tests/fuzz/$name.dict")
  fi
  before=$(find "$build/findings" -name "$name-*" | wc -l)
  start=$SECONDS
  status=0
  "$binary" "${options[@]}" "$work" >"$log" 2>&1 || status=$?
  elapsed=$((SECONDS - start))
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  corpus=$(find "$work" -type f | wc -l)
  findings=$(($(find "$build/findings" -name "$name-*" | wc -l) - before))
  if [ "$status" -ne 0 ] && [ "$findings" -eq 0 ]; then
    findings=1  # Died without writing an input (e.g. a crash at start-up): see the log.
  fi
  printf '%-22s %5ss %12s execs %6s corpus %3s crashes\n' "$target" "$elapsed" \
    "${executions:-?}" "$corpus" "$findings"
  if [ "$findings" -ne 0 ]; then
    failed=1
    grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz property violated|CHECK failed|.*runtime error)' "$log" \
      | head -n 5 | sed 's/^/    /' || true
    sed -n 's/^.*Test unit written to \(.*\)$/    input: \1/p' "$log"
    echo "    log: $log (reproduce: $binary <input>)"
  fi
done
exit "$failed"

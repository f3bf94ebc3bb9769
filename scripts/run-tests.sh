#!/usr/bin/env bash
# Runs the test files of the given tiers (unit, cli, integration) once each, on Node's test runner with tsx.
#   bash scripts/run-tests.sh unit            # the inner loop: pure functions and components under mocks
#   bash scripts/run-tests.sh unit cli integration
# Tiers mirror the source tree: the test of infra/x/y.ts is tests/unit/infra/x/y.test.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$#" -gt 0 ] || set -- unit cli integration
files=()
unit=()
for tier in "$@"; do
  case "$tier" in
    unit | cli | integration) ;;
    *) echo "run-tests: unknown tier $tier (unit, cli, integration)" >&2; exit 2 ;;
  esac
  while IFS= read -r f; do
    if [ "$tier" = unit ]; then unit+=("$f"); else files+=("$f"); fi
  done < <(find "tests/$tier" -name '*.test.ts' | LC_ALL=C sort)
done
[ "$((${#files[@]} + ${#unit[@]}))" -gt 0 ] || { echo "run-tests: no test files in $*" >&2; exit 2; }
concurrency="${AUTHDB_TEST_CONCURRENCY:-2}"
# The unit tier is pure functions and mocks, and most of a test process's time is loading Pulumi's SDK: its files run
# in as many processes as run at once (shards), each importing its share, instead of one process per file.
# AUTHDB_TEST_ISOLATION=file runs one process per file, as the other tiers always do.
if [ "${#unit[@]}" -gt 0 ] && [ "${AUTHDB_TEST_ISOLATION:-shard}" = shard ]; then
  shards="$(mktemp -d "${TMPDIR:-/tmp}/authdb-unit-shards.XXXXXX")"
  trap 'rm -rf "$shards"' EXIT
  # Within a shard, files that run the project's program on the same config share one run, made in a worker thread
  # (tests/support/shared-runs.ts says why).
  for ((i = 0; i < concurrency && i < ${#unit[@]}; i++)); do
    echo "import \"$PWD/tests/support/shared-runs.ts\";" >"$shards/unit-shard-$i.test.mjs"
  done
  for i in "${!unit[@]}"; do
    echo "import \"$PWD/${unit[$i]}\";" >>"$shards/unit-shard-$((i % concurrency)).test.mjs"
  done
  files=("$shards"/unit-shard-*.test.mjs "${files[@]}")
else
  files=("${unit[@]}" "${files[@]}")
fi
node --import tsx --test --test-reporter=spec --test-concurrency="$concurrency" "${files[@]}"

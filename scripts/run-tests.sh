#!/usr/bin/env bash
# Runs the test files of the given tiers (unit, cli, integration) once each, on Node's test runner with tsx.
#   bash scripts/run-tests.sh unit            # the inner loop: pure functions and components under mocks
#   bash scripts/run-tests.sh unit cli integration
# Tiers mirror the source tree: the test of infra/x/y.ts is tests/unit/infra/x/y.test.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$#" -gt 0 ] || set -- unit cli integration
files=()
for tier in "$@"; do
  case "$tier" in
    unit | cli | integration) ;;
    *) echo "run-tests: unknown tier $tier (unit, cli, integration)" >&2; exit 2 ;;
  esac
  while IFS= read -r f; do files+=("$f"); done < <(find "tests/$tier" -name '*.test.ts' | LC_ALL=C sort)
done
[ "${#files[@]}" -gt 0 ] || { echo "run-tests: no test files in $*" >&2; exit 2; }
exec node --import tsx --test --test-reporter=spec --test-concurrency="${AUTHDB_TEST_CONCURRENCY:-2}" "${files[@]}"

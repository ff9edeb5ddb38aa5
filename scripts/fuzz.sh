#!/usr/bin/env bash
# Short, bounded fuzz runs of every fuzz target of the module (each
# `func FuzzX(f *testing.F)` in a _test.go file), one after the other, for
# FUZZTIME each (default 10s), then a table of executions per target.
#
#   bash scripts/fuzz.sh                 every target
#   FUZZTIME=5m bash scripts/fuzz.sh FuzzNormalize FuzzLoad   some, longer
#
# `make test` runs it (CI). A target that fails leaves its input in the
# package's testdata/fuzz/FuzzX/: fix the bug, then commit that file, which
# every `go test` runs from then on as a regression case. The corpus the
# runs grow stays in Go's cache ($(go env GOCACHE)/fuzz), not in the tree.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
GO=${GO:-go}
fuzztime=${FUZZTIME:-10s}
# Minimising an input the fuzzer found new coverage with runs uncounted and
# by default up to 60 s; a bounded run keeps it short.
minimize=${FUZZMINIMIZETIME:-50x}

declare -a rows
status=0
while IFS=: read -r file name; do
	name=${name#func }
	if (($# > 0)) && ! printf '%s\n' "$@" | grep -qx "$name"; then
		continue
	fi
	dir=$(dirname "$file")
	log=$(mktemp)
	printf '== %s (%s), %s\n' "$name" "$dir" "$fuzztime" >&2
	begin=$SECONDS
	run() { "$GO" test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" -fuzzminimizetime "$minimize" "./$dir" >"$log" 2>&1; }
	# Go's fuzzer can end a run that found nothing with "context deadline
	# exceeded" when the time runs out under a busy worker (no input is
	# written then): that run is tried once more, a real failure never.
	if run || { grep -q 'context deadline exceeded' "$log" && ! grep -q 'Failing input written' "$log" && run; }; then
		result=ok
	else
		result=FAIL
		status=1
		cat "$log" >&2
		printf 'fuzz: %s failed; its input is in %s/testdata/fuzz/%s/ (fix, then commit it as a regression case)\n' "$name" "$dir" "$name" >&2
	fi
	execs=$(grep -o 'execs: [0-9]*' "$log" | tail -n1 | tr -dc '0-9')
	rows+=("$(printf '%-24s %-20s %12s %6ss  %s' "$name" "$dir" "${execs:-0}" "$((SECONDS - begin))" "$result")")
	rm -f "$log"
done < <(grep -rHo --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*' . | sed 's#^\./##' | sort -t: -k2)

echo ""
echo "Fuzz: $fuzztime per target, $(nproc) CPUs, $("$GO" env GOVERSION)"
printf '%-24s %-20s %12s %7s  %s\n' target package executions time result
printf '%s\n' "${rows[@]}"
exit "$status"

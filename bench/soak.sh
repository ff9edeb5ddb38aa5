#!/usr/bin/env bash
# Soak: a server with the cache off (-cache 0) under 64 connections of mixed
# GraphQL queries for 60 s, driven by wrk (Debian's package) with
# bench/soak.lua, on 127.0.0.1 only. It passes when
#
#   - no response was other than 2xx (so no 5xx), none held a GraphQL error,
#     and no connection failed or timed out; and
#   - afterwards the live heap after runtime.GC() and the goroutine count
#     are back at their baseline, taken after a warm-up, within the
#     tolerances below: a leak of requests, connections or graphs shows.
#
#   bash bench/soak.sh      BENCH_DURATION (default 60s), BENCH_CONNECTIONS
#                           (default 64), BENCH_THREADS (default: the CPUs),
#                           BENCH_STORE (default memory; bolt runs on a
#                           bolt store it fills first), SOAK_HEAP_TOLERANCE
#                           (default 25: percent over the baseline heap,
#                           and at least 4 MiB), SOAK_GOROUTINE_TOLERANCE
#                           (default 8: goroutines over the baseline)
#
# The heap and goroutine counts come from the server's -metrics-addr
# listener (loopback): /debug/pprof/heap?gc=1&debug=1 ("# HeapAlloc") and
# /debug/pprof/goroutine?debug=1 ("goroutine profile: total N"). Every
# process it starts is stopped, and every file removed, on exit.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
duration=${BENCH_DURATION:-60s}
connections=${BENCH_CONNECTIONS:-64}
threads=${BENCH_THREADS:-$(nproc)}
store=${BENCH_STORE:-memory}
heap_tolerance=${SOAK_HEAP_TOLERANCE:-25}
goroutine_tolerance=${SOAK_GOROUTINE_TOLERANCE:-8}
warmup=${SOAK_WARMUP:-3s}

log() { printf '%s\n' "$*" >&2; }
die() {
	log "soak.sh: $*"
	exit 1
}

# Bounds on any run: a soak must not turn into an open-ended load.
seconds() { # 90s, 2m, 1h → seconds
	local d=$1
	case $d in
	*h) echo $((${d%h} * 3600)) ;;
	*m) echo $((${d%m} * 60)) ;;
	*s) echo "${d%s}" ;;
	*) echo "$d" ;;
	esac
}
[[ $duration =~ ^[0-9]+[smh]?$ ]] || die "BENCH_DURATION=$duration: want a whole number of s, m or h"
(($(seconds "$duration") >= 1 && $(seconds "$duration") <= 3600)) || die "BENCH_DURATION=$duration: between 1s and 1h"
[[ $connections =~ ^[0-9]+$ ]] && ((connections >= 1 && connections <= 1024)) || die "BENCH_CONNECTIONS=$connections: 1 to 1024"
[[ $threads =~ ^[0-9]+$ ]] && ((threads >= 1 && threads <= connections)) || threads=$(((connections < $(nproc)) ? connections : $(nproc)))
[[ $heap_tolerance =~ ^[0-9]+$ && $goroutine_tolerance =~ ^[0-9]+$ ]] || die "tolerances are whole numbers"
case $store in memory | bolt) ;; *) die "BENCH_STORE=$store: memory or bolt" ;; esac
command -v wrk >/dev/null || die "wrk is not installed: apt-get install wrk"

work=$(mktemp -d "${TMPDIR:-/tmp}/civicgraph-soak.XXXXXX")
server_pid=""
cleanup() {
	if [[ -n $server_pid ]]; then
		kill -TERM "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cd "$root"
log "building civicgraph"
go build -o "$work/civicgraph" .

args=(-addr 127.0.0.1:0 -metrics-addr 127.0.0.1:0 -cache 0 -poll 0)
if [[ $store == bolt ]]; then
	"$work/civicgraph" load -store "bolt:$work/bolt" >&2
	args+=(-store "bolt:$work/bolt")
fi
# No per-client limits, if this server has them: all the load comes from
# one loopback client.
help=$("$work/civicgraph" -h 2>&1 || true)
for f in -client-rate -client-concurrency; do
	if grep -q -- "^  $f " <<<"$help"; then
		args+=("$f" 0)
	fi
done
"$work/civicgraph" "${args[@]}" 2>"$work/server.log" &
server_pid=$!

url="" metrics=""
for _ in {1..600}; do
	url=$(grep -o -m1 'msg=listening addr=http://[0-9.:]*\|INFO listening addr=http://[0-9.:]*' "$work/server.log" | sed 's/.*addr=//' || true)
	metrics=$(grep -o -m1 'metrics listening"\{0,1\} addr=http://[0-9.:]*' "$work/server.log" | sed 's/.*addr=//' || true)
	[[ -n $url && -n $metrics ]] && break
	kill -0 "$server_pid" 2>/dev/null || {
		cat "$work/server.log" >&2
		die "the server exited"
	}
	sleep 0.1
done
[[ -n $url ]] || die "the server did not listen within 60 s"
[[ -n $metrics ]] || die "the server has no -metrics-addr listener (/debug/pprof/): this soak needs it"
case $url in http://127.0.0.1:*) ;; *) die "not a loopback address: $url" ;; esac

# heap prints the live heap after a GC, in bytes; goroutines the count.
heap() { curl -fsS "$metrics/debug/pprof/heap?gc=1&debug=1" | sed -n 's/^# HeapAlloc = \([0-9]*\).*/\1/p'; }
goroutines() { curl -fsS "$metrics/debug/pprof/goroutine?debug=1" | sed -n 's/^goroutine profile: total \([0-9]*\).*/\1/p'; }
# settle measures until both are within tolerance of the baseline, at
# most 20 times 0.5 s apart (connections wrk closed take a moment to end),
# and sets heap_after and goroutines_after to the last measurement.
settle() {
	local limit_heap=$1 limit_g=$2
	for _ in {1..20}; do
		heap_after=$(heap)
		goroutines_after=$(goroutines)
		if ((heap_after <= limit_heap && goroutines_after <= limit_g)); then
			return 0
		fi
		sleep 0.5
	done
	return 1
}

log "warming up for $warmup, $threads connections"
wrk -t "$threads" -c "$threads" -d "$warmup" -s bench/soak.lua "$url" >"$work/warmup.txt" ||
	die "warm-up failed: $(cat "$work/warmup.txt")"
sleep 1
heap_before=$(heap)
goroutines_before=$(goroutines)
[[ -n $heap_before && -n $goroutines_before ]] || die "could not read /debug/pprof/ at $metrics"
log "baseline: live heap $heap_before bytes, $goroutines_before goroutines"

log "soak: $connections connections, $threads threads, $duration, $url/graphql, store $store, cache off"
wrk -t "$threads" -c "$connections" -d "$duration" --timeout 10s --latency -s bench/soak.lua "$url" | tee "$work/wrk.txt" >&2
line=$(grep '^soak: ' "$work/wrk.txt") || die "wrk printed no soak: line"
get() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<" ${line#soak: }"; }
requests=$(get requests) non2xx=$(get non2xx) status5xx=$(get status5xx) gqlerrors=$(get gqlerrors)
socket=$(($(get connect) + $(get read) + $(get write) + $(get timeout)))

slack=$((4 << 20))
limit_heap=$((heap_before + heap_before * heap_tolerance / 100))
((limit_heap >= heap_before + slack)) || limit_heap=$((heap_before + slack))
limit_g=$((goroutines_before + goroutine_tolerance))
settled=yes
settle "$limit_heap" "$limit_g" || settled=no
kill -0 "$server_pid" 2>/dev/null || die "the server died during the soak"

status=0
verdict() { # name ok? detail
	if [[ $2 == yes ]]; then
		printf '  %-36s ok    %s\n' "$1" "$3"
	else
		printf '  %-36s FAIL  %s\n' "$1" "$3"
		status=1
	fi
}
ok() { if (("$@")); then echo yes; else echo no; fi; }
echo ""
echo "Soak: $duration, $connections connections, $threads wrk threads, $(nproc) CPUs, $(go env GOVERSION), store $store, -cache 0"
verdict "requests" "$(ok "requests > 0")" "$requests ($(grep -o 'Requests/sec: *[0-9.]*' "$work/wrk.txt" | tr -s ' '))"
verdict "non-2xx responses (5xx among them)" "$(ok "non2xx == 0")" "$non2xx ($status5xx)"
verdict "GraphQL errors in 200s" "$(ok "gqlerrors == 0")" "$gqlerrors"
verdict "connect/read/write errors, timeouts" "$(ok "socket == 0")" "$socket"
verdict "live heap after GC" "$(ok "heap_after <= limit_heap")" "$heap_before → $heap_after bytes (limit $limit_heap: +$heap_tolerance%, at least +4 MiB)"
verdict "goroutines" "$(ok "goroutines_after <= limit_g")" "$goroutines_before → $goroutines_after (limit $limit_g: +$goroutine_tolerance)"
[[ $settled == yes ]] || echo "  (did not settle within 10 s of the run's end)"
exit "$status"

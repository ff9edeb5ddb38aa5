#!/usr/bin/env bash
# Load runs: serves the built-in dataset from each store, with the cache on
# and off, on 127.0.0.1, sends bench/httpload's query mix to each for the same
# time, and prints req/s, p50 and p99 as ratios against memory with the cache
# on, measured in the same run (the machine is shared and noisy, so only
# figures from one run compare).
#
#   bash bench/run.sh        BENCH_DURATION (default 10s) per configuration,
#                            BENCH_CONCURRENCY (default 4) clients
#
# PostgreSQL runs when a server binary is installed
# (/usr/lib/postgresql/*/bin/postgres): a throwaway cluster on a free
# loopback port, like internal/pgtest's. Every process it starts is stopped,
# and every file removed, on exit.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
duration=${BENCH_DURATION:-10s}
concurrency=${BENCH_CONCURRENCY:-4}

work=$(mktemp -d "${TMPDIR:-/tmp}/civicgraph-bench.XXXXXX")
server_pid=""
pg_pid=""
pg_dir=""
pg_bin=""
results=()
status=0

log() { printf '%s\n' "$*" >&2; }

stop_server() {
	if [[ -n $server_pid ]]; then
		kill -TERM "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
		server_pid=""
	fi
}

# as_pg runs a PostgreSQL program as the postgres user when we are root
# (PostgreSQL refuses to run as root), else as ourselves.
as_pg() {
	if [[ $EUID -eq 0 ]]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# shellcheck disable=SC2317 # called from the EXIT trap, which shellcheck cannot see
stop_postgres() {
	if [[ -n $pg_pid ]]; then
		# A fast shutdown ends open sessions; kill is the fallback if it hangs.
		as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w -t 20 stop >/dev/null 2>&1 ||
			kill -KILL "$pg_pid" 2>/dev/null || true
		wait "$pg_pid" 2>/dev/null || true
		pg_pid=""
	fi
	if [[ -n $pg_dir ]]; then
		rm -rf "$pg_dir"
		pg_dir=""
	fi
}

# shellcheck disable=SC2317 # the EXIT trap
cleanup() {
	stop_server
	stop_postgres
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# free_port prints a loopback port nothing answers on. Another process may
# take it first; start_postgres retries on a fresh one.
free_port() {
	local p
	for _ in {1..50}; do
		p=$((20000 + RANDOM % 30000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# start_server LABEL ARGS…: serves on a port the kernel picks and sets
# server_url from the address the server logs once it listens.
start_server() {
	local label=$1 logf
	shift
	logf="$work/server-${#results[@]}.log"
	"$work/civicgraph" -addr 127.0.0.1:0 "$@" 2>"$logf" &
	server_pid=$!
	server_url=""
	for _ in {1..600}; do
		server_url=$(grep -o -m1 'listening addr=http://[0-9.:]*' "$logf" | sed 's/^listening addr=//' || true)
		[[ -n $server_url ]] && return 0
		if ! kill -0 "$server_pid" 2>/dev/null; then
			log "run.sh: $label: the server exited:"
			cat "$logf" >&2
			server_pid=""
			return 1
		fi
		sleep 0.1
	done
	log "run.sh: $label: the server did not listen within 60 s"
	return 1
}

# bench LABEL ARGS…: one configuration, from start to stop of its server.
bench() {
	local label=$1 out
	out="$work/result-${#results[@]}.json"
	log ""
	log "== $label"
	start_server "$@"
	# httpload waits for /readyz, and exits 1 on any failed request: that
	# run still reports, and the script exits 1 at the end.
	if ! "$work/httpload" -url "$server_url/graphql" -wait 30s -c "$concurrency" -d "$duration" \
		-label "$label" -o "$out" >&2; then
		status=1
		if [[ ! -s $out ]]; then
			log "run.sh: $label: no result"
			exit 1
		fi
	fi
	stop_server
	results+=("$out")
}

start_postgres() {
	local port
	pg_dir=$(mktemp -d /tmp/civicgraph-bench-pg.XXXXXX)
	if [[ $EUID -eq 0 ]]; then
		chown postgres: "$pg_dir" # initdb creates data/, the server its socket here
	fi
	as_pg "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -A trust -E UTF8 --locale=C -N >"$pg_dir/initdb.log" 2>&1 || {
		cat "$pg_dir/initdb.log" >&2
		return 1
	}
	for _ in 1 2 3; do
		port=$(free_port)
		# fsync and friends off: the cluster is thrown away, as pgtest's is.
		as_pg "$pg_bin/postgres" -D "$pg_dir/data" -p "$port" -k "$pg_dir" \
			-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
			-c full_page_writes=off -c max_connections=200 >>"$pg_dir/postgres.log" 2>&1 &
		pg_pid=$!
		for _ in {1..300}; do
			if "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
				pg_url="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
				return 0
			fi
			kill -0 "$pg_pid" 2>/dev/null || break # the port was taken: try another
			sleep 0.1
		done
		wait "$pg_pid" 2>/dev/null || true
		pg_pid=""
	done
	log "run.sh: PostgreSQL did not start:"
	cat "$pg_dir/postgres.log" >&2
	return 1
}

cd "$root"
log "building civicgraph and httpload"
go build -o "$work/civicgraph" .
go build -o "$work/httpload" ./bench/httpload

bench "memory" -store memory
bench "memory -cache 0" -store memory -cache 0

"$work/civicgraph" load -store "bolt:$work/bolt" >&2
bench "bolt" -store "bolt:$work/bolt"
bench "bolt -cache 0" -store "bolt:$work/bolt" -cache 0

pg_bin=$(find /usr/lib/postgresql -path '*/bin/postgres' 2>/dev/null | sort -V | tail -n1 || true)
pg_bin=${pg_bin%/postgres}
if [[ -z $pg_bin || ! -x $pg_bin/initdb ]]; then
	log ""
	log "PostgreSQL not installed (/usr/lib/postgresql/*/bin/postgres): skipping it"
	pg_bin=""
elif [[ $EUID -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
	log ""
	log "running as root without a postgres OS user: skipping PostgreSQL"
	pg_bin=""
fi
if [[ -n $pg_bin ]]; then
	start_postgres
	"$work/civicgraph" load -store "$pg_url" >&2
	bench "postgres" -store "$pg_url"
	bench "postgres -cache 0" -store "$pg_url" -cache 0
fi

echo ""
echo "Load: $duration per configuration, $concurrency clients, $(nproc) CPUs, $(go env GOVERSION);"
echo "each figure over memory's (cache on) in this run: req/s higher is better, latency lower."
echo ""
"$work/httpload" compare "${results[@]}"
exit "$status"

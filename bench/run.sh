#!/usr/bin/env bash
# Load runs: civicgraph on each store and cache configuration beside what a
# user would run instead, all asked the same question, in one run, so that
# only ratios measured side by side are compared (the machine is shared and
# noisy; wrk runs on the same cores as the servers).
#
# It starts, each in its own process, all at once:
#   - civicgraph (built once from this tree) on the memory store with its
#     defaults (the entity cache, -cache, and the response cache on), with
#     the entity cache only, and with both caches off; on bolt and on
#     PostgreSQL with its defaults and with both caches off;
#   - bench/gqlmin, a minimal gqlgen server answering the same request with
#     the same bytes from a Go map: the cost of GraphQL itself;
#   - bench/hello, a net/http handler returning those bytes: the ceiling;
#   - Cayley's own HTTP server (cayley http, upstream's at the version
#     go.mod requires, built into bin/cayley and kept there; the copy in
#     third_party/ that go.mod's replace points at has no command) on a
#     copy of the bolt files civicgraph wrote, asked bench/honours.gizmo.js,
#     the same honours in Gizmo.
# It checks that every GraphQL server answers with civicgraph's bytes and
# Cayley with the same honours, before and after the load; warms each up;
# then drives each with wrk (bench/query.lua: the same POST bytes every
# time) for BENCH_DURATION, at each of BENCH_CONNECTIONS, in BENCH_ROUNDS
# interleaved rounds (round 1: every configuration, round 2: every
# configuration, …). It records requests/s, p50, p99, errors (socket errors
# and statuses above 399), the server's CPU time per request (utime+stime
# from /proc/PID/stat; PostgreSQL's processes apart) and its peak RSS
# (VmHWM), and bench/plot turns the medians into the report: the table, the
# ratios against the targets, met or missed, and a picture.
#
#   bash bench/run.sh     BENCH_DURATION (default 5s), BENCH_ROUNDS (3),
#                         BENCH_CONNECTIONS (default "16 64"),
#                         BENCH_THREADS (wrk threads, default: the CPUs),
#                         BENCH_WARMUP (2s per server before round 1),
#                         BENCH_OUT (default docs/bench: results.md,
#                         performance.svg and the raw results.tsv),
#                         BENCH_DOC (default docs/performance.md, whose
#                         report part a run without errors replaces; empty:
#                         none), BENCH_README (default README.md, whose
#                         summary part it replaces likewise),
#                         BENCH_PROFILE (a folder: a CPU profile of each
#                         civicgraph configuration under load in the last
#                         round at the most connections, KEY.pprof, from
#                         its -metrics-addr listener; default: none)
#
# The defaults take about 8 minutes, and the first run 2 to 7 more to build
# Cayley. PostgreSQL runs when a server binary is installed
# (/usr/lib/postgresql/*/bin/postgres): a throwaway cluster on a free
# loopback port, like internal/pgtest's. wrk and curl are installed from
# Debian's packages when missing (as root). Every process it starts is
# stopped, and every temporary file removed, on exit; it exits non-zero on
# any error or differing answer.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
duration=${BENCH_DURATION:-5s}
rounds=${BENCH_ROUNDS:-3}
connections=${BENCH_CONNECTIONS:-16 64}
threads=${BENCH_THREADS:-$(nproc)}
warmup=${BENCH_WARMUP:-2s}
out=${BENCH_OUT:-$root/docs/bench}
doc=${BENCH_DOC-$root/docs/performance.md}
readme=${BENCH_README-$root/README.md}
profile=${BENCH_PROFILE:-}
entity=person/ma-shanxiang # README's headline entity
query='query($id:ID!){entity(id:$id){id name ... on Person{honours{time honour{id name} evidence{quote start end}}}}}'

log() { printf '%s\n' "$*" >&2; }
die() {
	log "run.sh: $*"
	exit 1
}

seconds() { # 90s, 2m → seconds
	local d=$1
	case $d in
	*m) echo $((${d%m} * 60)) ;;
	*s) echo "${d%s}" ;;
	*) echo "$d" ;;
	esac
}
for d in "$duration" "$warmup"; do
	[[ $d =~ ^[0-9]+[sm]?$ ]] && (($(seconds "$d") >= 1 && $(seconds "$d") <= 600)) ||
		die "BENCH_DURATION=$duration, BENCH_WARMUP=$warmup: whole seconds or minutes, 1s to 10m"
done
[[ $rounds =~ ^[0-9]+$ ]] && ((rounds >= 1 && rounds <= 20)) || die "BENCH_ROUNDS=$rounds: 1 to 20"
read -r -a conns_list <<<"$connections"
((${#conns_list[@]} >= 1)) || die "BENCH_CONNECTIONS is empty"
for c in "${conns_list[@]}"; do
	[[ $c =~ ^[0-9]+$ ]] && ((c >= 1 && c <= 1024)) || die "BENCH_CONNECTIONS=$connections: each 1 to 1024"
done
[[ $threads =~ ^[0-9]+$ ]] && ((threads >= 1)) || die "BENCH_THREADS=$threads: a positive number"
if [[ -n $profile ]]; then
	mkdir -p "$profile" || die "BENCH_PROFILE=$profile: cannot create it"
	profile=$(cd "$profile" && pwd)
fi

# wrk and curl, from Debian's packages.
missing=()
for tool in wrk curl; do
	command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]} > 0)); then
	[[ $EUID -eq 0 ]] || die "${missing[*]} not installed: apt-get install ${missing[*]}"
	log "installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2 ||
		{ apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2; }
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/civicgraph-bench.XXXXXX")
pids=()
pg_pid=""
pg_dir=""
pg_bin=""
pg_url=""

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
	local p
	for p in "${pids[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
	done
	for p in "${pids[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	pids=()
	stop_postgres
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# free_port prints a loopback port nothing answers on. Another process may
# take it first; its users retry on a fresh one.
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

# The configurations, in the order of every round and of the report.
keys=()
declare -A label started pid_of url_of body_of ctype_of metrics_of

# add_config KEY LABEL STARTED-AS: STARTED-AS is how the report shows the
# command, without this run's temporary paths.
add_config() {
	keys+=("$1")
	label[$1]=$2
	started[$1]=$3
}

# start_logged KEY CMD…: starts a server that logs "listening
# addr=http://…" once it listens on the port the kernel picked, and sets
# its pid and base URL.
start_logged() {
	local key=$1 logf="$work/$1.log" url="" pid
	shift
	: >"$logf"
	if [[ -n $profile && $1 == "$work/civicgraph" ]]; then
		set -- "$@" -metrics-addr 127.0.0.1:0
	fi
	"$@" 2>>"$logf" >&2 &
	pid=$!
	pids+=("$pid")
	for _ in {1..1200}; do
		url=$(grep -o -m1 'listening addr=http://[0-9.:]*' "$logf" | sed 's/^listening addr=//' || true)
		[[ -n $url ]] && break
		if ! kill -0 "$pid" 2>/dev/null; then
			cat "$logf" >&2
			die "$key: the server exited"
		fi
		sleep 0.1
	done
	[[ -n $url ]] || die "$key: the server did not listen within 120 s"
	case $url in http://127.0.0.1:*) ;; *) die "$key: not a loopback address: $url" ;; esac
	if [[ -n $profile && $1 == "$work/civicgraph" ]]; then
		# The -metrics-addr listener logs its address just before the server.
		metrics_of[$key]=$(grep -o -m1 'metrics listening"\{0,1\} addr=http://[0-9.:]*' "$logf" | sed 's/.*addr=//' || true)
		[[ -n ${metrics_of[$key]} ]] || die "$key: no metrics listener in its log"
	fi
	pid_of[$key]=$pid
	url_of[$key]=$url/graphql
	body_of[$key]=$work/request.json
	ctype_of[$key]=application/json
}

# start_cayley KEY DBDIR: Cayley's HTTP server, read-only on a bolt
# directory, on a free port (retried if another process takes it).
start_cayley() {
	local key=$1 db=$2 port pid logf="$work/$1.log"
	for _ in 1 2 3; do
		port=$(free_port) || die "no free port"
		"$root/bin/cayley" http --db bolt --dbpath "$db" --read_only --host "127.0.0.1:$port" >"$logf" 2>&1 &
		pid=$!
		pids+=("$pid")
		for _ in {1..600}; do
			if curl -fsS -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null; then
				pid_of[$key]=$pid
				url_of[$key]="http://127.0.0.1:$port/api/v2/query?lang=gizmo"
				body_of[$key]=$root/bench/honours.gizmo.js
				ctype_of[$key]=text/plain
				return 0
			fi
			kill -0 "$pid" 2>/dev/null || break # the port was taken: try another
			sleep 0.1
		done
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	cat "$logf" >&2
	die "$key: Cayley did not start"
}

start_postgres() {
	local port
	pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/civicgraph-bench-pg.XXXXXX")
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

# cpu_ticks PID: the process's user and system time, in clock ticks.
cpu_ticks() {
	local line rest f
	read -r line <"/proc/$1/stat" || die "process $1 is gone"
	rest=${line##*) } # after the command name, which may hold spaces
	read -r -a f <<<"$rest"
	echo $((f[11] + f[12]))
}

# pg_ticks: the CPU time of the whole PostgreSQL cluster, in clock ticks:
# the postmaster's own and that of the backends it has reaped, and the
# live backends'.
pg_ticks() {
	local pm line rest f total stat
	read -r pm <"$pg_dir/data/postmaster.pid"
	read -r line <"/proc/$pm/stat"
	rest=${line##*) }
	read -r -a f <<<"$rest"
	total=$((f[11] + f[12] + f[13] + f[14]))
	for stat in /proc/[0-9]*/stat; do
		read -r line 2>/dev/null <"$stat" || continue
		rest=${line##*) }
		read -r -a f <<<"$rest"
		if [[ ${f[1]} == "$pm" ]]; then
			total=$((total + f[11] + f[12]))
		fi
	done
	echo "$total"
}

# check KEY WHEN: the server's answer is civicgraph's bytes (Cayley's: the
# same honours), and no GraphQL error.
check() {
	local key=$1 when=$2 got="$work/check-$1.json" code
	code=$(curl -sS -o "$got" -w '%{http_code}' -X POST -H "Content-Type: ${ctype_of[$key]}" \
		--data-binary "@${body_of[$key]}" "${url_of[$key]}") || die "$key ($when): curl failed"
	[[ $code == 200 ]] || die "$key ($when): status $code: $(head -c 300 "$got")"
	if [[ $key == cayley ]]; then
		"$work/plot" same-honours "$work/answer.json" "$got" || die "$key ($when): Cayley's answer differs from civicgraph's"
	elif ! cmp -s "$got" "$work/answer.json"; then
		log "civicgraph: $(cat "$work/answer.json")"
		log "$key:       $(cat "$got")"
		die "$key ($when): the answer's bytes differ from civicgraph's"
	fi
}

# drive KEY CONNS DURATION: one wrk run; prints wrk's bench: line.
drive() {
	local key=$1 c=$2 d=$3 t=$threads
	((t <= c)) || t=$c
	BENCH_BODY_FILE=${body_of[$key]} BENCH_CONTENT_TYPE=${ctype_of[$key]} \
		wrk -t "$t" -c "$c" -d "$d" --timeout 10s -s "$root/bench/query.lua" "${url_of[$key]}" >"$work/wrk.txt" 2>&1 ||
		die "$key: wrk failed: $(cat "$work/wrk.txt")"
	grep '^bench: ' "$work/wrk.txt" || die "$key: wrk printed no bench: line: $(cat "$work/wrk.txt")"
}

status=0
# measure ROUND CONNS KEY: appends one line to results.tsv.
measure() {
	local round=$1 c=$2 key=$3 pid=${pid_of[$3]} clk cpu0 cpu1 db0="" db1="" line db_us hwm prof=""
	clk=$(getconf CLK_TCK)
	if [[ -n ${metrics_of[$key]:-} && $round == "$rounds" && $c == "$max_conns" ]]; then
		# The profile ends a second before the load does.
		curl -sS -o "$profile/$key.pprof" "${metrics_of[$key]}/debug/pprof/profile?seconds=$(($(seconds "$duration") > 1 ? $(seconds "$duration") - 1 : 1))" &
		prof=$!
		pids+=("$prof")
	fi
	cpu0=$(cpu_ticks "$pid")
	[[ $key == postgres* ]] && db0=$(pg_ticks)
	line=$(drive "$key" "$c" "$duration")
	[[ -z $prof ]] || wait "$prof" || die "$key: the CPU profile failed"
	cpu1=$(cpu_ticks "$pid")
	[[ $key == postgres* ]] && db1=$(pg_ticks)
	get() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<" ${line#bench: }"; }
	local requests dur p50 p99 maxl errors
	requests=$(get requests) dur=$(get duration_us) p50=$(get p50_us) p99=$(get p99_us) maxl=$(get max_us)
	errors=$(($(get connect) + $(get read) + $(get write) + $(get status) + $(get timeout)))
	db_us=-
	[[ -n $db0 ]] && db_us=$(((db1 - db0) * 1000000 / clk))
	hwm=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB$/\1/p' "/proc/$pid/status")
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$c" "$key" "$requests" "$dur" "$p50" "$p99" "$maxl" \
		"$errors" $(((cpu1 - cpu0) * 1000000 / clk)) "$db_us" "$hwm" >>"$work/report/results.tsv"
	local rps=0
	((dur > 0)) && rps=$((requests * 1000000 / dur))
	log "$(printf 'round %d/%d  %4d connections  %-14s %7d req/s  p50 %6.2f ms  p99 %7.2f ms  %d errors' \
		"$round" "$rounds" "$c" "$key" "$rps" "$(awk "BEGIN{print $p50/1000}")" "$(awk "BEGIN{print $p99/1000}")" "$errors")"
	if ((errors > 0 || requests == 0)); then
		log "run.sh: $key: $errors errors, $requests requests"
		status=1
	fi
}

cd "$root"
log "building civicgraph, bench/gqlmin, bench/hello and bench/plot"
go build -o "$work/civicgraph" .
go build -o "$work/gqlmin" ./bench/gqlmin
go build -o "$work/hello" ./bench/hello
go build -o "$work/plot" ./bench/plot

# Cayley's own server, at the version civicgraph uses, kept in bin/
# between runs. Its go.mod has a replace, so go install refuses it: it is
# built in its module's folder in the read-only module cache, to an
# absolute path outside it.
cayley_version=$(go list -m -f '{{.Version}}' github.com/cayleygraph/cayley)
if [[ ! -x bin/cayley || $(cat bin/cayley.version 2>/dev/null) != "$cayley_version" ]]; then
	log "building Cayley $cayley_version into bin/cayley (the first time downloads its dependencies: minutes)"
	cayley_dir=$(go mod download -json "github.com/cayleygraph/cayley@$cayley_version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
	[[ -d $cayley_dir ]] || die "go mod download printed no Dir for Cayley $cayley_version"
	mkdir -p bin
	GOWORK=off GOFLAGS=-buildvcs=false go -C "$cayley_dir" build -o "$root/bin/cayley.tmp" ./cmd/cayley
	mv "$root/bin/cayley.tmp" "$root/bin/cayley"
	echo "$cayley_version" >bin/cayley.version
fi

# The response cache's flag, from the server's own help; its off value
# is 0 (a size) or false (a switch).
help=$("$work/civicgraph" -h 2>&1 || true)
rc_line=$(grep -E '^  -[a-z-]*cache[a-z-]*( |$)' <<<"$help" | grep -v -E '^  -cache( |$)' | head -n1 || true)
rc_off=()
note=""
if [[ -n $rc_line ]]; then
	read -r rc_name rc_type <<<"$rc_line"
	if [[ -n ${rc_type:-} ]]; then
		rc_off=("$rc_name" 0)
	else
		rc_off=("$rc_name=false")
	fi
	log "response cache flag: $rc_name (off: ${rc_off[*]})"
else
	note="This build has no response cache flag: the defaults are the entity cache only."
	log "no response cache flag in civicgraph -h: the defaults are the entity cache only"
fi
rc_shown=${rc_off[*]:+ ${rc_off[*]}}

add_config memory "memory, defaults" "civicgraph -store memory"
add_config memory-entity "memory, entity cache only" "civicgraph -store memory$rc_shown"
add_config memory-off "memory, caches off" "civicgraph -store memory -cache 0$rc_shown"
add_config bolt "bolt, defaults" "civicgraph -store bolt:DIR"
add_config bolt-off "bolt, caches off" "civicgraph -store bolt:DIR -cache 0$rc_shown"

pg_bin=$(find /usr/lib/postgresql -path '*/bin/postgres' 2>/dev/null | sort -V | tail -n1 || true)
pg_bin=${pg_bin%/postgres}
if [[ -z $pg_bin || ! -x $pg_bin/initdb ]]; then
	log "PostgreSQL not installed (/usr/lib/postgresql/*/bin/postgres): leaving it out"
	pg_bin=""
elif [[ $EUID -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
	log "running as root without a postgres OS user: leaving PostgreSQL out"
	pg_bin=""
fi
if [[ -n $pg_bin ]]; then
	add_config postgres "PostgreSQL, defaults" "civicgraph -store postgres://…"
	add_config postgres-off "PostgreSQL, caches off" "civicgraph -store postgres://… -cache 0$rc_shown"
fi
add_config gqlgen "minimal gqlgen server" "bench/gqlmin -data ANSWER.json"
add_config hello "hello-world net/http" "bench/hello -body ANSWER.json"
add_config cayley "Cayley HTTP, bolt, Gizmo" "bin/cayley http --db bolt --dbpath DIR --read_only, DIR a copy of civicgraph's bolt files (bench/honours.gizmo.js)"

# The request: the same bytes to every GraphQL server.
printf '{"query":"%s","variables":{"id":"%s"}}' "$query" "$entity" >"$work/request.json"

"$work/civicgraph" load -store "bolt:$work/bolt" >&2
# Cayley gets a copy of the same file: its bolt backend locks the file
# exclusively even when read-only, and would wait for civicgraph's servers.
cp -R "$work/bolt/$(cat "$work/bolt/CURRENT")" "$work/cayley"
if [[ -n $pg_bin ]]; then
	start_postgres || die "PostgreSQL did not start"
	"$work/civicgraph" load -store "$pg_url" >&2
fi

log "starting the servers"
start_logged memory "$work/civicgraph" -addr 127.0.0.1:0 -store memory
start_logged memory-entity "$work/civicgraph" -addr 127.0.0.1:0 -store memory "${rc_off[@]}"
start_logged memory-off "$work/civicgraph" -addr 127.0.0.1:0 -store memory -cache 0 "${rc_off[@]}"
start_logged bolt "$work/civicgraph" -addr 127.0.0.1:0 -store "bolt:$work/bolt"
start_logged bolt-off "$work/civicgraph" -addr 127.0.0.1:0 -store "bolt:$work/bolt" -cache 0 "${rc_off[@]}"
if [[ -n $pg_bin ]]; then
	start_logged postgres "$work/civicgraph" -addr 127.0.0.1:0 -store "$pg_url"
	start_logged postgres-off "$work/civicgraph" -addr 127.0.0.1:0 -store "$pg_url" -cache 0 "${rc_off[@]}"
fi

# civicgraph's answer, which gqlmin and hello then give back.
code=$(curl -sS -o "$work/answer.json" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
	--data-binary "@$work/request.json" "${url_of[memory-off]}") || die "civicgraph: curl failed"
[[ $code == 200 ]] || die "civicgraph: status $code: $(head -c 300 "$work/answer.json")"
grep -q '"errors"' "$work/answer.json" && die "civicgraph answered with errors: $(head -c 300 "$work/answer.json")"
grep -q "\"data\":{\"entity\":{\"id\":\"$entity\"" "$work/answer.json" || die "civicgraph's answer names no $entity: $(head -c 300 "$work/answer.json")"
grep -q '"evidence":\[{"quote":' "$work/answer.json" || die "civicgraph's answer holds no evidence: $(head -c 300 "$work/answer.json")"

start_logged gqlgen "$work/gqlmin" -addr 127.0.0.1:0 -data "$work/answer.json"
start_logged hello "$work/hello" -addr 127.0.0.1:0 -body "$work/answer.json"
start_cayley cayley "$work/cayley"

for key in "${keys[@]}"; do
	check "$key" before
done
log "every server gives civicgraph's answer ($(wc -c <"$work/answer.json") bytes; Cayley the same honours)"

load_before=$(cut -d' ' -f1 /proc/loadavg)
mkdir -p "$work/report"
printf 'round\tconns\tconfig\trequests\tduration_us\tp50_us\tp99_us\tmax_us\terrors\tcpu_us\tdb_cpu_us\trss_kib\n' >"$work/report/results.tsv"
max_conns=$(printf '%s\n' "${conns_list[@]}" | sort -n | tail -n1)
log "warming up each server for $warmup at $max_conns connections"
for key in "${keys[@]}"; do
	drive "$key" "$max_conns" "$warmup" >/dev/null
done
for ((round = 1; round <= rounds; round++)); do
	for c in "${conns_list[@]}"; do
		for key in "${keys[@]}"; do
			measure "$round" "$c" "$key"
		done
	done
done
for key in "${keys[@]}"; do
	kill -0 "${pid_of[$key]}" 2>/dev/null || die "$key: the server died during the run"
	check "$key" after
done

{
	for key in "${keys[@]}"; do
		printf '%s\t%s\t%s\n' "$key" "${label[$key]}" "${started[$key]}"
	done
} >"$work/report/configs.tsv"
revision=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git -C "$root" status --porcelain 2>/dev/null) ]]; then
	revision="$revision with uncommitted changes"
fi
{
	printf 'date\t%s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
	printf 'revision\t%s\n' "$revision"
	printf 'cpus\t%s\n' "$(nproc)"
	printf 'cpu\t%s\n' "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
	printf 'memory\t%s\n' "$(awk '/^MemTotal:/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)"
	printf 'go\t%s\n' "$(go env GOVERSION)"
	printf 'wrk\t%s\n' "$(wrk -v 2>&1 | head -n1 | awk '{print $1, $2}')"
	printf 'kernel\t%s\n' "$(uname -r)"
	printf 'command\t%s\n' "BENCH_DURATION=$duration BENCH_ROUNDS=$rounds BENCH_CONNECTIONS='$connections' bash bench/run.sh"
	printf 'duration\t%s\n' "$duration"
	printf 'threads\t%s\n' "$threads"
	printf 'entity\t%s\n' "$entity"
	printf 'load\t%s\n' "$load_before before the load, $(cut -d' ' -f1 /proc/loadavg) after"
	printf 'note\t%s\n' "$note"
} >"$work/report/meta.tsv"

echo ""
if ((status != 0)); then
	# A run with errors is shown, but neither kept nor put in the docs.
	"$work/plot" report -dir "$work/report"
	log ""
	log "errors in this run: nothing written to $out${doc:+, $doc}${readme:+, $readme}"
	exit "$status"
fi
doc_args=()
[[ -z $doc ]] || doc_args+=(-doc "$doc")
[[ -z $readme ]] || doc_args+=(-readme "$readme")
mkdir -p "$out"
cp "$work/report/results.tsv" "$work/report/configs.tsv" "$work/report/meta.tsv" "$out/"
"$work/plot" report -dir "$out" "${doc_args[@]}"
log ""
log "report: $out/results.md, picture: $out/performance.svg${doc:+, both in $doc}${readme:+, the summary in $readme}"
[[ -z $profile ]] || log "CPU profiles: $profile/*.pprof (go tool pprof -top FILE)"

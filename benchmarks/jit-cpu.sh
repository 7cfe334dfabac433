#!/usr/bin/env bash
# Where the CPU goes right after a start: one plain JVM against the 2-worker cluster whose first
# workers take traffic after their warm-up requests (quick) and the default one whose first
# workers warm up until their JIT compiler settles before the cluster is ready (warm), in
# alternating rounds. Each round starts the server (the time to ready is taken from its log),
# warms up /api/data and /api/primes?limit=20000 for SHORT_WARMUP each, measures /api/data, then
# measures /api/primes (keep-alive wrk, 2 threads, CONNECTIONS) while summing the CPU time of every
# thread of the server's processes by thread name (/proc/<pid>/task/<tid>/stat), as
# benchmarks/cluster.sh orders its short run. An idle JVM of the sample and a periodic gzip job run
# beside it throughout. Writes docs/jit-cpu.md. Loopback only; every run is bounded.
#
#   benchmarks/jit-cpu.sh
#   ROUNDS=5 benchmarks/jit-cpu.sh
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
SHORT_WARMUP=${SHORT_WARMUP:-4s}
CONNECTIONS=${CONNECTIONS:-32}
PORT=${PORT:-18080}
MANAGEMENT_PORT=${MANAGEMENT_PORT:-18081}
OUT=docs/jit-cpu.md
WORK=$(mktemp -d)
# shellcheck source=common.sh
source benchmarks/common.sh
trap finish EXIT
require_seconds DURATION 5 60
require_seconds SHORT_WARMUP 1 60
((ROUNDS >= 1 && ROUNDS <= 10)) || { echo "ROUNDS is $ROUNDS; accepted: 1 to 10" >&2; exit 1; }
start_companions

start_app() { # plain | quick | warm
	case $1 in
		plain) launch "Started SampleApplication" --app.cluster.enabled=false ;;
		quick) launch "Cluster ready" --app.cluster.instances=2 --app.cluster.worker.warmup.first-workers-until-compiled=false ;;
		warm) launch "Cluster ready" --app.cluster.instances=2 ;;
	esac
}

# Seconds from the start to ready, as the server logged it
ready_seconds() { # mode
	if [[ $1 == plain ]]; then
		grep -aoE "Started SampleApplication in [0-9.]+ seconds" "$LOG" | head -1 | awk '{print $4}'
	else
		grep -aoE "Cluster ready: [0-9]+ workers in [0-9.]+ s" "$LOG" | head -1 | awk '{print $6}'
	fi
}

# CPU ticks per thread kind (the thread's name without its number) over the given processes
thread_ticks() { # pid...
	local pid task
	for pid in "$@"; do
		for task in /proc/"$pid"/task/*; do
			{ sed 's/[-#]*[0-9]*$//; s/ /_/g' "$task/comm"; awk '{print $14 + $15}' "$task/stat"; } 2>/dev/null | paste -sd' '
		done
	done | awk 'NF == 2 {t[$1] += $2} END {for (k in t) print k, t[k]}' | sort
}

# "compiler-seconds other-seconds" between two thread_ticks outputs
cpu_split() { # before after
	join -a2 -e0 -o 0,1.2,2.2 "$1" "$2" | awk -v hz="$(getconf CLK_TCK)" '
		{d = $3 - $2} $1 ~ /Compiler/ {c += d; next} {o += d}
		END {printf "%.2f %.2f\n", c / hz, o / hz}'
}

declare -A results
MODES="plain quick warm"
echo "== $ROUNDS alternating rounds"
for round in $(seq 1 "$ROUNDS"); do
	for mode in $MODES; do
		start_app "$mode"
		[[ $mode == plain ]] || await_class_data
		results[$mode,ready]+="$(ready_seconds "$mode") "
		# shellcheck disable=SC2046
		set -- "$APP_PID" $(worker_pids)
		wrk -t2 -c"$CONNECTIONS" -d"$SHORT_WARMUP" "http://127.0.0.1:$PORT/api/data" >/dev/null
		wrk -t2 -c"$CONNECTIONS" -d"$SHORT_WARMUP" "http://127.0.0.1:$PORT/api/primes?limit=20000" >/dev/null
		read -r rps _ < <(load /api/data)
		results[$mode,data]+="$rps "
		thread_ticks "$@" >"$WORK/before"
		read -r rps p99 _ < <(load "/api/primes?limit=20000")
		thread_ticks "$@" >"$WORK/after"
		read -r compiler other < <(cpu_split "$WORK/before" "$WORK/after")
		results[$mode,primes]+="$rps "; results[$mode,p99]+="$p99 "
		results[$mode,compiler]+="$compiler "; results[$mode,other]+="$other "
		stop_app
		echo "round $round $mode: ready ${results[$mode,ready]}/ data ${results[$mode,data]}/ primes ${results[$mode,primes]}/ compiler s ${results[$mode,compiler]}"
	done
done

label() {
	case $1 in
		plain) echo "one JVM" ;;
		quick) echo "cluster, first workers take traffic after their requests" ;;
		warm) echo "cluster, first workers warm up until compiled (default)" ;;
	esac
}

report() {
	local mode plain_data plain_primes
	plain_data=$(m "${results[plain,data]}")
	plain_primes=$(m "${results[plain,primes]}")
	cat <<EOF
# Where the CPU goes right after a start

Produced by \`benchmarks/jit-cpu.sh\` on $(date -u +%F) on $(machine); numbers are what that run printed.
Each of $ROUNDS alternating rounds starts the server, warms up \`/api/data\` and \`/api/primes?limit=20000\` for $SHORT_WARMUP
each, measures \`/api/data\` for $DURATION, then \`/api/primes?limit=20000\` for $DURATION (wrk, 2 threads, $CONNECTIONS keep-alive
connections), the order of the short run of \`benchmarks/cluster.sh\`. CPU: the seconds every thread of the server's processes
(the primary and its workers) used during the \`/api/primes\` run, summed by thread name, the JIT compiler's threads apart.
An idle JVM of the sample and a gzip job (512 KB every 250 ms) ran beside it throughout. Medians of the rounds; ready: the
seconds the server logged from its start to ready (one JVM: \`Started\`; the cluster: \`Cluster ready\`).

| server | ready (s) | /api/data requests/s | / one JVM | /api/primes requests/s | / one JVM | /api/primes p99 (ms) | JIT compiler CPU (s) | other CPU (s) |
|---|---|---|---|---|---|---|---|---|
EOF
	for mode in $MODES; do
		echo "| $(label $mode) | $(m "${results[$mode,ready]}") | $(m "${results[$mode,data]}") | $(ratio "$(m "${results[$mode,data]}")" "$plain_data") | $(m "${results[$mode,primes]}") | $(ratio "$(m "${results[$mode,primes]}")" "$plain_primes") | $(m "${results[$mode,p99]}") | $(m "${results[$mode,compiler]}") | $(m "${results[$mode,other]}") |"
	done
	echo
	printf 'All rounds: '
	for key in $(printf '%s\n' "${!results[@]}" | sort); do printf '%s: %s; ' "$key" "${results[$key]}"; done
	echo
}

report | tee "$OUT"
echo "written to $OUT"

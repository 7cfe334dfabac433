#!/usr/bin/env bash
# Rolling reload and cold start benchmark: p99 during a rolling reload of 2 workers under a
# saturating and under a paced load of new connections, against the same load just before it, in
# alternating rounds of the cluster's defaults and one other mode (MODES), each on a freshly
# started and warmed-up cluster:
#   compiled   the defaults: replacements start gently and warm up until their JIT compiler settles
#   requests   app.cluster.worker.warmup.until-compiled=false: they warm up with their requests only
#   normal     app.cluster.worker.gentle-start=false: they start at normal priority
#   no-slow-start  app.cluster.worker.slow-start=0: once ready they take their even share of the
#              connections at once
# Then, on the same cluster,
# one worker killed (SIGKILL) under the saturating load and the seconds until its replacement is
# ready, warm-up included.
# An idle JVM of the sample and a periodic gzip job run throughout, besides the load generator.
# Prints a table and writes it to docs/reload-benchmark.md. Loopback only; every run is bounded.
#
#   benchmarks/reload.sh                 # 5 alternating rounds
#   ROUNDS=3 WARMUP=30s benchmarks/reload.sh
#   MODES="compiled requests" benchmarks/reload.sh
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-5}
MODES=${MODES:-compiled normal}
for mode in $MODES; do
	[[ $mode =~ ^(compiled|requests|normal|no-slow-start)$ ]] ||
		{ echo "MODES has $mode; accepted: compiled, requests, normal, no-slow-start" >&2; exit 1; }
done
# Per cluster, before the steady run: new connections on /api/data, then /api/primes.
WARMUP=${WARMUP:-20s}
DURATION=10s
CONNECTIONS=32
PORT=${PORT:-18080}
MANAGEMENT_PORT=${MANAGEMENT_PORT:-18081}
OUT=docs/reload-benchmark.md
WORK=$(mktemp -d)
# shellcheck source=common.sh
source benchmarks/common.sh
trap finish EXIT
start_companions

new_connection_loads

# A load of new connections for at most 3 minutes in the background, into FILE; stopped by
# stop_load (SIGINT: wrk prints what it measured up to then).
start_load() { # file wrk-args...
	local file=$1; shift
	wrk -t2 -d180s --latency "$@" "http://127.0.0.1:$PORT/api/data" >"$file" &
	LOAD_PID=$!
	sleep 2
}

# -> "p99ms": the same load for DURATION
steady() { # wrk-args...
	summarize "$(wrk -t2 -d"$DURATION" --latency "$@" "http://127.0.0.1:$PORT/api/data")" | awk '{print $2}'
}
stop_load() {
	kill -INT "$LOAD_PID" 2>/dev/null || true
	wait "$LOAD_PID" || true
}

# -> "p99ms failed duration-s": the load runs from 2 s before the reload until it finished.
reload_trial() { # wrk-args...
	local accepted id body
	start_load "$WORK/reload" "$@"
	accepted=$(curl -s -X POST -H 'Content-Type: application/json' -d '{}' \
		"http://127.0.0.1:$MANAGEMENT_PORT/actuator/cluster/reload")
	id=$(sed -E 's/.*"id":"([^"]+)".*/\1/' <<<"$accepted")
	for _ in $(seq 1 1500); do
		body=$(curl -s "http://127.0.0.1:$MANAGEMENT_PORT/actuator/cluster/reload")
		grep -q "\"id\":\"$id\"" <<<"$body" && ! grep -q '"state":"running"' <<<"$body" && break
		sleep 0.1
	done
	stop_load
	grep -q '"state":"succeeded"' <<<"$body" || { echo "reload did not succeed: $body" >&2; exit 1; }
	local started finished
	started=$(sed -E 's/.*"started":"([^"]+)".*/\1/' <<<"$body")
	finished=$(sed -E 's/.*"finished":"([^"]+)".*/\1/' <<<"$body")
	read -r _ p99 failed < <(summarize "$(cat "$WORK/reload")")
	echo "$p99 $failed $(echo "$(date -d "$finished" +%s.%N) - $(date -d "$started" +%s.%N)" | bc | xargs printf '%.1f')"
}

# -> seconds from SIGKILL of worker 0's process to its replacement being ready, under the load
cold_start() {
	local readies killed_at
	readies=$(grep -c ") ready in " "$LOG" || true)
	start_load "$WORK/cold" "${SATURATING[@]}"
	killed_at=$(date +%s.%N)
	kill -KILL "$(worker_pids | head -1)"
	for _ in $(seq 1 1200); do
		[[ $(grep -c ") ready in " "$LOG" || true) -gt $readies ]] && break
		sleep 0.1
	done
	echo "$(date +%s.%N) - $killed_at" | bc | xargs printf '%.1f'
	stop_load
}

declare -A results
for round in $(seq 1 "$ROUNDS"); do
	for mode in $MODES; do
		args=(--app.cluster.instances=2)
		[[ $mode == requests ]] && args+=(--app.cluster.worker.warmup.until-compiled=false)
		[[ $mode == normal ]] && args+=(--app.cluster.worker.gentle-start=false)
		[[ $mode == no-slow-start ]] && args+=(--app.cluster.worker.slow-start=0)
		launch "Cluster ready" "${args[@]}"
		await_class_data
		warm_up_with_new_connections
		for load in saturating paced; do
			args=("${SATURATING[@]}")
			[[ $load == paced ]] && args=("${PACING[@]}")
			steady=$(steady "${args[@]}")
			read -r p99 failed duration < <(reload_trial "${args[@]}")
			results[$mode,$load,steady]+="$steady "; results[$mode,$load,reload]+="$p99 "
			results[$mode,$load,ratio]+="$(ratio "$p99" "$steady") "
			results[$mode,$load,failed]+="$failed "; results[$mode,$load,duration]+="$duration "
			echo "round $round $mode $load: steady p99 $steady ms, reload p99 $p99 ms, failed $failed, reload $duration s"
		done
		cold=$(cold_start)
		results[$mode,cold]+="$cold "
		echo "round $round $mode: cold start $cold s"
		grep -E "had [0-9]+ ms of CPU|runs at nice|more rounds|\(replacement\) ready in" "$LOG" | sed -E "s/.*(Warmed up)/\1/" | sed 's/^/    /' || true
		stop_app
	done
done

mode_label() { # mode
	case $1 in
		compiled) echo "gentle start-up, warm-up until compiled (the defaults)" ;;
		requests) echo "gentle start-up, warm-up with requests only (\`warmup.until-compiled=false\`)" ;;
		normal) echo "normal priority (\`gentle-start=false\`), warm-up until compiled" ;;
		no-slow-start) echo "gentle start-up, warm-up until compiled, no slow start (\`slow-start=0\`)" ;;
	esac
}
row() { # mode load
	local k=$1,$2
	echo "| $2 | $(mode_label "$1") | $(m "${results[$k,steady]}") | $(m "${results[$k,reload]}") | $(m "${results[$k,ratio]}") | ${results[$k,failed]}| $(m "${results[$k,duration]}") |"
}
rows() { for load in saturating paced; do for mode in $MODES; do row "$mode" "$load"; done; done; }
colds() { for mode in $MODES; do echo -n "${results[$mode,cold]}"; done; }
table=$(cat <<TABLE
Run on $(date -u +%Y-%m-%d) on $(machine).
Each round starts a cluster of 2 workers (the sample's defaults), waits until their class data archive exists, warms it up with $WARMUP of new connections on \`/api/data\`
and $WARMUP on \`/api/primes?limit=20000\`. Then, for each load, it measures the steady p99 of \`/api/data\` ($DURATION) and runs the
same load from 2 s before a \`POST /actuator/cluster/reload\` until the reload finished. Saturating: $CONNECTIONS connections without pause,
\`Connection: close\` (a new connection per request), the 2 cores fully busy. Paced: 16 connections, each 20 ms between requests,
\`Connection: close\`, room left on the cores. Last, worker 0 is killed (SIGKILL) under the saturating load. Rounds alternate
the modes below. A replacement started gently runs at nice +10, raised by two nice values after every 2 s in which it got
less than a quarter of a core, and at the primary's once ready; warming up until compiled goes on until its JIT compiler
settles (judged in batches that each hold 250 ms of the worker's CPU time), at most \`app.cluster.worker.warmup.timeout\`
(10 s), past the sample's 20 requests per warm-up path; the first round and every tenth also ask the worker's management
server for \`/actuator/health/ping\`. With the defaults, a replacement once ready holds a quarter as many connections as
the other worker at first and as many after 15 s (\`app.cluster.worker.slow-start\`). An idle JVM of
the sample and a gzip job (512 KB every 250 ms) run throughout. Medians of $ROUNDS rounds each.

| load | replacements | p99 steady (ms) | p99 during reload (ms) | reload / steady p99 (median of the rounds' ratios) | failed requests per round | reload duration (s) |
|---|---|---|---|---|---|---|
$(rows)

One worker killed (SIGKILL) under the same load, seconds until its replacement is ready (a restart of a worker that served
starts at nice -5 until ready, \`app.cluster.restart.urgent\`, and warms up with its requests only in every mode): median $(m "$(colds)") s of $(wc -w <<<"$(colds)") ($(colds)).

All rounds: $(for key in "${!results[@]}"; do echo "$key: ${results[$key]}"; done | sort | paste -sd ';' | sed 's/;/; /g').
TABLE
)
echo
echo "$table"
{
	echo "# Rolling reload benchmark"
	echo
	echo "Produced by \`benchmarks/reload.sh\`; numbers are what that run printed. This machine is shared and noisy:"
	echo "compare medians and ratios within one run, not across runs."
	echo
	echo "$table"
} >"$OUT"
echo "written to $OUT"

#!/usr/bin/env bash
# Restart benchmark: a worker killed (SIGKILL, as the OOM killer does) under a saturating load of
# new connections, the seconds until its restart is ready (warm-up included), and the p99,
# requests/s and failed requests over a window of the load around the kill, against the same load
# just before, in
# alternating rounds of two modes, each on a freshly started and warmed-up cluster of 2 workers:
#   urgent   the defaults: a worker restarted after it served starts at nice -5 until ready
#   normal   app.cluster.restart.urgent=false: it starts at the primary's priority
# An idle JVM of the sample and a periodic gzip job run throughout, besides the load generator.
# Prints a table and writes it to docs/restart-benchmark.md. Loopback only; every run is bounded.
#
#   benchmarks/restart.sh                # 4 alternating rounds of 3 kills each
#   ROUNDS=2 KILLS=5 benchmarks/restart.sh
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-4}
KILLS=${KILLS:-3}
MODES=${MODES:-urgent normal}
for mode in $MODES; do
	[[ $mode =~ ^(urgent|normal)$ ]] || { echo "MODES has $mode; accepted: urgent, normal" >&2; exit 1; }
done
# Per cluster, before the steady run: new connections on /api/data, then /api/primes.
WARMUP=${WARMUP:-20s}
DURATION=10s
# The load around each kill: 1 s before it, the rest after, long enough for a restart to be ready.
WINDOW=${WINDOW:-15s}
CONNECTIONS=32
PORT=${PORT:-18080}
MANAGEMENT_PORT=${MANAGEMENT_PORT:-18081}
OUT=docs/restart-benchmark.md
WORK=$(mktemp -d)
# shellcheck source=common.sh
source benchmarks/common.sh
trap finish EXIT
start_companions
new_connection_loads

# -> "seconds-to-ready p99ms rps failed": the same load for WINDOW, the oldest worker killed 1 s
# into it; seconds until its restart is ready, and what the load measured over the whole window.
# Then WARMUP of the load, so that the next kill meets warm workers, as one in production does.
kill_trial() {
	local readies killed_at ready_s load_pid
	readies=$(grep -c ") ready in " "$LOG" || true)
	wrk -t2 -d"$WINDOW" --latency "${SATURATING[@]}" "http://127.0.0.1:$PORT/api/data" >"$WORK/kill" &
	load_pid=$!
	sleep 1
	killed_at=$(date +%s.%N)
	kill -KILL "$(worker_pids | head -1)"
	for _ in $(seq 1 900); do
		[[ $(grep -c ") ready in " "$LOG" || true) -gt $readies ]] && break
		sleep 0.1
	done
	ready_s=$(echo "$(date +%s.%N) - $killed_at" | bc | xargs printf '%.1f')
	wait "$load_pid" || true
	if [[ $(grep -c ") ready in " "$LOG" || true) -le $readies ]]; then
		echo "no restart ready within 90 s of SIGKILL" >&2
		exit 1
	fi
	read -r rps p99 failed < <(summarize "$(cat "$WORK/kill")")
	wrk -t2 -c"$CONNECTIONS" -d"$WARMUP" "${CLOSE[@]}" "http://127.0.0.1:$PORT/api/data" >/dev/null
	echo "$ready_s $p99 $rps $failed"
}

declare -A results
for round in $(seq 1 "$ROUNDS"); do
	for mode in $MODES; do
		# Kills more often than a crash loop allows by default; each killed worker has served
		# for over 10 s, so it counts as stable (restarted at once), as a long-running one does.
		args=(--app.cluster.instances=2 --app.cluster.restart.max-attempts=100 --app.cluster.restart.stable-uptime=10s)
		[[ $mode == normal ]] && args+=(--app.cluster.restart.urgent=false)
		launch "Cluster ready" "${args[@]}"
		await_class_data
		warm_up_with_new_connections
		read -r steady_rps steady_p99 _ < <(summarize "$(wrk -t2 -d"$DURATION" --latency "${SATURATING[@]}" "http://127.0.0.1:$PORT/api/data")")
		results[$mode,steady]+="$steady_p99 "; results[$mode,steady_rps]+="$steady_rps "
		for kill in $(seq 1 "$KILLS"); do
			read -r ready p99 rps failed < <(kill_trial)
			results[$mode,ready]+="$ready "; results[$mode,p99]+="$p99 "; results[$mode,rps]+="$rps "
			results[$mode,ratio]+="$(ratio "$p99" "$steady_p99") "; results[$mode,failed]+="$failed "
			echo "round $round $mode kill $kill: ready after $ready s, p99 $p99 ms (steady $steady_p99), $rps req/s (steady $steady_rps), failed $failed"
		done
		grep -E "restores the capacity|runs at nice|) ready in " "$LOG" | sed -E 's/.*: (worker [0-9])/    \1/' | tail -n $((KILLS * 3)) || true
		stop_app
	done
done

mode_label() { # mode
	case $1 in
		urgent) echo "at nice -5 until ready (the defaults)" ;;
		normal) echo "at normal priority (\`restart.urgent=false\`)" ;;
	esac
}
row() { # mode
	local k=$1
	echo "| $(mode_label "$1") | $(m "${results[$k,ready]}") (${results[$k,ready]% }) | $(m "${results[$k,steady]}") | $(m "${results[$k,p99]}") | $(m "${results[$k,ratio]}") | $(m "${results[$k,steady_rps]}") | $(m "${results[$k,rps]}") | ${results[$k,failed]}|"
}
table=$(cat <<TABLE
Run on $(date -u +%Y-%m-%d) on $(machine).
Each round starts a cluster of 2 workers (the sample's defaults), waits until their class data archive exists, warms it up with $WARMUP of new connections on \`/api/data\`
and $WARMUP on \`/api/primes?limit=20000\`, and measures the steady p99 and requests/s of \`/api/data\` under $CONNECTIONS connections without pause,
\`Connection: close\` (a new connection per request, the 2 cores fully busy; $DURATION). Then $KILLS times: the same load for $WINDOW, 1 s into it the
oldest worker is killed (SIGKILL); its restart is ready once warmed up with the sample's 20 requests per path. Between kills, $WARMUP of the
load warms the restarted worker up.
Rounds alternate the modes. An idle JVM of the sample and a gzip job (512 KB every 250 ms) run throughout. Medians of
$ROUNDS rounds of $KILLS kills each.

| restart | SIGKILL to ready (s), median (all) | p99 steady (ms) | p99 over the $WINDOW window (ms) | window / steady p99 (median of the ratios) | req/s steady | req/s over the window | failed requests per kill |
|---|---|---|---|---|---|---|---|
$(for mode in $MODES; do row "$mode"; done)

Failed requests: wrk's socket errors and non-2xx responses over the window.

All rounds: $(for key in "${!results[@]}"; do echo "$key: ${results[$key]}"; done | sort | paste -sd ';' | sed 's/;/; /g').
TABLE
)
echo
echo "$table"
{
	echo "# Restart benchmark"
	echo
	echo "Produced by \`benchmarks/restart.sh\`; numbers are what that run printed. This machine is shared and noisy:"
	echo "compare medians and ratios within one run, not across runs."
	echo
	echo "$table"
} >"$OUT"
echo "written to $OUT"

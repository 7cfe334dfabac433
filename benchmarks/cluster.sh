#!/usr/bin/env bash
# Cluster benchmark: throughput and p99 of one plain JVM against a cluster of two workers on the
# same cores, each worker pinned to its own CPU (app.cluster.worker.cpu-affinity=on) and both on
# both CPUs (off), after a short and after a long warm-up; memory (Pss and Rss); requests failed
# while a worker is stopped or killed under load; @Offload isolation. Rolling reloads: reload.sh.
# The host is not emptied for it: an idle JVM of the sample and a small periodic job (gzip of
# 512 KB every 250 ms, like a log shipper) run throughout, besides the load generator.
# Prints a table and writes it to docs/benchmarks.md. Loopback only; every load run is bounded.
#
#   benchmarks/cluster.sh            # 5 alternating rounds of 10 s per measurement
#   ROUNDS=7 DURATION=20s benchmarks/cluster.sh
#   STOPS_ONLY=1 benchmarks/cluster.sh   # only the stop trials, printed, docs left as they are
#   MEMORY_ONLY=1 benchmarks/cluster.sh  # only the memory after the same requests, printed, docs left
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-10s}
# Per endpoint. Short: what a user who tries it meets first. Long (after the short one): enough for
# the JIT, which a cluster runs once per worker, each on its share of the cores.
SHORT_WARMUP=${SHORT_WARMUP:-4s}
WARMUP=${WARMUP:-20s}
CONNECTIONS=${CONNECTIONS:-32}
STOP_TRIALS=${STOP_TRIALS:-5}
# Memory after the same work: this many /api/data requests, then a fifth as many /api/primes.
MEMORY_REQUESTS=${MEMORY_REQUESTS:-100000}
SETTLE=${SETTLE:-10s}
PORT=${PORT:-18080}
MANAGEMENT_PORT=${MANAGEMENT_PORT:-18081}
OUT=docs/benchmarks.md
WORK=$(mktemp -d)
# shellcheck source=common.sh
source benchmarks/common.sh
trap finish EXIT
start_companions

start_app() { # plain | pinned | shared | cluster (the defaults) [extra args...]
	local mode=$1; shift
	case $mode in
		plain) launch "Started SampleApplication" --app.cluster.enabled=false "$@" ;;
		pinned) launch "Cluster ready" --app.cluster.instances=2 --app.cluster.worker.cpu-affinity=on "$@" ;;
		shared) launch "Cluster ready" --app.cluster.instances=2 --app.cluster.worker.cpu-affinity=off "$@" ;;
		*) launch "Cluster ready" --app.cluster.instances=2 "$@" ;;
	esac
}

prepare_class_data
declare -A results
# remember_memory MODE SUFFIX pid...: their Pss and Rss into results[MODE,pss|rss SUFFIX]
remember_memory() {
	local mode=$1 suffix=$2; shift 2
	results[$mode,pss$suffix]+="$(memory_mb Pss "$@") "; results[$mode,rss$suffix]+="$(memory_mb Rss "$@") "
}
MODES="plain pinned shared"
require_seconds SETTLE 0 60
((MEMORY_REQUESTS >= 1000 && MEMORY_REQUESTS <= 1000000)) ||
	{ echo "MEMORY_REQUESTS is $MEMORY_REQUESTS; accepted: 1000 to 1000000" >&2; exit 1; }
[[ -n ${STOPS_ONLY:-} && -n ${MEMORY_ONLY:-} ]] && { echo "STOPS_ONLY and MEMORY_ONLY: set one at most" >&2; exit 1; }
THROUGHPUT_ROUNDS=$ROUNDS
[[ -n ${STOPS_ONLY:-}${MEMORY_ONLY:-} ]] && THROUGHPUT_ROUNDS=0
echo "== throughput: $THROUGHPUT_ROUNDS alternating rounds, $DURATION each, $CONNECTIONS connections"
for round in $(seq 1 "$THROUGHPUT_ROUNDS"); do
	for mode in $MODES; do
		start_app "$mode"
		for warmup in short long; do
			duration=$SHORT_WARMUP
			[[ $warmup == long ]] && duration=$WARMUP
			wrk -t2 -c"$CONNECTIONS" -d"$duration" "http://127.0.0.1:$PORT/api/data" >/dev/null
			wrk -t2 -c"$CONNECTIONS" -d"$duration" "http://127.0.0.1:$PORT/api/primes?limit=20000" >/dev/null
			read -r rps p99 _ < <(load /api/data)
			results[$mode,$warmup,data,rps]+="$rps "; results[$mode,$warmup,data,p99]+="$p99 "
			read -r rps p99 _ < <(load "/api/primes?limit=20000")
			results[$mode,$warmup,primes,rps]+="$rps "; results[$mode,$warmup,primes,p99]+="$p99 "
		done
		# shellcheck disable=SC2046
		remember_memory "$mode" "" "$APP_PID" $(worker_pids)
		echo "round $round $mode: short data ${results[$mode,short,data,rps]}/ primes ${results[$mode,short,primes,rps]}; long data ${results[$mode,long,data,rps]}/ primes ${results[$mode,long,primes,rps]}; pss ${results[$mode,pss]}"
		stop_app
	done
done

# Memory after the same work. A timed load leaves a server that served fewer requests in it (one
# JVM on a slow day) with a smaller heap, so each round starts the server afresh and sends it the
# same requests however long they take; Pss and Rss right after, and SETTLE later, once the JIT
# compiler's arenas are freed and the workers have trimmed their native heap (every 5 s).
memory_rounds() {
	local round mode
	for round in $(seq 1 "$ROUNDS"); do
		for mode in plain cluster; do
			start_app "$mode"
			requests /api/data "$MEMORY_REQUESTS" >/dev/null
			requests "/api/primes?limit=20000" $((MEMORY_REQUESTS / 5)) >/dev/null
			# shellcheck disable=SC2046
			set -- "$APP_PID" $(worker_pids)
			remember_memory "$mode" ,after "$@"
			sleep "${SETTLE%s}"
			remember_memory "$mode" ,settled "$@"
			echo "round $round $mode: pss ${results[$mode,pss,after]}/ settled ${results[$mode,pss,settled]}"
			stop_app
		done
	done
}
memory_rows() {
	local label key plain cluster
	for key in pss,after pss,settled rss,after rss,settled; do
		label="Pss"; [[ $key == rss,* ]] && label="Rss"
		[[ $key == *,after ]] && label+=" right after (MB)" || label+=" $SETTLE later (MB)"
		plain=$(m "${results[plain,$key]}"); cluster=$(m "${results[cluster,$key]}")
		echo "| $label | $plain | $cluster | $(ratio "$cluster" "$plain") |"
	done
}
if [[ -z ${STOPS_ONLY:-} ]]; then
	echo "== memory after the same requests: $ROUNDS alternating rounds"
	memory_rounds
fi
memory_table() {
	cat <<TABLE
Memory after the same requests: each round starts the server afresh and sends it $MEMORY_REQUESTS \`/api/data\` requests, then
$((MEMORY_REQUESTS / 5)) \`/api/primes?limit=20000\` (wrk, 2 threads, $CONNECTIONS keep-alive connections, however long they take up to 5 minutes), medians of $ROUNDS
alternating rounds (plain, cluster, ...). Cluster = primary + 2 workers with the defaults. Pss and Rss summed over the
processes right after the requests and $SETTLE later.

| measurement | plain JVM | cluster | cluster / plain |
|---|---|---|---|
$(memory_rows)
TABLE
}
if [[ -n ${MEMORY_ONLY:-} ]]; then
	echo "Run on $(date -u +%Y-%m-%d) on $(machine)."
	memory_table
	echo
	echo "All rounds: $(for key in "${!results[@]}"; do echo "$key: ${results[$key]}"; done | sort | paste -sd ';' | sed 's/;/; /g')."
	exit 0
fi

# Failed requests while one worker is stopped (SIGTERM) or killed (SIGKILL) under a steady load of
# new connections; each trial waits for the replacement to be ready before the next.
stop_trials() { # TERM|KILL -> "failed-per-trial..." "replacement ready seconds..."
	local signal=$1 failed=() ready=()
	for _ in $(seq 1 "$STOP_TRIALS"); do
		local victim readies
		readies=$(grep -c " ready in " "$LOG" || true)
		victim=$(worker_pids | head -1 || true)
		if [[ -z $victim ]]; then
			echo "no worker to stop; cluster log:" >&2
			tail -40 "$LOG" >&2
			exit 1
		fi
		DURATION=12s load /api/data -H "Connection: close" >"$WORK/trial" &
		local wrk_pid=$!
		sleep 3
		local killed_at; killed_at=$(date +%s.%N)
		kill -"$signal" "$victim"
		# Up to a minute: a trial must not start before the last one's replacement is ready,
		# or it stops a worker of a cluster already short of one.
		for _ in $(seq 1 600); do
			[[ $(grep -c " ready in " "$LOG" || true) -gt $readies ]] && break
			sleep 0.1
		done
		ready+=("$(echo "$(date +%s.%N) - $killed_at" | bc | xargs printf '%.1f')")
		wait "$wrk_pid"
		if [[ $(grep -c " ready in " "$LOG" || true) -le $readies ]]; then
			echo "no replacement ready within a minute of SIG$signal; cluster log:" >&2
			tail -40 "$LOG" >&2
			exit 1
		fi
		failed+=("$(awk '{print $3}' "$WORK/trial")")
	done
	echo "${failed[*]}|${ready[*]}"
}

# /api/data latency while /api/primes?limit=200000 is hammered, with the primes on the offload
# pool (the sample's default) and on the request threads (app.cluster.offload.enabled=false).
isolation() { # true|false -> "unloaded-p99 loaded-p99 primes-rps"
	start_app cluster --app.cluster.offload.enabled="$1"
	wrk -t2 -c8 -d"$WARMUP" "http://127.0.0.1:$PORT/api/data" >/dev/null
	wrk -t2 -c8 -d"$WARMUP" "http://127.0.0.1:$PORT/api/primes?limit=200000" >/dev/null
	local unloaded loaded primes
	unloaded=$(CONNECTIONS=8 load /api/data)
	CONNECTIONS=16 DURATION=14s load "/api/primes?limit=200000" >"$WORK/primes" &
	local primes_pid=$!
	sleep 2
	loaded=$(CONNECTIONS=8 load /api/data)
	wait "$primes_pid"
	primes=$(cat "$WORK/primes")
	stop_app
	echo "$(awk '{print $2}' <<<"$unloaded") $(awk '{print $2}' <<<"$loaded") $(awk '{print $1}' <<<"$primes") $(awk '{print $3}' <<<"$primes")"
}
if [[ -z ${STOPS_ONLY:-} ]]; then
	read -r iso_on_unloaded iso_on_loaded iso_on_primes iso_on_failed < <(isolation true)
	read -r iso_off_unloaded iso_off_loaded iso_off_primes iso_off_failed < <(isolation false)
fi

# The trials stop workers on purpose, more often than a crash loop allows by default. Each
# stopped worker has served for over 10 s, so it counts as stable (restarted at once), as a
# long-running worker does with the default stable-uptime of 30 s.
start_app cluster --app.cluster.restart.max-attempts=100 --app.cluster.restart.stable-uptime=10s
# Replacements map the class data archive (on JDK 25 the AOT cache), as on a host where it exists.
await_class_data
term=$(stop_trials TERM) || exit 1
kill_=$(stop_trials KILL) || exit 1
stop_app
if [[ -n ${STOPS_ONLY:-} ]]; then
	echo "Run on $(date -u +%Y-%m-%d) on $(machine)."
	echo "| graceful stop (SIGTERM to a worker) | ${term%%|*} | ${term##*|} |"
	echo "| kill (SIGKILL to a worker) | ${kill_%%|*} | ${kill_##*|} |"
	exit 0
fi

rows() {
	local warmup endpoint measure label
	for warmup in short long; do
		for endpoint in data primes; do
			for measure in rps p99; do
				label="/api/data"
				[[ $endpoint == primes ]] && label="/api/primes?limit=20000"
				[[ $measure == rps ]] && label+=" requests/s" || label+=" p99 (ms)"
				local plain pinned shared
				plain=$(m "${results[plain,$warmup,$endpoint,$measure]}")
				pinned=$(m "${results[pinned,$warmup,$endpoint,$measure]}")
				shared=$(m "${results[shared,$warmup,$endpoint,$measure]}")
				echo "| $label | $warmup | $plain | $pinned | $(ratio "$pinned" "$plain") | $shared | $(ratio "$shared" "$plain") |"
			done
		done
	done
}

table=$(cat <<TABLE
Run on $(date -u +%Y-%m-%d) on $(machine).
Load: wrk, 2 threads, $CONNECTIONS keep-alive connections, $DURATION per measurement, on the same 2 cores as the server, with an idle JVM
and a periodic gzip job running beside it; medians of $ROUNDS alternating rounds (plain, pinned, shared, plain, ...), after one start that made the workers' class data archive. Each round starts the
server, warms each endpoint up for $SHORT_WARMUP (short), measures, warms each up for another $WARMUP (long) and measures again.
Plain = one JVM (\`app.cluster.enabled=false\`); pinned = primary + 2 workers, each on its own CPU (\`app.cluster.worker.cpu-affinity=on\`);
shared = the same with \`app.cluster.worker.cpu-affinity=off\` (both workers on both CPUs, each with an \`@Offload\` thread per core). Memory: Pss and Rss summed over the
primary and its workers (\`/proc/<pid>/smaps_rollup\`) after the long run, so after as many requests as each served in those timed loads;
Pss counts a page that several processes map once. The memory after the same requests follows the table.

| measurement | warm-up | plain JVM | pinned | pinned / plain | shared | shared / plain |
|---|---|---|---|---|---|---|
$(rows)
| Pss after the timed loads (MB) | | $(m "${results[plain,pss]}") | $(m "${results[pinned,pss]}") | $(ratio "$(m "${results[pinned,pss]}")" "$(m "${results[plain,pss]}")") | $(m "${results[shared,pss]}") | $(ratio "$(m "${results[shared,pss]}")" "$(m "${results[plain,pss]}")") |
| Rss after the timed loads (MB) | | $(m "${results[plain,rss]}") | $(m "${results[pinned,rss]}") | $(ratio "$(m "${results[pinned,rss]}")" "$(m "${results[plain,rss]}")") | $(m "${results[shared,rss]}") | $(ratio "$(m "${results[shared,rss]}")" "$(m "${results[plain,rss]}")") |

$(memory_table)

All rounds: $(for key in "${!results[@]}"; do echo "$key: ${results[$key]}"; done | sort | paste -sd ';' | sed 's/;/; /g').

Failed requests under a steady load of new connections (wrk with \`Connection: close\`, $CONNECTIONS connections), one worker stopped 3 s into a 12 s run, $STOP_TRIALS trials each:

| event | failed requests per trial | seconds from signal to replacement ready |
|---|---|---|
| graceful stop (SIGTERM to a worker) | ${term%%|*} | ${term##*|} |
| kill (SIGKILL to a worker) | ${kill_%%|*} | ${kill_##*|} |

Rolling reloads and a worker's cold start: [reload-benchmark.md](reload-benchmark.md) (\`benchmarks/reload.sh\`).

Isolation: p99 of \`/api/data\` (8 connections, $DURATION) alone, then while 16 connections hammer \`/api/primes?limit=200000\`, on the
cluster of 2 workers, with the primes counted on the \`@Offload\` pool and with offloading switched off
(\`app.cluster.offload.enabled=false\`, so they run on the request threads):

| primes run on | /api/data p99 alone (ms) | /api/data p99 under primes load (ms) | loaded / alone | primes requests/s | primes not 2xx |
|---|---|---|---|---|---|
| the offload pool | $iso_on_unloaded | $iso_on_loaded | $(ratio "$iso_on_loaded" "$iso_on_unloaded") | $iso_on_primes | $iso_on_failed |
| the request threads | $iso_off_unloaded | $iso_off_loaded | $(ratio "$iso_off_loaded" "$iso_off_unloaded") | $iso_off_primes | $iso_off_failed |
TABLE
)
echo
echo "$table"
{
	echo "# Benchmarks"
	echo
	echo "Produced by \`benchmarks/cluster.sh\`; numbers are what that run printed. This machine is shared and noisy:"
	echo "compare medians and ratios within one run, not across runs."
	echo
	echo "The \`@Offload\` call overhead (JMH) is in [offload-jmh.md](offload-jmh.md); the aggregated Prometheus scrape"
	echo "(\`benchmarks/scrape.sh\`) in [scrape-benchmark.md](scrape-benchmark.md); the CPU-bound tail's suspects"
	echo "(\`benchmarks/primes-tail.sh\`: collector, cores per worker, \`@Offload\`, the connection split) in"
	echo "[primes-tail.md](primes-tail.md); the workers' initial heap and native heap trimming against memory (\`benchmarks/worker-heap.sh\`) in"
	echo "[worker-heap.md](worker-heap.md); the CPU of the JIT compiler right after a start, with the first workers warmed up until"
	echo "compiled or not (\`benchmarks/jit-cpu.sh\`), in [jit-cpu.md](jit-cpu.md); where the memory goes, process by process (\`benchmarks/memory-breakdown.sh\`), in"
	echo "[memory-breakdown.md](memory-breakdown.md)."
	echo
	echo "## Cluster runtime"
	echo
	echo "$table"
} >"$OUT"
echo "written to $OUT"

#!/usr/bin/env bash
# A worker's memory: its initial heap and its native heap, against throughput and p99. A worker
# with one core runs the serial collector, which touches its whole young generation (a third of
# the initial heap) under load and gives nothing back without a full collection, where one JVM's
# G1 sizes its young generation to the load and returns what it does not use; and what a worker's
# JIT compiler and start-up allocate outside the heap and free again stays with the C library
# unless the JVM trims it. Compares one plain JVM with clusters of 2 workers whose
# -XX:InitialRAMPercentage is one JVM's default (1.5625 %) divided by N (share), by 2N (half, the
# default since 2026-12-06) and by 4N (quarter), each with the default native heap trimming
# (-XX:TrimNativeHeapInterval=5000, since 2026-12-06), half without it (untrimmed), and half
# with the class data archive at a random address in each worker (randomized, the JDK's default;
# the cluster maps it at its own address since 2026-12-06 so the workers share it), by
# requests/s and p99 of /api/data and /api/primes, Pss and Rss summed over the processes, and the
# workers' young collections (count, seconds). By default it runs plain, untrimmed and half;
# VARIANTS picks others. An idle JVM and a periodic gzip job run beside it, as on a real host.
# Writes docs/worker-heap.md.
# Loopback only; every run is bounded.
#
#   benchmarks/worker-heap.sh
#   ROUNDS=3 VARIANTS="plain share half quarter" benchmarks/worker-heap.sh
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-8s}
CONNECTIONS=${CONNECTIONS:-32}
[[ $CONNECTIONS =~ ^[0-9]+$ ]] && ((CONNECTIONS >= 2 && CONNECTIONS <= 1000)) ||
	{ echo "CONNECTIONS is $CONNECTIONS; accepted: 2 to 1000" >&2; exit 1; }
VARIANTS=${VARIANTS:-plain untrimmed half}
PORT=${PORT:-18080}
MANAGEMENT_PORT=${MANAGEMENT_PORT:-18081}
PRIMES=/api/primes?limit=20000
OUT=docs/worker-heap.md
WORK=$(mktemp -d)
# shellcheck source=common.sh
source benchmarks/common.sh
require_seconds DURATION 1 600
require_seconds WARMUP 1 600
trap finish EXIT
start_companions

start_variant() {
	local percentage extra=()
	case $1 in
		plain) launch "Started SampleApplication" --app.cluster.enabled=false; return ;;
		share) percentage=0.78125 ;;
		half) percentage=0.390625 ;;
		quarter) percentage=0.1953125 ;;
		untrimmed) percentage=0.390625 extra=("--app.cluster.worker.jvm-args[1]=-XX:TrimNativeHeapInterval=0") ;;
		randomized) percentage=0.390625 extra=("--app.cluster.worker.class-data-sharing=randomized") ;;
		*) echo "unknown variant $1; known: plain share half quarter untrimmed randomized" >&2; exit 1 ;;
	esac
	launch "Cluster ready" --app.cluster.instances=2 "--app.cluster.worker.jvm-args[0]=-XX:InitialRAMPercentage=$percentage" \
		${extra[@]+"${extra[@]}"}
	await_class_data
}

prepare_class_data
declare -A results
echo "== $ROUNDS alternating rounds of: $VARIANTS"
for round in $(seq 1 "$ROUNDS"); do
	for variant in $VARIANTS; do
		start_variant "$variant"
		for path in /api/data "$PRIMES"; do
			name=data; [[ $path == "$PRIMES" ]] && name=primes
			wrk -t2 -c"$CONNECTIONS" -d"$WARMUP" "http://127.0.0.1:$PORT$path" >/dev/null
			read -r rps p99 _ < <(load "$path")
			results[$variant,$name,rps]+="$rps "; results[$variant,$name,p99]+="$p99 "
		done
		# shellcheck disable=SC2046
		set -- "$APP_PID" $(worker_pids)
		results[$variant,pss]+="$(memory_mb Pss "$@") "; results[$variant,rss]+="$(memory_mb Rss "$@") "
		gc="-"
		if [[ $variant != plain ]]; then
			shift
			read -r count seconds < <(young_collections "$@")
			results[$variant,gcs]+="$count "; results[$variant,gct]+="$seconds "
			gc="$count young collections, $seconds s"
		fi
		echo "round $round $variant: data ${results[$variant,data,rps]}/ primes ${results[$variant,primes,rps]}; pss ${results[$variant,pss]}; $gc"
		stop_app
	done
done

table=""
for variant in $VARIANTS; do
	row="| $variant"
	for key in data,rps data,p99 primes,rps primes,p99 pss rss; do
		value=$(m "${results[$variant,$key]}")
		row+=" | $value"
		[[ -n ${results[plain,$key]:-} ]] && row+=" ($(ratio "$value" "$(m "${results[plain,$key]}")")x)"
	done
	row+=" | ${results[$variant,gcs]:--} | ${results[$variant,gct]:--} |"
	table+="$row"$'\n'
done
all=""
for key in $(printf '%s\n' "${!results[@]}" | sort); do all+="$key: ${results[$key]}; "; done

report="# A worker's memory: initial heap and native heap

Produced by \`benchmarks/worker-heap.sh\` on $(date -u +%Y-%m-%d) on $(machine); numbers are what that run printed.
wrk (2 threads, $CONNECTIONS keep-alive connections, on the same cores as the server): $WARMUP of warm-up then $DURATION measured, on
\`/api/data\`, then the same on \`$PRIMES\`; medians of $ROUNDS alternating rounds, an idle JVM of the sample and a gzip job
(512 KB every 250 ms) running throughout. plain = one JVM (\`app.cluster.enabled=false\`, G1, initial heap 1.5625 % of the
memory); the others are primary + 2 workers (serial collector, one core each) with \`-XX:InitialRAMPercentage\` of 0.78125
(share: one JVM's divided by N), 0.390625 (half: by 2N, the default) and 0.1953125 (quarter: by 4N), each trimming its
native heap every 5 s (the default, \`-XX:TrimNativeHeapInterval=5000\`); untrimmed is half with
\`-XX:TrimNativeHeapInterval=0\`; randomized is half with \`app.cluster.worker.class-data-sharing=randomized\` (each worker
maps the class data archive at a random address, the JDK's default, where the default maps it at its own address). Memory: Pss and Rss summed over the processes after the load (\`/proc/<pid>/smaps_rollup\`); young collections: both workers' count and seconds since their start
(\`jstat -gcutil\`), per round. In brackets: the ratio to plain.

| variant | /api/data requests/s | /api/data p99 (ms) | /api/primes requests/s | /api/primes p99 (ms) | Pss (MB) | Rss (MB) | young collections per round | seconds in them per round |
|---|---|---|---|---|---|---|---|---|
$table
All rounds: $all
"
echo "$report"
echo "$report" >"$OUT"
echo "written to $OUT"

#!/usr/bin/env bash
# The CPU-bound tail: why a cluster's /api/primes p99 is above one JVM's at the same throughput.
# Measures the suspects the cluster's sizing brings, each as a variant of the 2-worker cluster,
# against one plain JVM, in alternating rounds:
#   cluster      the defaults: each worker -XX:ActiveProcessorCount=1 (so the serial collector and
#                the fewest compiler threads), an @Offload pool of 1 thread, pinned to its CPU
#   g1           the same workers with -XX:+UseG1GC
#   two-cores    -XX:ActiveProcessorCount=2 in the workers: G1, more compiler threads, an offload
#                pool of 2 threads, and (a choice of yours) no pinning
#   no-offload   app.cluster.offload.enabled=false: the primes run on the request threads
#   cpu-blind    app.cluster.worker.cpu-aware-balance=false: a pinned worker holds as many
#                connections as the others even while another process takes part of its CPU
#   no-hand-back app.cluster.worker.hand-back-connections=false: keep-alive connections stay with
#                the worker that accepted them (until Tomcat's max-keep-alive-requests)
#   shared       app.cluster.worker.cpu-affinity=off: both workers on both CPUs, each with an
#                offload pool of 2 threads (4 CPU-bound threads on 2 cores)
#   floating     cpu-affinity=off with app.cluster.offload.threads=1: both workers on both CPUs
#                with one offload thread each, so the kernel may move either off a busy CPU
#   big-young    -Xmn1g -Xmx2g in the workers: an eden no run fills, so no young collection
#                pauses a worker while it is measured (the serial collector's pauses as a suspect)
#   one-worker   app.cluster.instances=1: one worker JVM with every core (G1, an offload pool of 2
#                threads sharing one queue, nothing pinned) behind the primary: a cluster that does
#                not split the work over processes, so what is left against plain is the cluster's
#                own cost, and what one-worker gains over cluster is the split's
#   low-thresholds -XX:CompileThresholdScaling=0.25 in the workers: each compiles its hot code
#                after a quarter of the invocations and loops the JIT compiler waits for by default
#   pre-warmed   the default cluster whose workers each serve /api/primes?limit=20000 to themselves
#                1500 times before they take connections (warm-up requests): what the short
#                warm-up's gap owes to each worker compiling the hot code on its own
#   no-head-start app.cluster.worker.warmup.compiler-head-start=0: the first workers' C2 compiler
#                threads keep the nice value of the request threads after ready (the same as cluster
#                where a worker may not lower a nice value: no CAP_SYS_NICE or RLIMIT_NICE)
# For each: keep-alive load (wrk, 2 threads, CONNECTIONS) on /api/primes?limit=20000 after a short
# and after a long warm-up, requests/s and the 50th, 90th and 99th percentiles, and how the
# connections of each run split over the processes (sampled 2 s into it and 2 s before its end), and
# the serving JVMs' young collections during each run. An idle JVM of the sample and a periodic gzip
# job run throughout, as on a real host, unless ALONE=1. Writes docs/primes-tail.md.
# Loopback only; every run is bounded.
#
#   benchmarks/primes-tail.sh
#   ROUNDS=5 VARIANTS="plain cluster" benchmarks/primes-tail.sh
#   ALONE=1 VARIANTS="plain cluster" benchmarks/primes-tail.sh   # without the idle JVM and gzip job
#   BUSY_CPU=1 VARIANTS="plain cluster shared" benchmarks/primes-tail.sh  # and a busy loop on CPU 0
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
SHORT_WARMUP=${SHORT_WARMUP:-4s}
WARMUP=${WARMUP:-20s}
CONNECTIONS=${CONNECTIONS:-32}
ALONE=${ALONE:-0}
[[ $ALONE =~ ^[01]$ ]] || { echo "ALONE is $ALONE; accepted: 1 (nothing else beside the server and wrk) or 0" >&2; exit 1; }
BUSY_CPU=${BUSY_CPU:-0}
[[ $BUSY_CPU =~ ^[01]$ ]] ||
	{ echo "BUSY_CPU is $BUSY_CPU; accepted: 1 (a busy loop pinned to CPU 0 beside the others) or 0" >&2; exit 1; }
((ALONE && BUSY_CPU)) && { echo "ALONE=1 and BUSY_CPU=1 exclude each other" >&2; exit 1; }
KNOWN_VARIANTS="plain cluster cpu-blind g1 two-cores no-offload no-hand-back shared floating big-young one-worker pre-warmed low-thresholds no-head-start"
VARIANTS=${VARIANTS:-$KNOWN_VARIANTS}
PORT=${PORT:-18080}
MANAGEMENT_PORT=${MANAGEMENT_PORT:-18081}
PRIMES=/api/primes?limit=20000
OUT=docs/primes-tail.md
WORK=$(mktemp -d)
# shellcheck source=common.sh
source benchmarks/common.sh
require_seconds DURATION 5 600
trap finish EXIT
beside="An idle JVM of the sample and a gzip job (512 KB every 250 ms) ran throughout."
if ((ALONE)); then
	beside="Nothing else ran beside the server and wrk (ALONE=1)."
else
	start_companions
fi
if ((BUSY_CPU)); then
	# Another process that keeps one CPU busy, as a batch job may on a real host.
	taskset -c 0 sh -c 'while :; do :; done' &
	COMPANIONS+=($!)
	beside+=" A busy loop pinned to CPU 0 ran throughout too (BUSY_CPU=1)."
fi

start_variant() {
	case $1 in
		plain) launch "Started SampleApplication" --app.cluster.enabled=false ;;
		cluster) launch "Cluster ready" --app.cluster.instances=2 ;;
		cpu-blind) launch "Cluster ready" --app.cluster.instances=2 --app.cluster.worker.cpu-aware-balance=false ;;
		g1) launch "Cluster ready" --app.cluster.instances=2 "--app.cluster.worker.jvm-args[0]=-XX:+UseG1GC" ;;
		two-cores) launch "Cluster ready" --app.cluster.instances=2 \
			"--app.cluster.worker.jvm-args[0]=-XX:ActiveProcessorCount=2" ;;
		no-offload) launch "Cluster ready" --app.cluster.instances=2 --app.cluster.offload.enabled=false ;;
		no-hand-back) launch "Cluster ready" --app.cluster.instances=2 \
			--app.cluster.worker.hand-back-connections=false ;;
		shared) launch "Cluster ready" --app.cluster.instances=2 --app.cluster.worker.cpu-affinity=off ;;
		floating) launch "Cluster ready" --app.cluster.instances=2 --app.cluster.worker.cpu-affinity=off \
			--app.cluster.offload.threads=1 ;;
		big-young) launch "Cluster ready" --app.cluster.instances=2 "--app.cluster.worker.jvm-args[0]=-Xmn1g" \
			"--app.cluster.worker.jvm-args[1]=-Xmx2g" ;;
		one-worker) launch "Cluster ready" --app.cluster.instances=1 ;;
		low-thresholds) launch "Cluster ready" --app.cluster.instances=2 \
			"--app.cluster.worker.jvm-args[0]=-XX:CompileThresholdScaling=0.25" ;;
		pre-warmed) launch "Cluster ready" --app.cluster.instances=2 "--app.cluster.worker.warmup.paths=$PRIMES" \
			--app.cluster.worker.warmup.requests=1500 --app.cluster.worker.warmup.timeout=40s ;;
		no-head-start) launch "Cluster ready" --app.cluster.instances=2 \
			--app.cluster.worker.warmup.compiler-head-start=0 ;;
		*) echo "unknown variant $1; known: $KNOWN_VARIANTS" >&2
			exit 1 ;;
	esac
	[[ $1 == plain ]] || await_class_data
}

# wrk --latency output -> "rps p50ms p90ms p99ms errors"
distribution() {
	local rps p50 p90 p99 errors
	rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$1")
	p50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$1")")
	p90=$(to_ms "$(awk '$1 == "90%" {print $2}' <<<"$1")")
	p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$1")")
	errors=$(awk '/Socket errors:/ {gsub(",", ""); print $4 + $6 + $8 + $10} /Non-2xx/ {print $NF}' <<<"$1" | paste -sd+ | bc)
	echo "$rps $p50 $p90 $p99 ${errors:-0}"
}

# Young collections so far of the serving JVMs (the plain one, or the workers)
serving_collections() {
	local pids count
	if [[ $1 == plain ]]; then pids=$APP_PID; else pids=$(worker_pids); fi
	# shellcheck disable=SC2086
	read -r count _ < <(young_collections $pids)
	echo "$count"
}

# Connections on the port per process, largest first: "17/15"
connection_split() {
	ss -tnpH state established "( sport = :$PORT )" | { grep -o 'pid=[0-9]*' || true; } | sort | uniq -c | sort -nr |
		awk '{printf "%s%s", (NR > 1 ? "/" : ""), $1}'
}

prepare_class_data
declare -A results
echo "== $ROUNDS alternating rounds of: $VARIANTS"
for round in $(seq 1 "$ROUNDS"); do
	for variant in $VARIANTS; do
		start_variant "$variant"
		for warmup in short long; do
			duration=$SHORT_WARMUP
			[[ $warmup == long ]] && duration=$WARMUP
			wrk -t2 -c"$CONNECTIONS" -d"$duration" "http://127.0.0.1:$PORT$PRIMES" >/dev/null
			collections=$(serving_collections "$variant")
			wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:$PORT$PRIMES" >"$WORK/wrk" &
			wrk_pid=$!
			sleep 2
			split=$(connection_split)
			sleep $((${DURATION%s} - 4))
			split+=",$(connection_split)"
			wait "$wrk_pid"
			collections=$(($(serving_collections "$variant") - collections))
			read -r rps p50 p90 p99 errors < <(distribution "$(cat "$WORK/wrk")")
			results[$variant,$warmup,rps]+="$rps "
			results[$variant,$warmup,p50]+="$p50 "
			results[$variant,$warmup,p90]+="$p90 "
			results[$variant,$warmup,p99]+="$p99 "
			results[$variant,$warmup,split]+="$split "
			results[$variant,$warmup,errors]+="$errors "
			results[$variant,$warmup,gcs]+="$collections "
			echo "round $round $variant $warmup: $rps req/s, p50 $p50, p90 $p90, p99 $p99 ms, connections $split, young collections $collections, errors $errors"
		done
		stop_app
	done
done

table=""
for warmup in short long; do
	base_rps=$(m "${results[plain,$warmup,rps]:-}")
	base_p99=$(m "${results[plain,$warmup,p99]:-}")
	for variant in $VARIANTS; do
		rps=$(m "${results[$variant,$warmup,rps]}")
		p99=$(m "${results[$variant,$warmup,p99]}")
		vs="| | "
		[[ -n ${results[plain,$warmup,rps]:-} ]] && vs="| $(ratio "$rps" "$base_rps") | $(ratio "$p99" "$base_p99") "
		table+="| $warmup | $variant | $rps | $(m "${results[$variant,$warmup,p50]}") | $(m "${results[$variant,$warmup,p90]}") | $p99 $vs| ${results[$variant,$warmup,split]}| ${results[$variant,$warmup,gcs]}| ${results[$variant,$warmup,errors]}|"$'\n'
	done
done
all=""
for key in $(printf '%s\n' "${!results[@]}" | sort); do all+="$key: ${results[$key]}; "; done

report="# The CPU-bound tail

Produced by \`benchmarks/primes-tail.sh\` on $(date -u +%Y-%m-%d) on $(machine); numbers are what that run printed.
\`/api/primes?limit=20000\` under wrk (2 threads, $CONNECTIONS keep-alive connections, $DURATION per measurement, on the same cores as
the server), after a warm-up of $SHORT_WARMUP (short) and after $WARMUP more (long), medians of $ROUNDS alternating rounds. $beside Variants: plain = one JVM (\`app.cluster.enabled=false\`);
cluster = primary + 2 workers with the defaults (each \`-XX:ActiveProcessorCount=1\`, so the serial collector, an \`@Offload\`
pool of 1 thread, pinned to its CPU); cpu-blind = the same with \`app.cluster.worker.cpu-aware-balance=false\` (a pinned
worker holds as many connections as the others while another process takes part of its CPU); g1 = the same with \`-XX:+UseG1GC\` in the workers; two-cores =
\`-XX:ActiveProcessorCount=2\` in the workers (G1, an offload pool of 2 threads, not pinned); no-offload =
\`app.cluster.offload.enabled=false\` (the primes run on the request threads); no-hand-back =
\`app.cluster.worker.hand-back-connections=false\` (keep-alive connections stay with the worker that accepted them until
Tomcat's \`max-keep-alive-requests\`, 100); shared = \`app.cluster.worker.cpu-affinity=off\` (both workers on both CPUs, an
offload pool of 2 threads each); floating = the same with \`app.cluster.offload.threads=1\` (one offload thread per worker, free
to move between the CPUs); big-young = \`-Xmn1g -Xmx2g\` in the workers (an eden no run fills: no young collection while
measured); one-worker = \`app.cluster.instances=1\` (a single worker JVM with every core behind the primary: G1, an offload
pool of 2 threads sharing one queue, nothing pinned); pre-warmed = the default cluster whose workers each serve
\`/api/primes?limit=20000\` to themselves 1500 times before they take connections (warm-up requests, about 4.5 s a worker); low-thresholds = the default cluster with
\`-XX:CompileThresholdScaling=0.25\` in the workers (hot code compiled after a quarter of the invocations and loops); no-head-start = the default
cluster with \`app.cluster.worker.warmup.compiler-head-start=0\` (the first workers' C2 compiler threads at the nice value of the others after ready; the same as cluster where a worker may not lower a nice value). Connections: how the keep-alive connections of each run split over the processes,
2 s into it and 2 s before its end, per round; young collections: how many the serving JVMs (one JVM, or both workers)
made during each measured run (\`jstat -gcutil\`).

| warm-up | variant | requests/s | p50 (ms) | p90 (ms) | p99 (ms) | requests/s / plain | p99 / plain | connections per process | young collections per round | errors per round |
|---|---|---|---|---|---|---|---|---|---|---|
$table
All rounds: $all
"
echo "$report"
echo "$report" >"$OUT"
echo "written to $OUT"

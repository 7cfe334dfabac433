#!/usr/bin/env bash
# Where the CPU goes right after a start: one plain JVM against the 2-worker cluster whose first
# workers take traffic after their warm-up requests (quick), the default one whose first
# workers warm up until their JIT compiler settles before the cluster is ready (warm) and, when
# MODES names them, the same with THOROUGH_REQUESTS rounds of warm-up requests first (thorough)
# and the default one whose workers' C2 compiler threads get nice COMPILER_NICE once it is ready
# (boosted; root or CAP_SYS_NICE: a measurement of what a compiler ahead of the requests would
# buy, not a feature of the cluster; without the head start below), the default one without its
# first workers' compiler head start (nohead) and the default one whose workers compile after
# COMPILE_SCALING times HotSpot's call counts (scaled: each worker sees 1/2 of the traffic, so 0.5
# compiles after as much of it as one JVM does) and the default one with a compiler head start of N
# seconds instead of 10, then on while the compiler is busy as the default's (headN, N from 1 to
# 300), in alternating rounds. Each round starts the
# server (the time to ready is taken from its log),
# warms up /api/data and /api/primes?limit=20000 for SHORT_WARMUP each, measures /api/data, then
# measures /api/primes (keep-alive wrk, 2 threads, CONNECTIONS) while summing the CPU time of every
# thread of the server's processes by thread name (/proc/<pid>/task/<tid>/stat), as
# benchmarks/cluster.sh orders its short run, and then their memory (Pss). An idle JVM of the
# sample and a periodic gzip job run beside it throughout. Writes docs/jit-cpu.md. Loopback only;
# every run is bounded.
#
#   benchmarks/jit-cpu.sh
#   ROUNDS=5 benchmarks/jit-cpu.sh
#   MODES="plain warm thorough" THOROUGH_REQUESTS=3000 benchmarks/jit-cpu.sh   # more warm-up requests
#   MODES="plain warm boosted" COMPILER_NICE=-5 benchmarks/jit-cpu.sh              # compiler ahead
#   MODES="plain warm nohead" benchmarks/jit-cpu.sh                               # compiler head start
#   MODES="plain warm scaled" COMPILE_SCALING=0.5 benchmarks/jit-cpu.sh          # compile sooner
#   MODES="plain warm head5 head20" benchmarks/jit-cpu.sh                         # head start's length
#   PATH=/usr/lib/jvm/temurin-25-jdk-amd64/bin:$PATH benchmarks/jit-cpu.sh   # on another JDK
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
SHORT_WARMUP=${SHORT_WARMUP:-4s}
CONNECTIONS=${CONNECTIONS:-32}
# thorough: the first workers' warm-up sends each path this many times before it waits for the JIT
THOROUGH_REQUESTS=${THOROUGH_REQUESTS:-3000}
# boosted: the nice of the workers' C2 compiler threads once the cluster is ready (the rest stay at 0)
COMPILER_NICE=${COMPILER_NICE:--5}
# scaled: the workers' -XX:CompileThresholdScaling
COMPILE_SCALING=${COMPILE_SCALING:-0.5}
PORT=${PORT:-18080}
MANAGEMENT_PORT=${MANAGEMENT_PORT:-18081}
OUT=docs/jit-cpu.md
WORK=$(mktemp -d)
# shellcheck source=common.sh
source benchmarks/common.sh
trap finish EXIT
require_seconds DURATION 5 60
require_seconds SHORT_WARMUP 1 60
((THOROUGH_REQUESTS >= 1 && THOROUGH_REQUESTS <= 10000)) ||
	{ echo "THOROUGH_REQUESTS is $THOROUGH_REQUESTS; accepted: 1 to 10000 (app.cluster.worker.warmup.requests)" >&2; exit 1; }
((COMPILER_NICE >= -20 && COMPILER_NICE <= -1)) ||
	{ echo "COMPILER_NICE is $COMPILER_NICE; accepted: -20 to -1" >&2; exit 1; }
[[ $COMPILE_SCALING =~ ^(0\.[1-9][0-9]?|1(\.0)?)$ ]] ||
	{ echo "COMPILE_SCALING is $COMPILE_SCALING; accepted: 0.1 to 1.0, two decimals at most" >&2; exit 1; }
((ROUNDS >= 1 && ROUNDS <= 10)) || { echo "ROUNDS is $ROUNDS; accepted: 1 to 10" >&2; exit 1; }
MODES=${MODES:-plain quick warm}
for mode in $MODES; do
	[[ $mode =~ ^(plain|quick|warm|nohead|thorough|boosted|scaled|head([1-9][0-9]?|[12][0-9][0-9]|300))$ ]] ||
		{ echo "MODES holds $mode; accepted: plain quick warm nohead thorough boosted scaled head1 to head300" >&2; exit 1; }
done
[[ " $MODES " == *" plain "* ]] || { echo "MODES is '$MODES'; it must hold plain, the one JVM the ratios divide by" >&2; exit 1; }
start_companions

# Gives every worker's C2 compiler thread the given nice; stops the benchmark when it may not.
renice_compilers() { # nice
	local pid task boosted=0
	for pid in $(worker_pids); do
		for task in /proc/"$pid"/task/*; do
			[[ $(cat "$task/comm" 2>/dev/null) == "C2 Compiler"* ]] || continue
			renice -n "$1" -p "${task##*/}" >/dev/null ||
				{ echo "renice of thread ${task##*/} failed: boosted needs root or CAP_SYS_NICE" >&2; exit 1; }
			boosted=$((boosted + 1))
		done
	done
	((boosted > 0)) || { echo "boosted: no C2 compiler thread found in the workers" >&2; exit 1; }
}

start_app() { # plain | quick | warm | nohead | thorough | boosted | scaled | headN
	case $1 in
		plain) launch "Started SampleApplication" --app.cluster.enabled=false ;;
		quick) launch "Cluster ready" --app.cluster.instances=2 --app.cluster.worker.warmup.first-workers-until-compiled=false ;;
		warm) launch "Cluster ready" --app.cluster.instances=2 ;;
		thorough) launch "Cluster ready" --app.cluster.instances=2 --app.cluster.worker.warmup.requests="$THOROUGH_REQUESTS" \
			--app.cluster.worker.warmup.timeout=50s ;;
		nohead) launch "Cluster ready" --app.cluster.instances=2 --app.cluster.worker.warmup.compiler-head-start=0 ;;
		boosted) launch "Cluster ready" --app.cluster.instances=2 --app.cluster.worker.warmup.compiler-head-start=0 &&
			renice_compilers "$COMPILER_NICE" ;;
		scaled) launch "Cluster ready" --app.cluster.instances=2 \
			--app.cluster.worker.jvm-args=-XX:CompileThresholdScaling="$COMPILE_SCALING" ;;
		head*) launch "Cluster ready" --app.cluster.instances=2 --app.cluster.worker.warmup.compiler-head-start="${1#head}s" ;;
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

# CPU ticks of every thread of the given processes: "pid/tid name ticks". The name stands in
# parentheses and may hold spaces, so the fields are counted from its end; a thread that ends
# while it is read is left out.
thread_ticks() { # pid...
	local pid stat
	for pid in "$@"; do
		for stat in /proc/"$pid"/task/*/stat; do cat "$stat" 2>/dev/null || true; done |
			awk -v pid="$pid" '{
				lp = index($0, "("); rp = 0
				for (k = length($0); k > lp; k--) if (substr($0, k, 1) == ")") { rp = k; break }
				name = substr($0, lp + 1, rp - lp - 1); gsub(/[-#]*[0-9]*$/, "", name); gsub(/ /, "_", name)
				split(substr($0, rp + 2), field, " ")
				print pid "/" $1, name, field[12] + field[13]
			}'
	done
}

# Runs load on PATH while sampling thread_ticks every 0.5 s, so that a thread that ends during the
# run (the JVM adds and removes compiler threads) still counts with its last sample.
# -> "rps p99ms errors compiler-seconds other-seconds"
measured_load() { # path pid...
	local path=$1; shift
	thread_ticks "$@" >"$WORK/before"
	load "$path" >"$WORK/load" &
	local loader=$!
	: >"$WORK/samples"
	while kill -0 "$loader" 2>/dev/null; do
		thread_ticks "$@" >>"$WORK/samples"
		sleep 0.5
	done
	wait "$loader"
	thread_ticks "$@" >>"$WORK/samples"
	read -r rps p99 errors <"$WORK/load"
	echo "$rps $p99 $errors $(awk -v hz="$(getconf CLK_TCK)" '
		FNR == NR {before[$1] = $3; next}
		{if ($3 > last[$1]) last[$1] = $3; name[$1] = $2}
		END {
			for (t in last) {d = last[t] - before[t]; if (name[t] ~ /Compiler/) c += d; else o += d}
			printf "%.2f %.2f", c / hz, o / hz
		}' "$WORK/before" "$WORK/samples")"
}

prepare_class_data
declare -A results
echo "== $ROUNDS alternating rounds"
for round in $(seq 1 "$ROUNDS"); do
	# Each round starts with the next mode, so that none always follows the same one.
	read -ra modes <<<"$MODES"
	shift_by=$(((round - 1) % ${#modes[@]}))
	for mode in "${modes[@]:shift_by}" "${modes[@]:0:shift_by}"; do
		start_app "$mode"
		[[ $mode == plain ]] || await_class_data
		results[$mode,ready]+="$(ready_seconds "$mode") "
		# shellcheck disable=SC2046
		set -- "$APP_PID" $(worker_pids)
		wrk -t2 -c"$CONNECTIONS" -d"$SHORT_WARMUP" "http://127.0.0.1:$PORT/api/data" >/dev/null
		wrk -t2 -c"$CONNECTIONS" -d"$SHORT_WARMUP" "http://127.0.0.1:$PORT/api/primes?limit=20000" >/dev/null
		read -r rps _ < <(load /api/data)
		results[$mode,data]+="$rps "
		read -r rps p99 errors compiler other < <(measured_load "/api/primes?limit=20000" "$@")
		results[$mode,primes]+="$rps "; results[$mode,p99]+="$p99 "; results[$mode,errors]+="$errors "
		results[$mode,compiler]+="$compiler "; results[$mode,other]+="$other "
		results[$mode,pss]+="$(memory_mb Pss "$@") "
		stop_app
		echo "round $round $mode: ready ${results[$mode,ready]}/ data ${results[$mode,data]}/ primes ${results[$mode,primes]}/ compiler s ${results[$mode,compiler]}"
	done
done

label() {
	case $1 in
		plain) echo "one JVM" ;;
		quick) echo "cluster, first workers take traffic after their requests" ;;
		warm) echo "cluster, first workers warm up until compiled, compiler head start 10 s, then while busy (default)" ;;
		thorough) echo "cluster, the same with $THOROUGH_REQUESTS rounds of warm-up requests (timeout 50 s)" ;;
		boosted) echo "cluster, no head start, its C2 compiler threads at nice $COMPILER_NICE once ready" ;;
		nohead) echo "cluster, the default without its first workers' compiler head start" ;;
		scaled) echo "cluster, the default with -XX:CompileThresholdScaling=$COMPILE_SCALING in its workers" ;;
		head*) echo "cluster, the default with a compiler head start of ${1#head} s, then while busy" ;;
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
seconds the server logged to ready (one JVM: Spring Boot's \`Started ... in\`, from the JVM's start; the cluster: \`Cluster ready ... in\`,
from the primary's supervisor start, after the primary's own start-up of about a second or two); Pss: summed over the
server's processes (\`/proc/<pid>/smaps_rollup\`) after the \`/api/primes\` run.

| server | ready (s) | /api/data requests/s | / one JVM | /api/primes requests/s | / one JVM | /api/primes p99 (ms) | JIT compiler CPU (s) | other CPU (s) | Pss (MB) |
|---|---|---|---|---|---|---|---|---|---|
EOF
	for mode in $MODES; do
		echo "| $(label $mode) | $(m "${results[$mode,ready]}") | $(m "${results[$mode,data]}") | $(ratio "$(m "${results[$mode,data]}")" "$plain_data") | $(m "${results[$mode,primes]}") | $(ratio "$(m "${results[$mode,primes]}")" "$plain_primes") | $(m "${results[$mode,p99]}") | $(m "${results[$mode,compiler]}") | $(m "${results[$mode,other]}") | $(m "${results[$mode,pss]}") |"
	done
	echo
	printf 'All rounds: '
	for key in $(printf '%s\n' "${!results[@]}" | sort); do printf '%s: %s; ' "$key" "${results[$key]}"; done
	echo
}

report | tee "$OUT"
echo "written to $OUT"

#!/usr/bin/env bash
# Cluster benchmark: throughput and p99 of one plain JVM against a cluster of two workers on the
# same cores, each worker pinned to its own CPU (app.cluster.worker.cpu-affinity=on) and both on
# both CPUs (off), after a short and after a long warm-up; memory (Pss and Rss); requests failed
# while a worker is stopped or killed under load; a rolling reload under load.
# The host is not emptied for it: an idle JVM of the sample and a small periodic job (gzip of
# 512 KB every 250 ms, like a log shipper) run throughout, besides the load generator.
# Prints a table and writes it to docs/benchmarks.md. Loopback only; every load run is bounded.
#
#   benchmarks/cluster.sh            # 5 alternating rounds of 10 s per measurement
#   ROUNDS=7 DURATION=20s benchmarks/cluster.sh
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
PORT=${PORT:-18080}
MANAGEMENT_PORT=${MANAGEMENT_PORT:-18081}
JAR=sample-app/target/sample-app-0.1.0-SNAPSHOT.jar
OUT=docs/benchmarks.md
WORK=$(mktemp -d)
COMPANIONS=()
trap 'stop_app; kill "${COMPANIONS[@]}" 2>/dev/null; rm -rf "$WORK"' EXIT

for tool in wrk curl bc; do
	command -v $tool >/dev/null || { apt-get update -qq && apt-get install -y -qq $tool >/dev/null; }
done
[[ -f $JAR ]] || ./mvnw -B -q -DskipTests install

APP_PID=
LOG=$WORK/app.log
# What else runs on a real host: an idle JVM and a small periodic job.
java -jar "$JAR" --app.cluster.enabled=false --server.port=0 --management.server.port=0 >"$WORK/idle.log" 2>&1 &
COMPANIONS+=($!)
(while sleep 0.25; do head -c 524288 /dev/urandom | gzip -1 >/dev/null; done) &
COMPANIONS+=($!)
# A paced load: each connection waits 20 ms between requests (about 700 requests/s with 16
# connections), so the cores have room for a starting worker, as a production host would.
PACED=$WORK/paced.lua
echo 'function delay() return 20 end' >"$PACED"

start_app() { # plain | pinned | shared | cluster (the defaults) [extra args...]
	local mode=$1; shift
	local args=(--server.port=$PORT --management.server.port=$MANAGEMENT_PORT "$@")
	case $mode in
		plain) args+=(--app.cluster.enabled=false) ;;
		pinned) args+=(--app.cluster.instances=2 --app.cluster.worker.cpu-affinity=on) ;;
		shared) args+=(--app.cluster.instances=2 --app.cluster.worker.cpu-affinity=off) ;;
		*) args+=(--app.cluster.instances=2) ;;
	esac
	java -jar "$JAR" "${args[@]}" >"$LOG" 2>&1 &
	APP_PID=$!
	for _ in $(seq 1 240); do
		if [[ $mode == plain ]] && grep -q "Started SampleApplication" "$LOG"; then return; fi
		if [[ $mode != plain ]] && grep -q "Cluster ready" "$LOG"; then return; fi
		kill -0 "$APP_PID" 2>/dev/null || { cat "$LOG"; echo "app exited" >&2; exit 1; }
		sleep 0.5
	done
	echo "app did not start" >&2; exit 1
}

stop_app() {
	[[ -n $APP_PID ]] || return 0
	kill -TERM "$APP_PID" 2>/dev/null || true
	for _ in $(seq 1 120); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.5; done
	kill -KILL "$APP_PID" 2>/dev/null || true
	APP_PID=
}

to_ms() { # 812.00us | 1.23ms | 1.05s
	awk -v v="$1" 'BEGIN { if (v ~ /us$/) print v/1000; else if (v ~ /ms$/) print v+0; else if (v ~ /s$/) print v*1000; else print v }'
}

# wrk PATH [extra args] -> "rps p99ms errors"
load() {
	local path=$1; shift
	local out
	out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "http://127.0.0.1:$PORT$path")
	local rps p99 errors
	rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
	p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
	errors=$(awk '/Socket errors:/ {gsub(",", ""); print $4 + $6 + $8 + $10} /Non-2xx/ {print $NF}' <<<"$out" | paste -sd+ | bc)
	echo "$rps $p99 ${errors:-0}"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# The primary's children, without the class data archive's training run.
worker_pids() {
	for pid in $(pgrep -P "$APP_PID"); do
		tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "-Dboot-cluster.training-for=" || echo "$pid"
	done | sort -n
}

# smaps_rollup field (Pss, Rss) summed over the app's processes, in MB: a page mapped by several
# processes counts once in the Pss sum, once per process in the Rss sum.
memory_mb() { # field pid...
	local field=$1; shift
	for pid in "$@"; do awk -v f="$field:" '$1 == f {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || true; done |
		awk '{s += $1} END {printf "%.0f", s / 1024}'
}

declare -A results
MODES="plain pinned shared"
echo "== throughput: $ROUNDS alternating rounds, $DURATION each, $CONNECTIONS connections"
for round in $(seq 1 "$ROUNDS"); do
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
		set -- "$APP_PID" $(worker_pids)
		results[$mode,pss]+="$(memory_mb Pss "$@") "; results[$mode,rss]+="$(memory_mb Rss "$@") "
		echo "round $round $mode: short data ${results[$mode,short,data,rps]}/ primes ${results[$mode,short,primes,rps]}; long data ${results[$mode,long,data,rps]}/ primes ${results[$mode,long,primes,rps]}; pss ${results[$mode,pss]}"
		stop_app
	done
done

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
		for _ in $(seq 1 120); do
			[[ $(grep -c " ready in " "$LOG" || true) -gt $readies ]] && break
			sleep 0.1
		done
		ready+=("$(echo "$(date +%s.%N) - $killed_at" | bc | xargs printf '%.1f')")
		wait "$wrk_pid"
		failed+=("$(awk '{print $3}' "$WORK/trial")")
	done
	echo "${failed[*]}|${ready[*]}"
}

# A rolling reload under steady load: failed requests and p99 against the same load without a
# reload, and how long the reload took. Run once with new connections and once with keep-alive.
reload_trial() { # [wrk header args] -> "steady-p99 reload-p99 failed duration-s"
	local steady reload_out accepted id body
	steady=$(DURATION=10s load /api/data "$@")
	DURATION=40s load /api/data "$@" >"$WORK/reload" &
	local wrk_pid=$!
	sleep 2
	accepted=$(curl -s -X POST -H 'Content-Type: application/json' -d '{}' \
		"http://127.0.0.1:$MANAGEMENT_PORT/actuator/cluster/reload")
	id=$(sed -E 's/.*"id":"([^"]+)".*/\1/' <<<"$accepted")
	for _ in $(seq 1 900); do
		body=$(curl -s "http://127.0.0.1:$MANAGEMENT_PORT/actuator/cluster/reload")
		grep -q "\"id\":\"$id\"" <<<"$body" && ! grep -q '"state":"running"' <<<"$body" && break
		sleep 0.1
	done
	wait "$wrk_pid"
	reload_out=$(cat "$WORK/reload")
	local started finished
	started=$(sed -E 's/.*"started":"([^"]+)".*/\1/' <<<"$body")
	finished=$(sed -E 's/.*"finished":"([^"]+)".*/\1/' <<<"$body")
	local duration
	duration=$(echo "$(date -d "$finished" +%s.%N) - $(date -d "$started" +%s.%N)" | bc | xargs printf '%.1f')
	grep -q '"state":"succeeded"' <<<"$body" || duration="$duration (not succeeded: $body)"
	echo "$(awk '{print $2}' <<<"$steady") $(awk '{print $2}' <<<"$reload_out") $(awk '{print $3}' <<<"$reload_out") $duration"
}

# Seconds from SIGKILL of a worker to its replacement being ready, under a load: one worker's
# cold start on this machine, the yardstick for the reload's duration.
cold_start() { # [wrk args] -> seconds
	local readies victim
	readies=$(grep -c ") ready in " "$LOG" || true)
	victim=$(worker_pids | head -1)
	wrk -t2 -c"$CONNECTIONS" -d40s "$@" "http://127.0.0.1:$PORT/api/data" >/dev/null &
	local wrk_pid=$!
	sleep 2
	local killed_at; killed_at=$(date +%s.%N)
	kill -KILL "$victim"
	for _ in $(seq 1 600); do
		[[ $(grep -c ") ready in " "$LOG" || true) -gt $readies ]] && break
		sleep 0.1
	done
	echo "$(date +%s.%N) - $killed_at" | bc | xargs printf '%.1f'
	kill "$wrk_pid" 2>/dev/null || true
	wait "$wrk_pid" 2>/dev/null || true
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
read -r iso_on_unloaded iso_on_loaded iso_on_primes iso_on_failed < <(isolation true)
read -r iso_off_unloaded iso_off_loaded iso_off_primes iso_off_failed < <(isolation false)

# The trials stop workers on purpose, more often than a crash loop allows by default.
start_app cluster --app.cluster.restart.max-attempts=100
term=$(stop_trials TERM) || exit 1
kill_=$(stop_trials KILL) || exit 1
read -r close_steady close_p99 close_failed close_duration < <(reload_trial -H "Connection: close")
read -r keep_steady keep_p99 keep_failed keep_duration < <(reload_trial)
read -r paced_steady paced_p99 paced_failed paced_duration < <(CONNECTIONS=16 reload_trial -s "$PACED" -H "Connection: close")
close_cold=$(cold_start -H "Connection: close")
paced_cold=$(CONNECTIONS=16 cold_start -s "$PACED" -H "Connection: close")
stop_app
# The same reloads with replacements started at normal priority.
start_app cluster --app.cluster.worker.gentle-start=false
read -r eager_close_steady eager_close_p99 eager_close_failed eager_close_duration < <(reload_trial -H "Connection: close")
read -r eager_paced_steady eager_paced_p99 eager_paced_failed eager_paced_duration < <(CONNECTIONS=16 reload_trial -s "$PACED" -H "Connection: close")
stop_app

m() { tr ' ' '\n' <<<"$1" | grep -v '^$' | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
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

machine="$(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(free -g | awk '/Mem:/ {print $2}') GiB, Linux $(uname -r), $(java -version 2>&1 | head -1)"
table=$(cat <<TABLE
Run on $(date -u +%Y-%m-%d) on $machine.
Load: wrk, 2 threads, $CONNECTIONS keep-alive connections, $DURATION per measurement, on the same 2 cores as the server, with an idle JVM
and a periodic gzip job running beside it; medians of $ROUNDS alternating rounds (plain, pinned, shared, plain, ...). Each round starts the
server, warms each endpoint up for $SHORT_WARMUP (short), measures, warms each up for another $WARMUP (long) and measures again.
Plain = one JVM (\`app.cluster.enabled=false\`); pinned = primary + 2 workers, each on its own CPU (\`app.cluster.worker.cpu-affinity=on\`);
shared = the same with \`app.cluster.worker.cpu-affinity=off\` (both workers on both CPUs). Memory: Pss and Rss summed over the
primary and its workers (\`/proc/<pid>/smaps_rollup\`) after the long run; Pss counts a page that several processes map once.

| measurement | warm-up | plain JVM | pinned | pinned / plain | shared | shared / plain |
|---|---|---|---|---|---|---|
$(rows)
| Pss (MB) | | $(m "${results[plain,pss]}") | $(m "${results[pinned,pss]}") | $(ratio "$(m "${results[pinned,pss]}")" "$(m "${results[plain,pss]}")") | $(m "${results[shared,pss]}") | $(ratio "$(m "${results[shared,pss]}")" "$(m "${results[plain,pss]}")") |
| Rss (MB) | | $(m "${results[plain,rss]}") | $(m "${results[pinned,rss]}") | $(ratio "$(m "${results[pinned,rss]}")" "$(m "${results[plain,rss]}")") | $(m "${results[shared,rss]}") | $(ratio "$(m "${results[shared,rss]}")" "$(m "${results[plain,rss]}")") |

All rounds: $(for key in "${!results[@]}"; do echo "$key: ${results[$key]}"; done | sort | paste -sd ';' | sed 's/;/; /g').

Failed requests under a steady load of new connections (wrk with \`Connection: close\`, $CONNECTIONS connections), one worker stopped 3 s into a 12 s run, $STOP_TRIALS trials each:

| event | failed requests per trial | seconds from signal to replacement ready |
|---|---|---|
| graceful stop (SIGTERM to a worker) | ${term%%|*} | ${term##*|} |
| kill (SIGKILL to a worker) | ${kill_%%|*} | ${kill_##*|} |

Rolling reload of the 2 workers (\`POST /actuator/cluster/reload\`) 2 s into a 40 s run of the same load; steady p99 is a
10 s run just before, on the same cluster:

| load | failed requests | p99 steady (ms) | p99 during reload (ms) | reload / steady p99 | reload duration (s) | one worker's cold start under this load (s) | reload / (N x cold start) |
|---|---|---|---|---|---|---|---|
| saturating, new connection per request | $close_failed | $close_steady | $close_p99 | $(ratio "$close_p99" "$close_steady") | $close_duration | $close_cold | $(ratio "${close_duration%% *}" "$(echo "2 * $close_cold" | bc)") |
| saturating, keep-alive connections | $keep_failed | $keep_steady | $keep_p99 | $(ratio "$keep_p99" "$keep_steady") | $keep_duration | | |
| paced (16 connections, 20 ms apart), new connection per request | $paced_failed | $paced_steady | $paced_p99 | $(ratio "$paced_p99" "$paced_steady") | $paced_duration | $paced_cold | $(ratio "${paced_duration%% *}" "$(echo "2 * $paced_cold" | bc)") |
| saturating, new connection per request, \`gentle-start=false\` | $eager_close_failed | $eager_close_steady | $eager_close_p99 | $(ratio "$eager_close_p99" "$eager_close_steady") | $eager_close_duration | | |
| paced, new connection per request, \`gentle-start=false\` | $eager_paced_failed | $eager_paced_steady | $eager_paced_p99 | $(ratio "$eager_paced_p99" "$eager_paced_steady") | $eager_paced_duration | | |

Saturating: $CONNECTIONS connections without pause, the 2 cores fully busy, so a starting replacement JVM takes CPU from the
serving workers. With the defaults a replacement starts at nice +10 until it is ready (\`app.cluster.worker.gentle-start\`);
the last two rows start it at normal priority. Paced: the load leaves room on the cores. Each replacement warms up first (the sample sets
\`app.cluster.worker.warmup.paths\`) and takes connections only once ready. Cold start: SIGKILL of a worker to its replacement
being ready (warm-up included), measured after the reloads under the same load.

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
	echo "(\`benchmarks/scrape.sh\`) in [scrape-benchmark.md](scrape-benchmark.md)."
	echo
	echo "## Cluster runtime"
	echo
	echo "$table"
} >"$OUT"
echo "written to $OUT"

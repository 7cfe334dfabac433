# Shared by the benchmark scripts (sourced, not run): the sample's jar, starting and stopping it,
# wrk runs and medians. Loopback only; every wait is bounded.
# The caller sets WORK (a scratch directory), PORT and MANAGEMENT_PORT.

JAR=sample-app/target/sample-app-0.1.0-SNAPSHOT.jar
# A failing command names itself before set -e stops the script (in functions and subshells too).
set -E
trap 'echo "${BASH_SOURCE[0]}:$LINENO: \"$BASH_COMMAND\" exited $?" >&2' ERR
LOG=$WORK/app.log
APP_PID=

for tool in wrk curl bc; do
	command -v $tool >/dev/null || { apt-get update -qq && apt-get install -y -qq $tool >/dev/null; }
done
[[ -f $JAR ]] || ./mvnw -B -q -DskipTests install

# require_seconds NAME MIN MAX: stop unless the setting NAME holds whole seconds ("10s") from MIN to MAX
require_seconds() {
	local value=${!1}
	[[ $value =~ ^[0-9]+s$ ]] && ((${value%s} >= $2 && ${value%s} <= $3)) ||
		{ echo "$1 is $value; accepted: whole seconds from $2s to $3s, such as 10s" >&2; exit 1; }
}

# launch "line to wait for" args... ; the application's arguments follow the jar, JVM_OPTIONS (an
# array, empty unless the caller sets it) precede it
JVM_OPTIONS=()
launch() {
	local ready=$1; shift
	java ${JVM_OPTIONS[@]+"${JVM_OPTIONS[@]}"} -jar "$JAR" --server.port="$PORT" --management.server.port="$MANAGEMENT_PORT" "$@" >"$LOG" 2>&1 &
	APP_PID=$!
	for _ in $(seq 1 600); do
		grep -q "$ready" "$LOG" && return
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

# Until the workers' class data archive exists (at most 2 minutes), so that replacements map it and
# its training run, which the primary starts once the cluster is ready, does not run beside what is
# measured. Returns at once when the workers go without one.
await_class_data() {
	for _ in $(seq 1 240); do
		grep -aqE "Class data archive for workers ready|class data archive /|without a class data archive" "$LOG" && return
		sleep 0.5
	done
	echo "no class data archive after 2 minutes; measuring without it" >&2
}

# Before the rounds: a cluster whose workers start before the archive of this jar exists runs
# without it, so the first round would measure workers without one. Starts a cluster once (quick
# first start), waits until the archive exists, stops it.
prepare_class_data() {
	launch "Cluster ready" --app.cluster.instances=2 --app.cluster.worker.warmup.first-workers-until-compiled=false
	await_class_data
	stop_app
}

# The EXIT trap of the scripts that start companions: stops the app and the companions and removes
# WORK. After a failure the last cluster's log is kept and its path printed: a reload that failed
# or a replacement that never got ready is explained there.
finish() {
	local status=$?
	stop_app
	if ((${#COMPANIONS[@]} > 0)); then kill "${COMPANIONS[@]}" 2>/dev/null || true; fi
	if ((status != 0)) && [[ -s $LOG ]]; then
		local kept
		kept=$(mktemp "${TMPDIR:-/tmp}/boot-cluster-benchmark-XXXXXX.log")
		cp "$LOG" "$kept"
		echo "failed (exit $status); the cluster's log is kept in $kept" >&2
	fi
	rm -rf "$WORK"
}

# What else runs on a real host: an idle JVM of the sample and a small periodic job (gzip of 512 KB
# every 250 ms, like a log shipper). Their pids go to COMPANIONS, which finish stops.
COMPANIONS=()
start_companions() {
	java -jar "$JAR" --app.cluster.enabled=false --server.port=0 --management.server.port=0 >"$WORK/idle.log" 2>&1 &
	COMPANIONS+=($!)
	(while sleep 0.25; do head -c 524288 /dev/urandom | gzip -1 >/dev/null; done) &
	COMPANIONS+=($!)
}

# The reload benchmarks' loads, new connections (Connection: close) as wrk arguments: SATURATING,
# CONNECTIONS connections without pause; PACING, 16 connections each waiting 20 ms between requests
# (about 700 requests/s), which leaves the cores room, as a production host has. CLOSE alone too.
new_connection_loads() {
	CLOSE=(-H "Connection: close")
	echo 'function delay() return 20 end' >"$WORK/paced.lua"
	SATURATING=(-c"$CONNECTIONS" "${CLOSE[@]}")
	PACING=(-c16 -s "$WORK/paced.lua" "${CLOSE[@]}")
}

# A fresh cluster's warm-up in the reload benchmarks: WARMUP of new connections on /api/data,
# then on /api/primes.
warm_up_with_new_connections() {
	wrk -t2 -c"$CONNECTIONS" -d"$WARMUP" "${CLOSE[@]}" "http://127.0.0.1:$PORT/api/data" >/dev/null
	wrk -t2 -c"$CONNECTIONS" -d"$WARMUP" "${CLOSE[@]}" "http://127.0.0.1:$PORT/api/primes?limit=20000" >/dev/null
}

to_ms() { # 812.00us | 1.23ms | 1.05s
	awk -v v="$1" 'BEGIN { if (v ~ /us$/) print v/1000; else if (v ~ /ms$/) print v+0; else if (v ~ /s$/) print v*1000; else print v }'
}

# wrk's output -> "rps p99ms errors"
summarize() {
	local rps p99 errors
	rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$1")
	p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$1")")
	errors=$(awk '/Socket errors:/ {gsub(",", ""); print $4 + $6 + $8 + $10} /Non-2xx/ {print $NF}' <<<"$1" | paste -sd+ | bc)
	echo "$rps $p99 ${errors:-0}"
}

# wrk PATH [extra args] -> "rps p99ms errors", for DURATION with CONNECTIONS
load() {
	local path=$1; shift
	summarize "$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "http://127.0.0.1:$PORT$path")"
}

# wrk PATH COUNT: COUNT requests on CONNECTIONS keep-alive connections however long they take (at
# most 5 minutes, or the benchmark stops), so that servers of different speed do the same work.
# Each of wrk's 2 threads stops after its half and notes it in a file; once both have, wrk is
# interrupted, as it would otherwise wait out -d. Prints the requests wrk counted.
requests() {
	local path=$1 count=$2 done_file output wrk_pid served
	((count >= 2 && count <= 10000000)) || { echo "requests: $count; accepted: 2 to 10000000" >&2; exit 1; }
	done_file=$(mktemp -p "$WORK")
	output=$(mktemp -p "$WORK")
	cat >"$WORK/count.lua" <<'LUA'
local served, limit = 0, tonumber(os.getenv("REQUESTS_PER_THREAD"))
function response()
	served = served + 1
	if served == limit then
		wrk.thread:stop()
		local done = io.open(os.getenv("DONE_FILE"), "a")
		done:write("done\n")
		done:close()
	end
end
LUA
	REQUESTS_PER_THREAD=$((count / 2)) DONE_FILE=$done_file \
		wrk -t2 -c"$CONNECTIONS" -d300s -s "$WORK/count.lua" "http://127.0.0.1:$PORT$path" >"$output" &
	wrk_pid=$!
	while kill -0 "$wrk_pid" 2>/dev/null && (($(wc -l <"$done_file") < 2)); do sleep 0.1; done
	kill -INT "$wrk_pid" 2>/dev/null || true
	wait "$wrk_pid" || true
	served=$(awk '/ requests in / {print $1}' "$output")
	if ((${served:-0} < count / 2 * 2)); then
		echo "requests: wrk counted ${served:-no} of $count requests to $path within 5 minutes" >&2
		exit 1
	fi
	echo "$served"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
m() { tr ' ' '\n' <<<"$1" | grep -v '^$' | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# smaps_rollup field (Pss, Rss) summed over the app's processes, in MB: a page mapped by several
# processes counts once in the Pss sum, once per process in the Rss sum.
memory_mb() { # field pid...
	local field=$1; shift
	for pid in "$@"; do awk -v f="$field:" '$1 == f {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || true; done |
		awk '{s += $1} END {printf "%.0f", s / 1024}'
}

# Young collections of the given JVMs since their start (jstat -gcutil), summed: "count seconds"
young_collections() { # pid...
	for pid in "$@"; do jstat -gcutil "$pid" | awk 'NR == 2 {print $7, $8}'; done |
		awk '{c += $1; s += $2} END {printf "%d %.3f\n", c, s}'
}

# The primary's children, without the class data archive's training run.
worker_pids() {
	for pid in $(pgrep -P "$APP_PID" || true); do
		tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "-Dboot-cluster.training-for=" || echo "$pid"
	done | sort -n
}

machine() {
	echo "$(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(free -g | awk '/Mem:/ {print $2}') GiB, Linux $(uname -r), $(java -version 2>&1 | head -1)"
}

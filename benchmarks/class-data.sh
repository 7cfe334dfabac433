#!/usr/bin/env bash
# How long a replacement worker takes from SIGKILL to ready (warm-up included), with
# app.cluster.worker.class-data-sharing off and auto (archive made beforehand), on an idle
# host and under a saturating wrk load on /api/primes, on JDK 17 and, if installed, JDK 25.
# An idle plain JVM of the sample runs beside the cluster, as a real host runs other things.
#
#   benchmarks/class-data.sh [rounds]     (default 3; prints a Markdown table)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${1:-3}"
JAR=sample-app/target/sample-app-0.1.0-SNAPSHOT.jar
CACHE="$(mktemp -d)"
LOG="$(mktemp)"
APP_PID=""
IDLE_PID=""
cleanup() {
	[[ -n $APP_PID ]] && kill "$APP_PID" 2>/dev/null || true
	[[ -n $IDLE_PID ]] && kill "$IDLE_PID" 2>/dev/null || true
	rm -rf "$CACHE" "$LOG"
}
trap cleanup EXIT

java -Xmx128m -jar "$JAR" --app.cluster.enabled=false --server.port=0 --management.server.port=0 >/dev/null 2>&1 &
IDLE_PID=$!

worker0() { curl -s 127.0.0.1:18101/actuator/cluster | grep -o '"id":0,"pid":[0-9]*' | grep -o '[0-9]*$'; }

trial() { # java mode load -> seconds
	local java=$1 mode=$2 load=$3
	"$java" -jar "$JAR" --server.port=18100 --management.server.port=18101 --app.cluster.instances=2 \
		--app.cluster.worker.class-data-sharing="$mode" --app.cluster.worker.class-data-cache="$CACHE" >"$LOG" 2>&1 &
	APP_PID=$!
	for _ in $(seq 1 240); do grep -q "Cluster ready" "$LOG" && break; sleep 0.5; done
	if [[ $mode == auto ]]; then
		for _ in $(seq 1 240); do grep -q "Class data archive for workers ready\|class data archive /" "$LOG" && break; sleep 0.5; done
	fi
	local wrk_pid=""
	if [[ $load == saturating ]]; then
		wrk -t2 -c32 -d40s "http://127.0.0.1:18100/api/primes?limit=20000" >/dev/null 2>&1 &
		wrk_pid=$!
		sleep 5
	fi
	local victim; victim=$(worker0)
	kill -9 "$victim"
	local ready=""
	for _ in $(seq 1 240); do
		ready=$(grep "worker 0 (pid" "$LOG" | grep -v "pid $victim)" | grep -o "ready in [0-9.]* s" | grep -o "[0-9.]*" || true)
		[[ -n $ready ]] && break
		sleep 0.25
	done
	local mapped=0
	tr '\0' ' ' <"/proc/$(worker0)/cmdline" | grep -q -- "-XX:SharedArchiveFile\|-XX:AOTCache" && mapped=1
	[[ -n $wrk_pid ]] && kill "$wrk_pid" 2>/dev/null && wait "$wrk_pid" 2>/dev/null || true
	kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true
	APP_PID=""
	if [[ $mode == auto && $mapped == 0 ]]; then echo "auto started no worker with the archive" >&2; exit 1; fi
	echo "$ready"
}

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

echo "| JDK | load | off: SIGKILL to ready (s) | auto: SIGKILL to ready (s) | median auto/off |"
echo "|---|---|---|---|---|"
for java in java /usr/lib/jvm/temurin-25-jdk-amd64/bin/java; do
	command -v "$java" >/dev/null 2>&1 || continue
	version=$("$java" -version 2>&1 | head -1 | grep -o '"[0-9]*' | tr -d '"')
	rm -rf "${CACHE:?}"/*
	for load in idle saturating; do
		off=""; auto=""
		for _ in $(seq 1 "$ROUNDS"); do
			off="$off $(trial "$java" off "$load")"
			auto="$auto $(trial "$java" auto "$load")"
		done
		m_off=$(median <<<"$off"); m_auto=$(median <<<"$auto")
		echo "| $version | $load |$off (median $m_off) |$auto (median $m_auto) | $(awk -v a="$m_auto" -v b="$m_off" 'BEGIN { printf "%.2f", a / b }') |"
	done
done

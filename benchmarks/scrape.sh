#!/usr/bin/env bash
# Aggregated scrape benchmark: latency and size of GET /actuator/prometheus on the primary's
# management port for clusters of 2 and 8 workers, after a short and after a long warm-up, and
# with one of 8 workers frozen (SIGSTOP). A paced load runs on the application port and an idle
# JVM runs beside the cluster throughout, as on a real host. Writes docs/scrape-benchmark.md.
# Loopback only; every run is bounded.
#
#   benchmarks/scrape.sh
#   SCRAPES=500 benchmarks/scrape.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SCRAPES=${SCRAPES:-200}
SHORT_WARMUP=${SHORT_WARMUP:-5}
LONG_WARMUP=${LONG_WARMUP:-300}
FROZEN_SCRAPES=${FROZEN_SCRAPES:-40}
PORT=${PORT:-18080}
MANAGEMENT_PORT=${MANAGEMENT_PORT:-18081}
OUT=docs/scrape-benchmark.md
WORK=$(mktemp -d)
IDLE_PID=
LOAD_PID=
cleanup() {
	[[ -n $LOAD_PID ]] && kill "$LOAD_PID" 2>/dev/null || true
	[[ -n $IDLE_PID ]] && kill "$IDLE_PID" 2>/dev/null || true
	stop_app
	rm -rf "$WORK"
}
trap cleanup EXIT

# shellcheck source=common.sh
source benchmarks/common.sh

PACED=$WORK/paced.lua
echo 'function delay() return 20 end' >"$PACED"

start_app() { # workers [extra args...]
	local workers=$1; shift
	launch "Cluster ready" --app.cluster.instances="$workers" "$@"
}

# A paced load on the application port for the whole measurement: 8 connections, 20 ms apart.
start_load() {
	wrk -t1 -c8 -d600s -s "$PACED" "http://127.0.0.1:$PORT/api/data" >/dev/null 2>&1 &
	LOAD_PID=$!
}

stop_load() {
	kill "$LOAD_PID" 2>/dev/null || true
	wait "$LOAD_PID" 2>/dev/null || true
	LOAD_PID=
}

# scrape COUNT -> one "seconds bytes" line per scrape
scrape() {
	for _ in $(seq 1 "$1"); do
		curl -s -o /dev/null --max-time 10 -w '%{time_total} %{size_download} %{http_code}\n' \
			"http://127.0.0.1:$MANAGEMENT_PORT/actuator/prometheus" || true
	done
}

# summary FILE -> "median-ms p99-ms max-ms median-bytes non-200"
summary() {
	local file=$1
	local ms; ms=$(awk '{printf "%.1f\n", $1 * 1000}' "$file" | sort -n)
	local n; n=$(wc -l <<<"$ms")
	echo "$(sed -n "$(( (n + 1) / 2 ))p" <<<"$ms") $(sed -n "$(( (n * 99 + 99) / 100 ))p" <<<"$ms") $(tail -1 <<<"$ms")" \
		"$(awk '{print $2}' "$file" | sort -n | sed -n "$(( (n + 1) / 2 ))p")" "$(awk '$3 != 200' "$file" | wc -l)"
}

# An idle JVM beside the cluster, as another service on the host would be.
cat >"$WORK/Idle.java" <<'JAVA'
public class Idle {
	public static void main(String[] args) throws Exception {
		Thread.sleep(3_600_000);
	}
}
JAVA
java -Xmx64m "$WORK/Idle.java" &
IDLE_PID=$!

declare -A rows
for workers in 2 8; do
	echo "== $workers workers"
	start_app "$workers" --app.cluster.worker.heartbeat-timeout=10m
	start_load
	scrape "$SHORT_WARMUP" >/dev/null
	scrape "$SCRAPES" >"$WORK/short-$workers"
	rows[$workers,short]=$(summary "$WORK/short-$workers")
	scrape "$LONG_WARMUP" >/dev/null
	scrape "$SCRAPES" >"$WORK/long-$workers"
	rows[$workers,long]=$(summary "$WORK/long-$workers")
	rows[$workers,primary]=$(ps -o rss= -p "$APP_PID" | awk '{printf "%.0f", $1/1024}')
	# The primary gives the heap scrapes grew back once it is idle (a periodic collection every 10 s).
	sleep 20
	rows[$workers,primary_idle]=$(ps -o rss= -p "$APP_PID" | awk '{printf "%.0f", $1/1024}')
	echo "short warm-up: ${rows[$workers,short]}; long warm-up: ${rows[$workers,long]}"
	if [[ $workers == 8 ]]; then
		frozen=$(pgrep -P "$APP_PID" | head -1)
		kill -STOP "$frozen"
		scrape "$FROZEN_SCRAPES" >"$WORK/frozen"
		missing=$(curl -s --max-time 10 "http://127.0.0.1:$MANAGEMENT_PORT/actuator/prometheus" |
			awk '$1 == "cluster_scrape_missing" {print $2}' || true)
		kill -CONT "$frozen"
		rows[frozen]=$(summary "$WORK/frozen")
		echo "one worker frozen: ${rows[frozen]}, cluster_scrape_missing $missing"
	fi
	stop_load
	stop_app
done

row() { # label "median p99 max bytes failed"
	read -r median p99 max bytes failed <<<"$2"
	echo "| $1 | $median | $p99 | $max | $bytes | $failed |"
}
machine="$(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(free -g | awk '/Mem:/ {print $2}') GiB, Linux $(uname -r), $(java -version 2>&1 | head -1)"
table=$(cat <<TABLE
Run on $(date -u +%Y-%m-%d) on $machine.
\`curl\` scrapes \`/actuator/prometheus\` on the primary's management port one after another, $SCRAPES times per row, while
wrk sends a paced load (8 connections, 20 ms apart) to \`/api/data\` and an idle JVM runs beside the cluster. Short warm-up:
$SHORT_WARMUP scrapes before the measured ones; long warm-up: $LONG_WARMUP more. The frozen row scrapes $FROZEN_SCRAPES times
right after one of the 8 workers is stopped by SIGSTOP, so that some reach the frozen worker before the primary notices
(the default \`app.cluster.metrics.scrape-timeout\` of 2 s; \`heartbeat-timeout\` raised to 10 minutes so that the watchdog
does not replace it meanwhile).

| scrape | median (ms) | p99 (ms) | max (ms) | size (bytes) | not 200 |
|---|---|---|---|---|---|
$(row "2 workers, short warm-up" "${rows[2,short]}")
$(row "2 workers, long warm-up" "${rows[2,long]}")
$(row "8 workers, short warm-up" "${rows[8,short]}")
$(row "8 workers, long warm-up" "${rows[8,long]}")
$(row "8 workers, one frozen" "${rows[frozen]}")

With one worker frozen the scrape reported \`cluster_scrape_missing $missing\`. Primary resident memory right after the
scrapes: ${rows[2,primary]} MB with 2 workers, ${rows[8,primary]} MB with 8; 20 s later, idle: ${rows[2,primary_idle]} MB and
${rows[8,primary_idle]} MB.
TABLE
)
echo
echo "$table"
{
	echo "# Aggregated scrape benchmark"
	echo
	echo "Produced by \`benchmarks/scrape.sh\`; numbers are what that run printed. This machine is shared and noisy:"
	echo "compare medians within one run, not across runs."
	echo
	echo "$table"
} >"$OUT"
echo "written to $OUT"

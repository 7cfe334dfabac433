#!/usr/bin/env bash
# Where a reload's tail latency comes from: one reload of a 2-worker cluster (the sample's
# defaults) under a saturating and under a paced load of new connections on /api/data, measured
# in back-to-back 1 s windows (p99 and requests/s of each) with the primary's events between
# them: a replacement starting, ready, the old process drained. Each window is labelled with
# the phase it ran in: steady (before the reload), start-up (a replacement starting), switch
# (the 3 s after a replacement became ready and took connections), after (the reload finished).
# An idle JVM of the sample and a periodic gzip job run throughout, besides the load generator.
# Prints the timelines and a summary per phase, and writes them to docs/reload-timeline.md
# (when it ran both loads).
# Loopback only; every run is bounded.
#
#   benchmarks/reload-timeline.sh
#   WARMUP=30s benchmarks/reload-timeline.sh --app.cluster.worker.warmup.requests=200
#   LOADS=saturating benchmarks/reload-timeline.sh     # one load only, printed, docs left as they are
# Arguments are passed to the application.
set -euo pipefail
cd "$(dirname "$0")/.."

# Per cluster, before the timeline: new connections on /api/data, then /api/primes.
WARMUP=${WARMUP:-20s}
CONNECTIONS=32
PORT=${PORT:-18080}
MANAGEMENT_PORT=${MANAGEMENT_PORT:-18081}
OUT=docs/reload-timeline.md
WORK=$(mktemp -d)
# shellcheck source=common.sh
source benchmarks/common.sh
trap finish EXIT
start_companions

new_connection_loads
SWITCH_WINDOW=3

now() { date +%s.%N; }
since() { echo "$1 - $T0" | bc | xargs printf '%.1f'; }

# One 1 s window -> "start-s p99ms rps"
window() { # wrk-args...
	local started
	started=$(now)
	read -r rps p99 _ < <(summarize "$(wrk -t2 -d1s --latency "$@" "http://127.0.0.1:$PORT/api/data")")
	echo "$(since "$started") $p99 $rps"
}

reloading() {
	curl -s "http://127.0.0.1:$MANAGEMENT_PORT/actuator/cluster/reload" | grep -q '"state":"running"'
}

# The primary's reload events since the timeline began -> "t event"
events() {
	grep -aE "starting to replace|\(replacement\) ready in|drained in|runs at nice|now at nice" "$LOG" | while read -r line; do
		local at
		at=$(date -d "$(cut -c1-24 <<<"$line")" +%s.%N 2>/dev/null) || continue
		[[ $(echo "$at > $T0" | bc) == 1 ]] || continue
		echo "$(since "$at") $(sed -E 's/.*: (worker|Reload)/\1/' <<<"$line" | cut -c1-110)"
	done
}

# Label each window from the events: start-up while a replacement starts, switch for
# SWITCH_WINDOW s after one became ready, after once the reload finished.
label() { # windows-file events-file reload-at done-at
	awk -v reload="$3" -v done="$4" -v sw="$SWITCH_WINDOW" '
		FNR == NR { if ($0 ~ /\(replacement\) ready in/) ready[++n] = $1; next }
		{
			phase = "start-up"
			if ($1 < reload) phase = "steady"
			else if ($1 >= done) phase = "after"
			for (i = 1; i <= n; i++) if ($1 + 1 > ready[i] && $1 < ready[i] + sw) phase = "switch"
			print $0, phase
		}' "$2" "$1"
}

summary_of() { # labelled-windows-file phase -> "windows median-p99 max-p99"
	local p99s
	p99s=$(awk -v p="$2" '$4 == p {print $2}' "$1" | sort -n)
	if [[ -z $p99s ]]; then echo "0 - -"; return; fi
	echo "$(wc -l <<<"$p99s") $(median <<<"$p99s") $(tail -1 <<<"$p99s")"
}

report=""
summary=""
for load in ${LOADS:-saturating paced}; do
	args=("${SATURATING[@]}")
	[[ $load == paced ]] && args=("${PACING[@]}")
	launch "Cluster ready" --app.cluster.instances=2 "$@"
	await_class_data
	warm_up_with_new_connections
	T0=$(now)
	: >"$WORK/windows"
	for _ in 1 2 3 4 5; do window "${args[@]}" >>"$WORK/windows"; done
	reload_at=$(since "$(now)")
	curl -s -X POST -H 'Content-Type: application/json' -d '{}' \
		"http://127.0.0.1:$MANAGEMENT_PORT/actuator/cluster/reload" >/dev/null
	for _ in $(seq 1 180); do
		window "${args[@]}" >>"$WORK/windows"
		reloading || break
	done
	done_at=$(since "$(now)")
	for _ in 1 2 3; do window "${args[@]}" >>"$WORK/windows"; done
	events >"$WORK/events"
	label "$WORK/windows" "$WORK/events" "$reload_at" "$done_at" >"$WORK/labelled"
	stop_app
	timeline=$( (awk '{printf "%6.1f  window  p99 %7.2f ms  %8.0f req/s  %s\n", $1, $2, $3, $4}' "$WORK/labelled"
		awk '{t = $1; $1 = ""; printf "%6.1f  event  %s\n", t, $0}' "$WORK/events"
		printf "%6.1f  event   POST /actuator/cluster/reload\n" "$reload_at"
		printf "%6.1f  event   reload finished\n" "$done_at") | sort -n -k1,1)
	echo "== $load"
	echo "$timeline"
	rows=""
	for phase in steady start-up switch after; do
		read -r count median max < <(summary_of "$WORK/labelled" "$phase")
		rows+="| $load | $phase | $count | $median | $max |"$'\n'
	done
	echo "$rows"
	report+="## $load"$'\n\n'"\`\`\`"$'\n'"$timeline"$'\n'"\`\`\`"$'\n\n'
	summary+="$rows"
done

if [[ -n ${LOADS:-} ]]; then
	echo "one load only (LOADS=$LOADS): $OUT left as it is"
	exit 0
fi
{
	echo "# Reload timeline"
	echo
	echo "Produced by \`benchmarks/reload-timeline.sh\` on $(date -u +%Y-%m-%d) on $(machine); numbers are what that run"
	echo "printed. One reload of a 2-worker cluster (the sample's defaults${*:+ and $*}) after $WARMUP of new connections on \`/api/data\` and"
	echo "$WARMUP on \`/api/primes?limit=20000\`, measured in back-to-back 1 s windows of \`/api/data\`, \`Connection: close\`:"
	echo "saturating = $CONNECTIONS connections without pause, paced = 16 connections each waiting 20 ms between requests. An"
	echo "idle JVM of the sample and a gzip job (512 KB every 250 ms) run throughout. Phases: steady (before the reload),"
	echo "start-up (a replacement starting beside the serving workers), switch (the ${SWITCH_WINDOW} s after a replacement became"
	echo "ready: it takes connections while the old process drains), after (the reload finished). One run: single windows are"
	echo "noisy, read the phases' medians."
	echo
	echo "| load | phase | windows | median of the windows' p99 (ms) | highest window p99 (ms) |"
	echo "|---|---|---|---|---|"
	echo -n "$summary"
	echo
	echo "$report"
} >"$OUT"
echo "written to $OUT"

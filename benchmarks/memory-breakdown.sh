#!/usr/bin/env bash
# Where the memory goes: one plain JVM against the default cluster (primary + 2 workers) after the
# same requests as MEMORY_ONLY=1 benchmarks/cluster.sh (MEMORY_REQUESTS /api/data, then a fifth as
# many /api/primes?limit=20000, on CONNECTIONS keep-alive connections, however long they take up to
# 5 minutes each), SETTLE later, process by process: Pss and Rss (smaps_rollup), the Java heap's
# resident pages (the Rss of the mappings inside the heap's reservation, read from jcmd
# GC.heap_info), the class data archives mapped (Pss of the .jsa mappings), and what the JVM itself
# says it committed, per category (-XX:NativeMemoryTracking=summary, which every JVM here runs with;
# committed is not resident: a heap or a thread stack is committed whole and touched as it is used).
# Medians of ROUNDS alternating rounds, a worker's over both workers, after one start that makes the
# workers' class data archive. An idle JVM and a periodic gzip job run beside it, as on a real host.
# Writes docs/memory-breakdown.md. Loopback only; every run is bounded.
#
#   benchmarks/memory-breakdown.sh                              # 3 alternating rounds
#   ROUNDS=5 MEMORY_REQUESTS=200000 benchmarks/memory-breakdown.sh
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-32}
MEMORY_REQUESTS=${MEMORY_REQUESTS:-100000}
SETTLE=${SETTLE:-10s}
PORT=${PORT:-18080}
MANAGEMENT_PORT=${MANAGEMENT_PORT:-18081}
OUT=docs/memory-breakdown.md
WORK=$(mktemp -d)
# shellcheck source=common.sh
source benchmarks/common.sh
trap finish EXIT
[[ $ROUNDS =~ ^[0-9]+$ ]] && ((ROUNDS >= 1 && ROUNDS <= 10)) || { echo "ROUNDS is $ROUNDS; accepted: 1 to 10" >&2; exit 1; }
[[ $CONNECTIONS =~ ^[0-9]+$ ]] && ((CONNECTIONS >= 2 && CONNECTIONS <= 1000)) ||
	{ echo "CONNECTIONS is $CONNECTIONS; accepted: 2 to 1000" >&2; exit 1; }
[[ $MEMORY_REQUESTS =~ ^[0-9]+$ ]] && ((MEMORY_REQUESTS >= 1000 && MEMORY_REQUESTS <= 1000000)) ||
	{ echo "MEMORY_REQUESTS is $MEMORY_REQUESTS; accepted: 1000 to 1000000" >&2; exit 1; }
require_seconds SETTLE 0 60
start_companions
prepare_class_data

NMT=-XX:NativeMemoryTracking=summary
JVM_OPTIONS=("$NMT")
# The JVM's categories, as NMT names them, in the table's order; the rest are summed as "other".
CATEGORIES=("Java Heap" "Class" "Metaspace" "Code" "Thread" "GC" "Symbol" "Compiler" "Arena Chunk"
	"Shared class space" "Native Memory Tracking")

# breakdown PID: "name=MB" lines for one process; stops the benchmark when the JVM does not answer
breakdown() {
	local pid=$1 heap_info native_memory addresses low high
	awk '$1 == "Pss:" {printf "Pss=%.1f\n", $2 / 1024} $1 == "Rss:" {printf "Rss=%.1f\n", $2 / 1024}' \
		"/proc/$pid/smaps_rollup"
	heap_info=$(jcmd "$pid" GC.heap_info)
	native_memory=$(jcmd "$pid" VM.native_memory summary scale=KB)
	# The heap's reservation: the lowest and highest address GC.heap_info prints, 16 hex digits each,
	# so that they compare as strings with the smaps addresses padded to 16 digits (mawk has no hex).
	addresses=$(grep -o '0x[0-9a-f]\{16\}' <<<"$heap_info" | sed 's/^0x//' | sort || true)
	low=${addresses%%$'\n'*}
	high=${addresses##*$'\n'}
	[[ -n $low && $low != "$high" ]] || { echo "no heap reservation in jcmd $pid GC.heap_info: $heap_info" >&2; exit 1; }
	grep -q "Java Heap (reserved=" <<<"$native_memory" ||
		{ echo "no NMT summary from jcmd $pid VM.native_memory: $native_memory" >&2; exit 1; }
	awk -v low="$low" -v high="$high" '
		/^[0-9a-f]+-[0-9a-f]+ / {
			start = substr("0000000000000000", 1, 16 - index($1, "-") + 1) substr($1, 1, index($1, "-") - 1)
			heap = (start >= low && start < high); archive = ($6 ~ /\.jsa$/)
			next
		}
		$1 == "Rss:" && heap { h += $2 }
		$1 == "Pss:" && archive { a += $2 }
		END { printf "heap resident=%.1f\narchives=%.1f\n", h / 1024, a / 1024 }' "/proc/$pid/smaps"
	sed -n 's/^- *\([A-Za-z ]*[A-Za-z]\) *(reserved=[0-9]*KB, committed=\([0-9]*\)KB.*/\1=\2/p' <<<"$native_memory" |
		awk -F= -v known="$(printf '%s|' "${CATEGORIES[@]}")" '
			BEGIN { n = split(known, k, "|"); for (i = 1; i < n; i++) wanted[k[i]] = 1 }
			$1 in wanted { printf "%s=%.1f\n", $1, $2 / 1024; next }
			{ other += $2 }
			END { printf "other=%.1f\n", other / 1024 }'
}

# remember ROLE PID: its breakdown into results[ROLE,name]
declare -A results
remember() {
	local role=$1 pid=$2 name value
	breakdown "$pid" >"$WORK/breakdown"
	while IFS='=' read -r name value; do results[$role,$name]+="$value "; done <"$WORK/breakdown"
}

for round in $(seq 1 "$ROUNDS"); do
	for mode in plain cluster; do
		if [[ $mode == plain ]]; then
			launch "Started SampleApplication" --app.cluster.enabled=false
		else
			launch "Cluster ready" --app.cluster.instances=2
		fi
		requests /api/data "$MEMORY_REQUESTS" >/dev/null
		requests "/api/primes?limit=20000" $((MEMORY_REQUESTS / 5)) >/dev/null
		sleep "${SETTLE%s}"
		# The sum first, then each process: jcmd's attach adds a little to what it reads.
		# shellcheck disable=SC2046
		results[$mode,sum]+="$(memory_mb Pss "$APP_PID" $(worker_pids)) "
		if [[ $mode == plain ]]; then
			remember plain "$APP_PID"
		else
			remember primary "$APP_PID"
			for worker in $(worker_pids); do remember worker "$worker"; done
		fi
		echo "round $round $mode: Pss ${results[$mode,sum]}"
		stop_app
	done
done

one_decimal() { printf '%.1f' "$(m "$1")"; }
rows=""
for name in Pss Rss "heap resident" archives "${CATEGORIES[@]}" other; do
	label=$name
	[[ $name == Pss || $name == Rss || $name == "heap resident" || $name == archives ]] || label="committed: $name"
	rows+="| $label | $(one_decimal "${results[plain,$name]}") | $(one_decimal "${results[primary,$name]}") | $(one_decimal "${results[worker,$name]}") |"$'\n'
done
plain=$(m "${results[plain,sum]}")
cluster=$(m "${results[cluster,sum]}")
all=""
while IFS= read -r key; do all+="$key: ${results[$key]}; "; done < <(printf '%s\n' "${!results[@]}" | sort)
all=${all%; }

report="# Where the memory goes

Produced by \`benchmarks/memory-breakdown.sh\` on $(date -u +%Y-%m-%d) on $(machine); numbers are what that run printed.
Each round starts the server afresh with \`$NMT\` (in the workers too) and sends it $MEMORY_REQUESTS \`/api/data\`
requests, then $((MEMORY_REQUESTS / 5)) \`/api/primes?limit=20000\` (wrk, 2 threads, $CONNECTIONS keep-alive connections, however long
they take up to 5 minutes each), and reads each process $SETTLE later; medians of $ROUNDS alternating rounds (plain, cluster, ...),
a worker's over both workers of every round, after one start that made the workers' class data archive. An idle JVM of
the sample and a periodic gzip job run beside it. Plain = one JVM
(\`app.cluster.enabled=false\`); primary and worker = the default cluster of 2 workers.

Pss summed over the processes: plain $plain MB, cluster $cluster MB ($(ratio "$cluster" "$plain")x).

In MB. Pss and Rss from \`/proc/<pid>/smaps_rollup\` (a page mapped by several processes counts in each one's Pss by its
share); heap resident = the Rss of the mappings inside the Java heap's reservation; archives = the Pss of the class data
archives mapped (\`.jsa\`: the JDK's, and the workers' own); the rest is what NMT says the JVM committed per category
(committed, not resident: a heap or a thread stack is committed whole and touched as it is used; NMT's own tracking is
its own category, and counts in Pss and Rss too; other = the categories not listed).

| measure | plain JVM | primary | worker |
|---|---|---|---|
$rows
All rounds: $all.
"
echo "$report"
echo "$report" >"$OUT"
echo "written to $OUT"

#!/usr/bin/env bash
# Meshwork's benchmark suite, one command, one report.
#
#   benchmarks/run.sh [quick|full]
#
# Builds the benchmark jar, starts BenchServer in its own JVM, runs every system's JMH rows in
# rounds (each system's client in its own JVM, the order rotating per round), then writes
#   benchmarks/results/report-<mode>.md    the tables, ratios, targets and machine facts
#   benchmarks/results/report-<mode>.svg   the charts
#   benchmarks/results/report-<mode>.json  the JMH results of every round, merged
# Every phase is bounded in time; the server is stopped on exit whatever happens.
#
# Environment (optional): BENCH_SKIP_BUILD=1, BENCH_BASE_PORT (47100), BENCH_ROUNDS,
# BENCH_PREWARM (seconds per client JVM), BENCH_SYSTEMS (space-separated subset),
# BENCH_TASKSET (a CPU list: pins the server and every client JVM with taskset -c),
# BENCH_JVM_PER (class, the default: one client JVM per system and benchmark class; system: one
# per system for all its classes, so each row runs on the JIT profile of the rows before it),
# BENCH_INTERLEAVE (1, the default with BENCH_JVM_PER=class: per round and benchmark class, every
# system's client JVM starts at once and they take turns through the server's TurnService, one
# JMH iteration each, so the systems alternate every few seconds; JMH's own lock against concurrent
# runs is then off, as the turns do its job; 0: one client JVM after another).
set -euo pipefail

MODE="${1:-quick}"
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
cd "$ROOT"

case "$MODE" in
  quick)
    ROUNDS="${BENCH_ROUNDS:-3}"
    PREWARM="${BENCH_PREWARM:-4}"
    SERVER_WARM=3
    ITER=(-wi 1 -w 200ms -i 1 -r 1s)  # the short warm-up iteration absorbs the row's @Setup
    MEASURED=1
    JMH_CAP=300        # seconds per client JVM
    ;;
  full)
    ROUNDS="${BENCH_ROUNDS:-3}"
    PREWARM="${BENCH_PREWARM:-20}"
    SERVER_WARM=10
    ITER=(-wi 2 -w 2s -i 5 -r 2s)
    MEASURED=5
    JMH_CAP=1800
    ;;
  *)
    echo "usage: benchmarks/run.sh [quick|full]" >&2
    exit 2
    ;;
esac

BASE_PORT="${BENCH_BASE_PORT:-47100}"
CLK_TCK="$(getconf CLK_TCK 2>/dev/null || echo 100)"
SYSTEMS=(${BENCH_SYSTEMS:-rawRSocket meshwork meshworkNoTimeout grpcDirect grpcDefault broadcast})
JVM_PER="${BENCH_JVM_PER:-class}"
case "$JVM_PER" in class|system) ;; *) echo "BENCH_JVM_PER must be class or system" >&2; exit 2 ;; esac
INTERLEAVE="${BENCH_INTERLEAVE:-1}"
[ "$JVM_PER" = system ] && INTERLEAVE=0
CLASSES=(FireAndForgetThroughput RequestResponseLatency RequestResponseThroughput RequestStreamThroughput BroadcastThroughput)
JAR="$ROOT/benchmarks/target/meshwork-benchmarks.jar"
WORK="$ROOT/benchmarks/target/bench-$MODE"
RESULTS="$ROOT/benchmarks/results"
LOG="$WORK/run.log"
NOTES="$WORK/notes.txt"
FACTS="$WORK/facts.properties"

# The same JVM flags for the server and every client.
JVM_FLAGS=(-Xms1g -Xmx1g -XX:+UseG1GC
  -Dio.netty.leakDetection.level=disabled
  -Dio.grpc.netty.shaded.io.netty.leakDetection.level=disabled
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn)
JAVA_MAJOR="$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/{print $2}')"
if [ "${JAVA_MAJOR%%.*}" -ge 24 ] 2>/dev/null; then
  JVM_FLAGS+=(--sun-misc-unsafe-memory-access=allow)
fi
PIN=()
if [ -n "${BENCH_TASKSET:-}" ]; then
  PIN=(taskset -c "$BENCH_TASKSET")
fi

START_SECONDS=$SECONDS
say() { printf '[run.sh %s +%ds] %s\n' "$MODE" "$((SECONDS - START_SECONDS))" "$*"; }

mkdir -p "$WORK" "$RESULTS"
rm -f "$WORK"/round*.json "$NOTES" "$LOG"
: > "$NOTES"
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
say "mode $MODE: $ROUNDS rounds, prewarm ${PREWARM}s per client JVM, JMH ${ITER[*]} -prof gc; load $LOAD_START"
case "${LOAD_START%% *}" in
  0.*|1.00) ;;
  *) say "WARNING: the machine is busy (1-min load ${LOAD_START%% *}); figures will be noisy" ;;
esac

# ---- build (bounded); note framework files that differ from the commit, as built
DIRTY="$(git -C "$ROOT" diff --name-only -- 'framework-*' 2>/dev/null | tr '\n' ' ' || true)"
git -C "$ROOT" diff -- 'framework-*' > "$WORK/framework.diff" 2>/dev/null || true
if [ "${BENCH_SKIP_BUILD:-0}" != "1" ]; then
  say "building the benchmark jar (mvn -pl benchmarks -am package)"
  timeout 900 mvn -B -q -DskipTests -pl benchmarks -am package
fi
[ -f "$JAR" ] || { say "no $JAR"; exit 1; }

# ---- client-side facts (same flags as the clients)
timeout 60 java "${JVM_FLAGS[@]}" -cp "$JAR" io.meshwork.benchmarks.EnvCheck > "$WORK/env.properties"
say "client: $(grep -E '^epoll' "$WORK/env.properties" | tr '\n' ' ')"

# ---- server: its own JVM; it exits when the FIFO on its stdin closes (when this script ends)
SERVER_PID=""
FIFO="$WORK/server.stdin"
cleanup() {
  local rc=$?
  exec 3>&- 2>/dev/null || true
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    for _ in $(seq 1 50); do            # up to ~10 s for a clean exit on stdin EOF
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
      kill -TERM "$SERVER_PID" 2>/dev/null || true
      for _ in $(seq 1 50); do
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.2
      done
      kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
  fi
  rm -f "$FIFO"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rm -f "$FIFO"
mkfifo "$FIFO"
"${PIN[@]}" java "${JVM_FLAGS[@]}" -D"meshwork.bench.basePort=$BASE_PORT" \
  -cp "$JAR" io.meshwork.benchmarks.BenchServer < "$FIFO" > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
exec 3> "$FIFO"
say "server started (pid $SERVER_PID), waiting for READY (at most 60 s)"
for _ in $(seq 1 300); do
  grep -q '^READY' "$WORK/server.log" && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log"; say "server died"; exit 1; }
  sleep 0.2
done
grep -q '^READY' "$WORK/server.log" || { cat "$WORK/server.log"; say "server not ready in 60 s"; exit 1; }
say "server: $(grep -E '^(server: epoll|READY)' "$WORK/server.log" | tr '\n' ' ')"

# ---- the client JVMs: by default one per system and benchmark class (JMH -f 0 inside it: the JVM
# is the fork), so no class's rows run on a JIT profile another class's rows shaped
classes_for() {
  case "$1" in
    rawRSocket|meshwork|meshworkNoTimeout)
      echo FireAndForgetThroughput RequestResponseLatency RequestResponseThroughput RequestStreamThroughput ;;
    grpcDirect|grpcDefault)
      echo RequestResponseLatency RequestResponseThroughput ;;
    broadcast)
      echo BroadcastThroughput ;;
    *) echo "unknown system $1" >&2; return 1 ;;
  esac
}

# The JMH row patterns to run, one client JVM each: per class, or all of a system's in one JVM.
row_sets() {
  local classes
  classes="$(classes_for "$1")" || return 1
  if [ "$JVM_PER" = system ]; then
    echo "io.meshwork.benchmarks.($(echo $classes | tr ' ' '|'))\\."
  else
    for c in $classes; do echo "io.meshwork.benchmarks.$c\\."; done
  fi
}

client() { # round, system, prewarm seconds, json out (or -), row regex, time cap, extra JMH args...
  local round=$1 system=$2 prewarm=$3 out=$4 rows=$5 cap=$6
  shift 6
  local params=()
  [ "$system" != broadcast ] && params=(-p "system=$system")
  local json=()
  [ "$out" != - ] && json=(-rf json -rff "$out")
  timeout "$cap" "${PIN[@]}" java "${JVM_FLAGS[@]}" \
      -D"meshwork.bench.basePort=$BASE_PORT" \
      -D"meshwork.bench.turns=$([ "$INTERLEAVE" = 1 ] && echo true || echo false)" \
      -D"jmh.ignoreLock=$([ "$INTERLEAVE" = 1 ] && echo true || echo false)" \
      -D"meshwork.bench.notes=$NOTES" \
      -D"meshwork.bench.prewarmSeconds=$prewarm" \
      -D"meshwork.bench.serverPid=$SERVER_PID" -D"meshwork.bench.clockTick=$CLK_TCK" \
      -D"meshwork.bench.round=$round" \
      -jar "$JAR" "$rows" "${params[@]}" -f 0 -foe true "$@" "${json[@]}" \
    2>&1 | tee -a "$LOG" | awk -v tag="[r$round $system]" '
      /^# Benchmark: /  { b = $3; sub(/.*benchmarks\./, "", b); sub(/\.[a-zA-Z]+$/, "", b) }
      /^# Parameters: / { p = substr($0, 15) }
      /^(prewarm|fnf) / { print "  " tag " " $0; fflush() }
      /^Iteration /     { l = $0; sub(/^Iteration +[0-9]+: */, "", l)
                          if (l ~ /^(client|prewarm|fnf)/) { pending = 1; next }
                          printf "  %s %s %s: %s\n", tag, b, p, l; fflush(); next }
      pending && /^([0-9]|n = )/ { printf "  %s %s %s: %s\n", tag, b, p, $0; pending = 0; fflush() }
      /<failure>|Exception|ERROR/ { print "  " tag " !! " $0; fflush() }'
}

# ---- server warm-up: every system once, unmeasured, so that round 1 does not meet a cold server
say "server warm-up: ${SERVER_WARM} s per system, not measured"
for system in "${SYSTEMS[@]}"; do
  timeout 120 "${PIN[@]}" java "${JVM_FLAGS[@]}" -D"meshwork.bench.basePort=$BASE_PORT" \
    -cp "$JAR" io.meshwork.benchmarks.Prewarm "$system" "$SERVER_WARM" >> "$LOG" 2>&1 \
    || say "WARNING: server warm-up of $system failed (see $LOG)"
done

has_class() { # system, class
  case " $(classes_for "$1") " in *" $2 "*) return 0 ;; *) return 1 ;; esac
}

# ---- the rounds
n=${#SYSTEMS[@]}
for round in $(seq 1 "$ROUNDS"); do
  say "round $round of $ROUNDS"
  if [ "$INTERLEAVE" = 1 ]; then
    for cls in "${CLASSES[@]}"; do
      members=()
      for k in $(seq 0 $((n - 1))); do
        system="${SYSTEMS[$(((k + round - 1) % n))]}"
        has_class "$system" "$cls" && members+=("$system")
      done
      [ ${#members[@]} -eq 0 ] && continue
      say "round $round: $cls, taking turns: ${members[*]}"
      pids=()
      for system in "${members[@]}"; do
        client "$round" "$system" "$PREWARM" "$WORK/round${round}-${system}-${cls}.json" \
          "io.meshwork.benchmarks.$cls\\." "$((JMH_CAP * ${#members[@]}))" "${ITER[@]}" -prof gc < /dev/null &
        pids+=($!)
        sleep 0.5 # so that the first turns go in this round's order, as a rule
      done
      for i in "${!pids[@]}"; do
        if ! wait "${pids[$i]}"; then
          say "WARNING: ${members[$i]} ($cls) failed or timed out in round $round; its rows are missing (see $LOG)"
          echo "FAILED: round $round, ${members[$i]} $cls (JMH exited non-zero or hit its time cap)" >> "$NOTES"
        fi
      done
    done
    continue
  fi
  for k in $(seq 0 $((n - 1))); do
    system="${SYSTEMS[$(((k + round - 1) % n))]}"
    say "round $round: $system"
    part=0
    while read -r rows; do
      part=$((part + 1))
      if ! client "$round" "$system" "$PREWARM" "$WORK/round${round}-${system}-${part}.json" \
          "$rows" "$JMH_CAP" "${ITER[@]}" -prof gc < /dev/null; then
        say "WARNING: $system ($rows) failed or timed out in round $round; its rows are missing (see $LOG)"
        echo "FAILED: round $round, $system $rows (JMH exited non-zero or hit the ${JMH_CAP} s cap)" >> "$NOTES"
      fi
    done < <(row_sets "$system")
  done
done

# ---- the report
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"
DURATION=$((SECONDS - START_SECONDS))
{
  echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "rounds=$ROUNDS"
  echo "prewarm.seconds=$PREWARM"
  echo "jmh.measured=$MEASURED"
  echo "server.warm.seconds=$SERVER_WARM"
  if [ "$INTERLEAVE" = 1 ]; then
    echo "interleave=Per round and benchmark class, every system's client JVM starts at once, and they take turns through a fair lock in the server (\`TurnService\`): one JMH iteration (warm-up or measured) each, round-robin, the others idle meanwhile; the prewarm is a turn too. Consecutive iterations of different systems are seconds apart, so a change in the machine's load falls on every system alike. Figures are medians over rounds."
  fi # without it, the report describes the one-after-another order
  if [ "$JVM_PER" = system ]; then
    echo "jvm.per=one per system and round, for all its benchmark classes (each row runs on the JIT profile of the rows before it)"
    echo "jmh.settings=per round and system one JVM (JMH -f 0), prewarm ${PREWARM} s, then per row ${ITER[*]}, -prof gc"
  else
    echo "jvm.per=one per system, benchmark class and round (no row runs on a profile another class's rows shaped)"
    echo "jmh.settings=per round, system and benchmark class one JVM (JMH -f 0), prewarm ${PREWARM} s, then per row ${ITER[*]}, -prof gc$([ "$INTERLEAVE" = 1 ] && echo '; the systems take turns iteration by iteration')"
  fi
  echo "duration=$((DURATION / 60)) min $((DURATION % 60)) s (build, server, warm-up, $ROUNDS rounds)"
  echo "host.nproc=$(nproc)"
  echo "host.cpu=$(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)"
  echo "host.mem=$(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "host.kernel=$(uname -sr)"
  echo "java.version=$(java -version 2>&1 | tr '\n' ' ' | sed 's/  */ /g')"
  echo "java.version.short=$(java -version 2>&1 | head -1)"
  echo "jvm.flags=${JVM_FLAGS[*]}"
  if [ -n "${BENCH_TASKSET:-}" ]; then
    echo "placement=pinned: server and clients with taskset -c $BENCH_TASKSET"
  else
    echo "placement=unpinned (server and client JVMs share all vCPUs)"
  fi
  echo "load.start=$LOAD_START"
  echo "load.end=$LOAD_END"
  echo "server.epoll=$(sed -n 's/^server: epoll \(.*\), base port.*/\1/p' "$WORK/server.log")"
  echo "git.rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "git.dirty=${DIRTY:-none}"
  cat "$WORK/env.properties"
} > "$FACTS"
say "load average: start $LOAD_START, end $LOAD_END; writing the report"
timeout 120 java "${JVM_FLAGS[@]}" -cp "$JAR" io.meshwork.benchmarks.Report --mode "$MODE" \
  --facts "$FACTS" --notes "$NOTES" \
  --md "$RESULTS/report-$MODE.md" --svg "$RESULTS/report-$MODE.svg" \
  --json "$RESULTS/report-$MODE.json" "$WORK"/round*.json
say "done in $((DURATION / 60)) min $((DURATION % 60)) s: $RESULTS/report-$MODE.md"

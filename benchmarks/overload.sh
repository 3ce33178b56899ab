#!/usr/bin/env bash
# Issue 6's overload benchmark, one command, one report.
#
#   benchmarks/overload.sh [quick|full]
#
# Builds the benchmark jar (unless BENCH_SKIP_BUILD=1), then runs OverloadLatency in rounds: per
# round one JMH fork per (load, protection), each starting its own node and flooder JVMs on
# ephemeral loopback ports and stopping them after. Writes
#   benchmarks/results/overload-<mode>.md     latency per load, ratios to quiet, counts
#   benchmarks/target/overload-<mode>/        per-round JMH JSON and logs, notes, facts
# Every phase is bounded in time. Environment: BENCH_SKIP_BUILD, BENCH_ROUNDS (default 2),
# BENCH_ITER (JMH iteration options instead of the mode's, for a smoke run).
set -euo pipefail

MODE="${1:-quick}"
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
cd "$ROOT"

case "$MODE" in
  quick) ITER=(-wi 2 -w 2s -i 5 -r 2s); ROUNDS="${BENCH_ROUNDS:-2}"; CAP=600 ;;
  full)  ITER=(-wi 3 -w 5s -i 10 -r 5s); ROUNDS="${BENCH_ROUNDS:-3}"; CAP=1800 ;;
  *) echo "usage: $0 [quick|full]" >&2; exit 2 ;;
esac
if [[ -n "${BENCH_ITER:-}" ]]; then read -r -a ITER <<< "$BENCH_ITER"; fi

JAR="$ROOT/benchmarks/target/meshwork-benchmarks.jar"
OUT="$ROOT/benchmarks/target/overload-$MODE"
REPORT="$ROOT/benchmarks/results/overload-$MODE.md"
mkdir -p "$OUT" "$ROOT/benchmarks/results"
rm -f "$OUT"/*.json "$OUT"/notes.txt

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  echo "[overload] building the benchmark jar"
  timeout 900 mvn -B -q -DskipTests -pl benchmarks -am package
fi

{
  echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "mode=$MODE: per round one JMH fork per row (-f 1), ${ITER[*]}"
  echo "cores (nproc)=$(nproc)"
  echo "java=$(java -version 2>&1 | head -1 || true)"
  echo "JVM flags=healthy client: JMH fork defaults + -Xms1g -Xmx1g -XX:+UseG1GC; node and flooder: -Xms256m -Xmx512m -XX:+UseG1GC; leak detection off"
  echo "load average at start=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "Meshwork commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
} > "$OUT/facts.txt"

ROUND_FILES=()
for ((r = 1; r <= ROUNDS; r++)); do
  echo "[overload] round $r of $ROUNDS: loads quiet, flood, flood-nice x protection on, leases, off"
  timeout "$CAP" java -jar "$JAR" OverloadLatency -f 1 "${ITER[@]}" \
    -p load=quiet,flood,flood-nice -p protection=on,leases,off \
    -jvmArgsAppend "-Xms1g -Xmx1g -XX:+UseG1GC -Dio.netty.leakDetection.level=disabled -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dmeshwork.bench.notes=$OUT/notes.txt" \
    -rf json -rff "$OUT/round-$r.json" > "$OUT/round-$r.log" 2>&1 \
    || { echo "[overload] round $r failed; see $OUT/round-$r.log" >&2; exit 1; }
  grep -E "^OverloadLatency.call(:p0.(50|99)0?)? " "$OUT/round-$r.log" | sed 's/^/[overload]   /' || true
  ROUND_FILES+=("$OUT/round-$r.json")
done
echo "load average at end=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/facts.txt"

timeout 120 java -cp "$JAR" io.meshwork.benchmarks.OverloadReport "$REPORT" "$OUT/facts.txt" "$OUT/notes.txt" "${ROUND_FILES[@]}"
echo "[overload] done: $REPORT"

#!/usr/bin/env bash
# Tally benchmark (issue #6): one broker, each input loaded once, every contender in its own JVM.
#   bench/run.sh [--size tiny|small|full] [--workloads W1,W2,W3,W4,W5,W6|all]
#                [--contenders ceiling,hand-written,write-only,kstreams,tally,tally-dashboard] [--runs N] [--timeout-min M] [--keep] [--out FILE]
# Builds the bench module (offline) unless BENCH_SKIP_BUILD=1; run `mvn -DskipTests install` at the
# repository root once before, so the modules it depends on are installed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
jar="$here/target/tally-bench-0.1.0-SNAPSHOT.jar"
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 || ! -f "$here/target/classpath.txt" ]]; then
  (cd "$root" && mvn -B -q -o -pl bench -DskipTests package)
fi
cp="$jar:$(cat "$here/target/classpath.txt")"
cd "$root"
exec java -Xmx1g ${BENCH_JAVA_OPTS:-} -cp "$cp" -Dbench.classpath="$cp" -Dbench.agentJar="$jar" -Dbench.repoRoot="$root" \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn dev.tally.bench.BenchMain "$@"

#!/usr/bin/env bash
# The PostgreSQL sink benchmark (issue #14): bench/sink.sh [records per workload, default 500000] [batch, default 50000] [rounds, default 3]
# Builds the bench module and what it depends on (offline), then runs against a PostgreSQL server
# it starts itself (Debian's postgresql package; as root it runs the server as the postgres user).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
(cd "$root" && mvn -B -q -o -pl bench -am -DskipTests package)
cd "$root"
exec java -Xmx1g -cp "$here/target/tally-bench-0.1.0-SNAPSHOT.jar:$(cat "$here/target/classpath.txt")" \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn dev.tally.bench.SinkBench "$@"

#!/usr/bin/env bash
# The long chaos run of issue #4 (see chaos/README.md). Build first: mvn -B -DskipTests install
# Options pass through to dev.tally.chaos.ChaosMain, e.g. --records 2000000 --dir /tmp/chaos
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
cp_file="chaos/target/classpath.txt"
if [ ! -d chaos/target/classes ] || [ ! -f "$cp_file" ]; then
  mvn -B -q -o -pl chaos dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
fi
if [ ! -d chaos/target/classes ]; then
  echo "run-long: chaos/target/classes not found; build first: mvn -B -DskipTests install" >&2
  exit 1
fi
exec java -Xmx2g -cp "chaos/target/classes:$(cat "$cp_file")" dev.tally.chaos.ChaosMain "$@"

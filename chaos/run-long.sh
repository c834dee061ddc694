#!/usr/bin/env bash
# The long chaos run of issue #4 (see chaos/README.md). Build first: mvn -B -DskipTests install
# Options pass through to dev.tally.chaos.ChaosMain, e.g. --records 2000000 --dir /tmp/chaos
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [ ! -d chaos/target/classes ]; then
  echo "run-long: chaos/target/classes not found; build first: mvn -B -DskipTests install" >&2
  exit 1
fi
mvn -B -q -o -pl chaos dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
# The run takes half an hour: work from a private copy of the classpath, so a `mvn install`
# meanwhile cannot rewrite a jar under the running JVMs.
lib="$(mktemp -d "${TMPDIR:-/tmp}/tally-chaos-lib-XXXXXX")"
trap 'rm -rf "$lib"' EXIT
cp -r chaos/target/classes "$lib/classes"
cp_line="$lib/classes"
# The file has no trailing newline, so read reports EOF; the jars are read all the same.
IFS=":" read -ra jars < chaos/target/classpath.txt || true
for jar in "${jars[@]}"; do
  cp "$jar" "$lib/"
  cp_line="$cp_line:$lib/$(basename "$jar")"
done
java -Xmx2g -cp "$cp_line" dev.tally.chaos.ChaosMain "$@"

#!/usr/bin/env bash
# Tally's container entrypoint: configuration from the environment, then `tally run`.
#
# Either mount a whole config file at $TALLY_CONFIG (default /etc/tally/tally.yaml), or let this
# script write one from the environment:
#   KAFKA_BOOTSTRAP_SERVERS   required
#   TALLY_KAFKA_<NAME>        any Kafka client property: upper case, '.' -> '_', '_' -> '__', '-' -> '___'
#                             (TALLY_KAFKA_SECURITY_PROTOCOL -> security.protocol)
#   TALLY_JOBS_FILE           required: a YAML file with a top-level `jobs:` block (anything before
#                             that line, such as a kafka: block, is ignored)
#   TALLY_STATE_DIR           default /var/lib/tally (the image's volume)
#   TALLY_STATE_MEMORY        RocksDB memory budget, e.g. 256MB (default: Tally's)
#   TALLY_INSTANCE_ID         stable identity (default: generated once, kept in the state dir)
#   TALLY_HTTP_BIND, TALLY_HTTP_PORT   default 0.0.0.0 and 8080
# The generated file holds ${VAR} references, not values: secrets stay in the environment, and
# Tally's loader resolves them without ever printing them.
set -euo pipefail

config="${TALLY_CONFIG:-/etc/tally/tally.yaml}"

die() {
  echo "tally entrypoint: $*" >&2
  exit 2
}

# A Kafka property name from the name of its variable (without the TALLY_KAFKA_ prefix).
property_name() {
  local n="${1,,}"
  n="${n//___/-}"
  n="${n//__/$'\x01'}"
  n="${n//_/.}"
  printf '%s' "${n//$'\x01'/_}"
}

generate() {
  [ -n "${KAFKA_BOOTSTRAP_SERVERS:-}" ] || die "set KAFKA_BOOTSTRAP_SERVERS, or mount a config file at $config"
  [ -n "${TALLY_JOBS_FILE:-}" ] || die "set TALLY_JOBS_FILE to a YAML file with a jobs: block, or mount a config file at $config"
  [ -r "$TALLY_JOBS_FILE" ] || die "TALLY_JOBS_FILE=$TALLY_JOBS_FILE is not a readable file"
  grep -q '^jobs:' "$TALLY_JOBS_FILE" || die "$TALLY_JOBS_FILE has no top-level 'jobs:' line"
  local out="$1" var
  {
    echo "# Written by docker/entrypoint.sh from the environment; values are \${VAR} references."
    echo "kafka:"
    echo "  bootstrap.servers: \"\${KAFKA_BOOTSTRAP_SERVERS}\""
    while IFS= read -r var; do
      echo "  $(property_name "${var#TALLY_KAFKA_}"): \"\${$var}\""
    done < <(compgen -e | grep '^TALLY_KAFKA_[A-Z0-9_]*$' | sort)
    echo "state:"
    echo "  dir: \"\${TALLY_STATE_DIR:-/var/lib/tally}\""
    if [ -n "${TALLY_STATE_MEMORY:-}" ]; then
      echo "  memory: \"\${TALLY_STATE_MEMORY}\""
    fi
    if [ -n "${TALLY_INSTANCE_ID:-}" ]; then
      echo "  instance-id: \"\${TALLY_INSTANCE_ID}\""
    fi
    echo "http:"
    echo "  bind: \"\${TALLY_HTTP_BIND:-0.0.0.0}\""
    echo "  port: \${TALLY_HTTP_PORT:-8080}"
    sed -n '/^jobs:/,$p' "$TALLY_JOBS_FILE"
  } > "$out"
}

if [ ! -f "$config" ]; then
  generated="${TALLY_GENERATED_CONFIG:-${TMPDIR:-/tmp}/tally.yaml}"
  generate "$generated"
  config="$generated"
fi

classpath="${TALLY_CLASSPATH:-/opt/tally/tally-service.jar:/opt/tally/lib/*}"
# exec: the JVM becomes PID 1's child-free successor and gets SIGTERM itself, so every job
# finishes or drops its open batch before the container stops.
# shellcheck disable=SC2086
exec java ${JAVA_OPTS:-} -cp "$classpath" dev.tally.cli.TallyCli run -c "$config"

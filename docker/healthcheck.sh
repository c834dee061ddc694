#!/usr/bin/env bash
# HEALTHCHECK: healthy when GET /health/ready answers 200. Plain bash (/dev/tcp), so the runtime
# image needs no curl.
set -euo pipefail
port="${TALLY_HTTP_PORT:-8080}"
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'GET /health/ready HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
read -r -t 3 _ status _ <&3
[ "$status" = "200" ]

#!/usr/bin/env bash
# The compose file's generator: random sentences into the `lines` topic, ~20 a second, through
# the Kafka image's console producer.
set -euo pipefail
bootstrap="${KAFKA_BOOTSTRAP_SERVERS:-kafka:9092}"
words=(stream window kafka tally event count state batch exactly once spark pane watermark late)
while true; do
  line=""
  for _ in 1 2 3 4 5 6; do
    line+="${words[RANDOM % ${#words[@]}]} "
  done
  echo "$line"
  sleep 0.05
done | /opt/kafka/bin/kafka-console-producer.sh --bootstrap-server "$bootstrap" --topic "${TOPIC:-lines}"

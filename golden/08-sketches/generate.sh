#!/usr/bin/env bash
# Writes input.jsonl: 10 hand-written records of "api" and 1 of "web" in [0,10000), then 1000 records
# of "api" in [10000,20000): record i (1..1000) at ts 10000+i, user u<i>, latency i, page checkout
# when i is a multiple of 10, else search when i is even, else home.
set -euo pipefail
cd "$(dirname "$0")"
{
cat <<'SMALL'
{"service":"api","ts":1000,"user":"u1","latency":10,"page":"home"}
{"service":"api","ts":1100,"user":"u2","latency":20,"page":"search"}
{"service":"api","ts":1200,"user":"u3","latency":30,"page":"home"}
{"service":"api","ts":1300,"user":"u1","latency":40,"page":"cart"}
{"service":"api","ts":1400,"user":"u2","latency":50,"page":"home"}
{"service":"api","ts":1500,"user":"u4","latency":60,"page":"search"}
{"service":"api","ts":1600,"user":"u1","latency":70,"page":"home"}
{"service":"api","ts":1700,"user":"u5","latency":80,"page":"help"}
{"service":"api","ts":1800,"user":"u3","latency":90,"page":"search"}
{"service":"api","ts":1900,"user":"u1","latency":100,"page":"home"}
{"service":"web","ts":5000,"user":"u9","latency":7,"page":"home"}
SMALL
for i in $(seq 1 1000); do
  if (( i % 10 == 0 )); then page=checkout; elif (( i % 2 == 0 )); then page=search; else page=home; fi
  echo "{\"service\":\"api\",\"ts\":$((10000 + i)),\"user\":\"u$i\",\"latency\":$i,\"page\":\"$page\"}"
done
} > input.jsonl

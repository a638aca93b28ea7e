#!/usr/bin/env bash
# Does sending slow the pages? The public catalogue under wrk (64 connections),
# first with the queue idle, then while a demo Tremplin hands 100,000 queued SMS to
# a stand-in provider as fast as it can. Budget (issue 10): p99 rises by ≤ 20 %.
# "Full speed" is the provider's rate limit, which the association configures
# (TREMPLIN_SMS_RATE): 100 SMS/s by default here, 0 for none at all.
# Usage: bench/dispatch.sh [seconds] [messages] [rate]  (needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
n=${2:-100000}
rate=${3:-100}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
tmp=$(mktemp -d)
go build -o "$tmp/tremplin" ./cmd/tremplin
go build -o "$tmp/provider" ./bench/smsprovider
go build -o "$tmp/enqueue" ./bench/enqueue
"$tmp/provider" -addr 127.0.0.1:18082 & provider=$!
TREMPLIN_SMS_URL="http://127.0.0.1:18082/send?token=load&from=Tremplin" TREMPLIN_SMS_RATE="$rate" \
  "$tmp/tremplin" demo --addr 127.0.0.1:18080 --data "$tmp/data" >"$tmp/out" 2>"$tmp/log" & app=$!
trap 'kill $provider $app 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 1 50); do curl -fs http://127.0.0.1:18080/readyz >/dev/null && break; sleep 0.2; done

p99() {
  wrk -t2 -c64 -d"${secs}s" --latency -H 'Accept-Encoding: gzip' http://127.0.0.1:18080/courses |
    awk '/Requests\/sec/ {rps=$2} $1 == "99%" {p=$2} END {printf "%s req/s, p99 %s", rps, p}'
}
echo "wrk -t2 -c64 -d${secs}s on $(nproc) cores, $(date -u +%F), sending at most ${rate} SMS/s (0: no limit)"
echo "catalogue, queue idle:        $(p99)"
"$tmp/enqueue" -database "sqlite:$tmp/data/tremplin.db" -n "$n"
before=$(curl -fs http://127.0.0.1:18082/count)
echo "catalogue, while dispatching: $(p99)"
after=$(curl -fs http://127.0.0.1:18082/count)
echo "SMS handed to the provider during the run: $((after - before)) ($(( (after - before) / secs ))/s)"
sleep "$secs"
idle=$(curl -fs http://127.0.0.1:18082/count)
echo "SMS handed to the provider in ${secs} s without load: $((idle - after)) ($(( (idle - after) / secs ))/s)"

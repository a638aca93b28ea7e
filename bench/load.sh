#!/usr/bin/env bash
# Load test on this machine: the public catalogue and the registration POST of a
# demo Tremplin, next to a bare Go "hello world" measured in the same run, with wrk
# (apt-get install wrk), 64 connections. Usage: bench/load.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
tmp=$(mktemp -d)
go build -o "$tmp/tremplin" ./cmd/tremplin
go build -o "$tmp/hello" ./bench/hello
"$tmp/hello" -addr 127.0.0.1:18081 & hello=$!
TREMPLIN_TRUST_PROXY=1 "$tmp/tremplin" demo --addr 127.0.0.1:18080 --data "$tmp/data" >"$tmp/out" 2>/dev/null & app=$!
trap 'kill $hello $app 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 1 50); do curl -fs http://127.0.0.1:18080/readyz >/dev/null && curl -fs http://127.0.0.1:18081/ >/dev/null && break; sleep 0.2; done

run() { # name, then wrk arguments
  local name=$1; shift
  local out; out=$(wrk -t2 -c64 -d"${secs}s" --latency "$@")
  local rps p99 errs
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errs=$(awk '/Non-2xx or 3xx/ {print $5}' <<<"$out")
  printf '%-34s %10s req/s   p99 %8s   non-2xx/3xx %s\n' "$name" "$rps" "$p99" "${errs:-0}"
}
echo "wrk -t2 -c64 -d${secs}s on $(nproc) cores, $(date -u +%F)"
run "hello world (bare net/http)" http://127.0.0.1:18081/
run "GET /courses (gzip)" -H 'Accept-Encoding: gzip' http://127.0.0.1:18080/courses
run "GET /courses (identity)" http://127.0.0.1:18080/courses
run "GET /courses?antenna=1 (gzip)" -H 'Accept-Encoding: gzip' 'http://127.0.0.1:18080/courses?antenna=1'
run "POST /register" -s bench/register.lua http://127.0.0.1:18080/register

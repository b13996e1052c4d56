#!/usr/bin/env bash
# The first-run experience (`make run`): data folder, demo registry, demo storefronts, the daemon.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
SW=.venv/bin/storewatch
export STOREWATCH_DATA_DIR=${STOREWATCH_DATA_DIR:-$PWD/data}
export STOREWATCH_CRAWLER__ALLOW_LOOPBACK=true   # the demo storefronts live on 127.0.0.1
export STOREWATCH_CRAWLER__MAX_PAGES=${STOREWATCH_CRAWLER__MAX_PAGES:-20}

say "storewatch init ($STOREWATCH_DATA_DIR)"
$SW init
say "importing the demo registry (demo/registry.csv)"
$SW registry import demo/registry.csv

say "serving the demo storefronts on 127.0.0.1:8701-8704"
$SW demo serve > "$STOREWATCH_DATA_DIR/demo-serve.log" 2>&1 &
DEMO_PID=$!
cleanup() { kill "$DEMO_PID" 2>/dev/null || true; wait "$DEMO_PID" 2>/dev/null || true; }
trap cleanup EXIT INT TERM
for _ in $(seq 50); do
  (exec 3<>/dev/tcp/127.0.0.1/8704) 2>/dev/null && break
  sleep 0.2
done
cat "$STOREWATCH_DATA_DIR/demo-serve.log"

if $SW --help | grep -qE '^\s+web\b'; then
  if ! $SW user list 2>/dev/null | grep -q '^admin'; then
    pw=$(head -c 12 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 12)
    $SW user add admin --role admin --password "$pw" >/dev/null
    say "triage UI account: admin / $pw   (printed once; change it with: storewatch user passwd admin)"
  fi
fi

if $SW --help | grep -qE '^\s+run\b'; then
  say "starting the daemon (crawl every 2 minutes, digest every 3 minutes); Ctrl-C stops it"
  say "then try:  .venv/bin/storewatch search 国家级   ·   ls data/outbox/   ·   .venv/bin/storewatch status"
  $SW run --crawl-every 2m --digest-every 3m
else
  say "no daemon in this build: scanning each demo storefront once"
  for port in 8701 8702 8703 8704; do
    $SW scan "http://127.0.0.1:$port/" --registry demo/registry.csv --format text || true
  done
fi

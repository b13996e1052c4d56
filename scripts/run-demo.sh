#!/usr/bin/env bash
# The first-run experience (`make run`): data folder, demo registry, demo storefronts, and the daemon
# serving the triage UI (crawls every 2 minutes, a digest every 3 minutes).
#
#   STOREWATCH_DATA_DIR=…        data folder (default ./data)
#   STOREWATCH_WEB__PORT=…       the UI's port (default 8700)
#   STOREWATCH_DEMO_BASE_PORT=…  first demo storefront's port (default 8701; the four use base…base+3)
#   STOREWATCH=…                 the command (default .venv/bin/storewatch)
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf '\033[1;31mrun-demo: %s\033[0m\n' "$1" >&2; exit "${2:-1}"; }
SW=${STOREWATCH:-.venv/bin/storewatch}
export STOREWATCH_DATA_DIR=${STOREWATCH_DATA_DIR:-$PWD/data}
export STOREWATCH_CRAWLER__ALLOW_LOOPBACK=true   # the demo storefronts live on 127.0.0.1
export STOREWATCH_CRAWLER__MAX_PAGES=${STOREWATCH_CRAWLER__MAX_PAGES:-20}
WEB_PORT=${STOREWATCH_WEB__PORT:-8700}
export STOREWATCH_DIGEST__UI_BASE_URL=${STOREWATCH_DIGEST__UI_BASE_URL:-http://127.0.0.1:$WEB_PORT}  # digest links
BASE=${STOREWATCH_DEMO_BASE_PORT:-8701}
PORTS=("$BASE" $((BASE + 1)) $((BASE + 2)) $((BASE + 3)))

in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
HELP=$($SW --help 2>/dev/null) || die "cannot run $SW (run scripts/setup.sh first, or set STOREWATCH=…)"
has_cmd() { grep -qE "^\s+$1\b" <<<"$HELP"; }

# --- ports first: a clear message instead of a half-started demo ------------------------
for port in "${PORTS[@]}"; do
  in_use "$port" && die "port $port (demo storefronts use ${PORTS[0]}-${PORTS[3]}) is already in use \
(another storewatch demo?); stop it or choose other ports: STOREWATCH_DEMO_BASE_PORT=$((BASE + 100)) make run" 2
done
if has_cmd run && in_use "$WEB_PORT"; then
  die "port $WEB_PORT (the triage UI) is already in use; stop what uses it or choose another: \
STOREWATCH_WEB__PORT=$((WEB_PORT + 100)) make run" 2
fi

mkdir -p "$STOREWATCH_DATA_DIR"
say "storewatch init ($STOREWATCH_DATA_DIR)"
$SW init
REGISTRY=demo/registry.csv
if [ "$BASE" != 8701 ]; then  # the registry names the sites by port: rewrite it for the chosen ones
  REGISTRY="$STOREWATCH_DATA_DIR/demo-registry-$BASE.csv"
  sed -e "s/127\.0\.0\.1:8701/127.0.0.1:${PORTS[0]}/" -e "s/127\.0\.0\.1:8702/127.0.0.1:${PORTS[1]}/" \
      -e "s/127\.0\.0\.1:8703/127.0.0.1:${PORTS[2]}/" -e "s/127\.0\.0\.1:8704/127.0.0.1:${PORTS[3]}/" \
      demo/registry.csv > "$REGISTRY"
fi
say "importing the demo registry ($REGISTRY)"
$SW registry import "$REGISTRY"

say "serving the demo storefronts on 127.0.0.1:${PORTS[0]}-${PORTS[3]}"
$SW demo serve --base-port "$BASE" > "$STOREWATCH_DATA_DIR/demo-serve.log" 2>&1 &
DEMO_PID=$!
cleanup() { kill "$DEMO_PID" 2>/dev/null || true; wait "$DEMO_PID" 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
for _ in $(seq 100); do
  in_use "${PORTS[3]}" && break
  kill -0 "$DEMO_PID" 2>/dev/null || break
  sleep 0.2
done
if ! in_use "${PORTS[3]}"; then
  cat "$STOREWATCH_DATA_DIR/demo-serve.log" >&2
  die "the demo storefronts did not start (log above)"
fi
cat "$STOREWATCH_DATA_DIR/demo-serve.log"

if has_cmd run; then
  say "starting the daemon: crawls now and every 2 minutes, a digest every 3 minutes; Ctrl-C stops it"
  say "triage UI: http://127.0.0.1:$WEB_PORT/  (user admin; its password is printed below, once, on the first run)"
  say "then try:  $SW search 国家级   ·   ls $STOREWATCH_DATA_DIR/outbox/   ·   $SW status"
  # in its own session, so Ctrl-C reaches it once, from here (a second signal would cut its shutdown);
  # not exec: the EXIT trap stops the demo storefronts when the daemon ends
  setsid $SW run --crawl-every 2m --digest-every 3m --crawl-now --demo-admin --web-port "$WEB_PORT" &
  RUN_PID=$!
  trap 'kill -TERM "$RUN_PID" 2>/dev/null || true' INT TERM
  rc=0
  wait "$RUN_PID" || rc=$?
  if [ "$rc" -ge 128 ]; then  # interrupted wait: let the daemon finish its shutdown
    wait "$RUN_PID" 2>/dev/null || rc=$?
  fi
  exit "$rc"
else
  say "no daemon in this build: scanning each demo storefront once"
  for port in "${PORTS[@]}"; do
    $SW scan "http://127.0.0.1:$port/" --registry "$REGISTRY" --format text || true
  done
  if has_cmd web; then
    say "to look at the results: $SW web --demo-admin   (http://127.0.0.1:$WEB_PORT/)"
  fi
fi

#!/usr/bin/env bash
# A real Elasticsearch for development and tests: one node on 127.0.0.1, security on.
#
#   scripts/elasticsearch.sh start|stop|status|env|fetch|java
#
# Fetches Elasticsearch's integration-test distribution from Maven Central
# (org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION, a zip; same major
# version as the Python client), verifies its SHA-256 (pinned here: Maven Central serves no
# checksum file for it; a served .sha1 is verified too if one ever appears), caches it, and runs
# one node with a bounded heap, HTTP without TLS, user `elastic` with a password from the
# environment or generated once and kept (mode 0600) in the instance folder.
#
# Environment (all optional):
#   STOREWATCH_CACHE_DIR     cache folder              (default ~/.cache/storewatch)
#   STOREWATCH_ES_PORT       HTTP port                 (default 9200)
#   STOREWATCH_ES_HOME       instance folder           (default $CACHE/es-instance-<port>)
#   STOREWATCH_ES_PASSWORD   password of user elastic  (default: generated, kept in the instance folder)
#   STOREWATCH_ES_HEAP       JVM heap                  (default 512m)
#   ES_JAVA_HOME             JDK >= 21 to run it with  (default: JAVA_HOME, else the newest JDK >= 21 in /usr/lib/jvm)
#
# The zip and its unpacked copy (shared, read-only, by every instance) live in $CACHE/elasticsearch/;
# an instance folder holds config (with the keystore), data, logs and elastic-password (0600).
# `fetch` only downloads, verifies and unpacks (and checks for a JDK); `java` prints the JDK it uses. `status` exits 0 when
# running, 3 when not. This distribution bundles no JDK: it needs Java >= 21.
#
# `start` is idempotent (a running node just prints its environment); all commands print the
# node's settings as `export STOREWATCH_ELASTICSEARCH__…` lines on stdout, progress on stderr, so
#   eval "$(scripts/elasticsearch.sh start)"
# configures storewatch for it.
#
# Elasticsearch refuses to run as root. When started by root, the node runs in a user namespace
# (util-linux `unshare --user`) where it is an ordinary user; files it writes stay root's.
set -euo pipefail

ES_VERSION=9.5.0
ES_SHA256=db0e275fd790f723eca7bcde96069fd6fed304ad23afdb70c8c09553dd9e8b1b
ES_URL_BASE="https://repo1.maven.org/maven2/org/elasticsearch/distribution/integ-test-zip/elasticsearch/${ES_VERSION}"
MIN_JAVA=21

CACHE_DIR="${STOREWATCH_CACHE_DIR:-${HOME}/.cache/storewatch}"
PORT="${STOREWATCH_ES_PORT:-9200}"
INSTANCE="${STOREWATCH_ES_HOME:-${CACHE_DIR}/es-instance-${PORT}}"
HEAP="${STOREWATCH_ES_HEAP:-512m}"
DIST_DIR="${CACHE_DIR}/elasticsearch"
ZIP="${DIST_DIR}/elasticsearch-${ES_VERSION}.zip"
ES_HOME="${DIST_DIR}/elasticsearch-${ES_VERSION}"
CONF="${INSTANCE}/config"
PIDFILE="${INSTANCE}/elasticsearch.pid"
PWFILE="${INSTANCE}/elastic-password"
URL="http://127.0.0.1:${PORT}"

say() { printf 'elasticsearch.sh: %s\n' "$*" >&2; }
die() { printf 'elasticsearch.sh: error: %s\n' "$*" >&2; exit 1; }

case "$PORT" in (''|*[!0-9]*) die "STOREWATCH_ES_PORT must be a port number, got '$PORT'";; esac

java_major() {  # java_major /path/to/java  -> major version number (or nothing)
    "$1" -version 2>&1 | sed -n 's/.*version "\([0-9][0-9]*\).*/\1/p' | head -n1
}

find_java() {
    local candidate major best="" best_major=0
    for candidate in "${ES_JAVA_HOME:-}" "${JAVA_HOME:-}"; do
        [ -n "$candidate" ] || continue
        [ -x "$candidate/bin/java" ] || { [ "$candidate" = "${ES_JAVA_HOME:-}" ] && die "ES_JAVA_HOME=$candidate has no bin/java"; continue; }
        major="$(java_major "$candidate/bin/java")"
        if [ "${major:-0}" -ge "$MIN_JAVA" ]; then echo "$candidate"; return; fi
        [ "$candidate" = "${ES_JAVA_HOME:-}" ] && die "ES_JAVA_HOME=$candidate is Java ${major:-?}; Elasticsearch ${ES_VERSION} needs Java ${MIN_JAVA} or newer"
    done
    for candidate in /usr/lib/jvm/*/; do
        candidate="${candidate%/}"
        [ -x "$candidate/bin/java" ] && [ ! -L "$candidate" ] || continue
        major="$(java_major "$candidate/bin/java")"
        if [ "${major:-0}" -ge "$MIN_JAVA" ] && [ "$major" -gt "$best_major" ]; then best="$candidate"; best_major="$major"; fi
    done
    [ -n "$best" ] || die "no JDK ${MIN_JAVA}+ found (looked at ES_JAVA_HOME, JAVA_HOME, /usr/lib/jvm/*); install one (e.g. Temurin 21 or 25) or set ES_JAVA_HOME"
    echo "$best"
}

fetch() {  # download and verify the distribution once; unpack it once (atomically)
    mkdir -p "$DIST_DIR"
    if [ ! -f "$ZIP" ]; then
        say "downloading ${ES_URL_BASE}/elasticsearch-${ES_VERSION}.zip"
        curl -fL --retry 3 --connect-timeout 20 -o "$ZIP.part" "${ES_URL_BASE}/elasticsearch-${ES_VERSION}.zip" \
            || { rm -f "$ZIP.part"; die "could not download Elasticsearch ${ES_VERSION} from Maven Central"; }
        local served_sha1
        if served_sha1="$(curl -fsL --connect-timeout 20 "${ES_URL_BASE}/elasticsearch-${ES_VERSION}.zip.sha1" 2>/dev/null)"; then
            served_sha1="${served_sha1%% *}"
            [ "$(sha1sum "$ZIP.part" | cut -d' ' -f1)" = "$served_sha1" ] \
                || { rm -f "$ZIP.part"; die "downloaded zip does not match Maven Central's .sha1"; }
        fi
        mv "$ZIP.part" "$ZIP"
    fi
    if [ ! -f "$ES_HOME/.verified" ]; then
        say "verifying $ZIP"
        [ "$(sha256sum "$ZIP" | cut -d' ' -f1)" = "$ES_SHA256" ] \
            || die "$ZIP does not have the pinned SHA-256 $ES_SHA256; delete it to download again"
        local tmp
        tmp="$(mktemp -d "$DIST_DIR/unpack.XXXXXX")"
        unzip -q "$ZIP" -d "$tmp"
        touch "$tmp/elasticsearch-${ES_VERSION}/.verified"
        if ! mv -T "$tmp/elasticsearch-${ES_VERSION}" "$ES_HOME" 2>/dev/null; then
            [ -f "$ES_HOME/.verified" ] || { rm -rf "$tmp"; die "could not unpack into $ES_HOME"; }
        fi
        rm -rf "$tmp"
    fi
}

as_es_user() {  # run an Elasticsearch tool; as root, inside a user namespace (ES refuses root)
    if [ "$(id -u)" -eq 0 ]; then
        unshare --user --map-user=1000 --map-group=1000 true 2>/dev/null \
            || die "Elasticsearch refuses to run as root and user namespaces are unavailable here; run this script as an ordinary user"
        unshare --user --map-user=1000 --map-group=1000 "$@"
    else
        "$@"
    fi
}

es_env() {
    ES_JAVA_HOME="$(find_java)"
    export ES_JAVA_HOME ES_PATH_CONF="$CONF" ES_TMPDIR="$INSTANCE/tmp"
    unset JAVA_HOME ES_JAVA_OPTS
}

password() {  # the password user elastic should have: from the environment, else kept, else new
    if [ -n "${STOREWATCH_ES_PASSWORD:-}" ]; then
        [ "${#STOREWATCH_ES_PASSWORD}" -ge 6 ] || die "STOREWATCH_ES_PASSWORD must have at least 6 characters"
        printf '%s' "$STOREWATCH_ES_PASSWORD"
    elif [ -s "$PWFILE" ]; then
        cat "$PWFILE"
    else
        head -c 18 /dev/urandom | base64 | tr '+/' '-_'
    fi
}

configure() {  # (re)write the instance's configuration; keep its data
    mkdir -p "$CONF/jvm.options.d" "$INSTANCE/data" "$INSTANCE/logs" "$INSTANCE/tmp"
    local f
    grep -v '^-Xlog:gc' "$ES_HOME/config/jvm.options" > "$CONF/jvm.options"  # no 2 GB of GC logs
    for f in log4j2.properties roles.yml role_mapping.yml users users_roles; do
        [ -f "$CONF/$f" ] || cp "$ES_HOME/config/$f" "$CONF/$f"
    done
    {
        echo "# written by scripts/elasticsearch.sh — rewritten at every start"
        echo "cluster.name: storewatch-${PORT}"
        echo "node.name: storewatch-${PORT}"
        echo "path.data: ${INSTANCE}/data"
        echo "path.logs: ${INSTANCE}/logs"
        echo "network.host: 127.0.0.1"
        echo "http.port: ${PORT}"
        echo "transport.port: 0"
        echo "discovery.type: single-node"
        echo "xpack.security.enabled: true"
        echo "xpack.security.http.ssl.enabled: false"
        echo "xpack.security.transport.ssl.enabled: false"
        echo "cluster.routing.allocation.disk.watermark.low: 1gb"
        echo "cluster.routing.allocation.disk.watermark.high: 512mb"
        echo "cluster.routing.allocation.disk.watermark.flood_stage: 256mb"
        [ -d "$ES_HOME/modules/x-pack-ml" ] && echo "xpack.ml.enabled: false"
        true
    } > "$CONF/elasticsearch.yml"
    printf -- '-Xms%s\n-Xmx%s\n' "$HEAP" "$HEAP" \
        > "$CONF/jvm.options.d/storewatch.options"
    local pw
    pw="$(password)"
    if [ ! -f "$CONF/elasticsearch.keystore" ]; then
        as_es_user "$ES_HOME/bin/elasticsearch-keystore" create >/dev/null
    fi
    if [ ! -s "$PWFILE" ] || [ "$(cat "$PWFILE")" != "$pw" ]; then
        # bootstrap.password is elastic's password for as long as nobody changes it through the API
        printf '%s\n' "$pw" | as_es_user "$ES_HOME/bin/elasticsearch-keystore" add -f -x bootstrap.password >/dev/null
        (umask 077; printf '%s' "$pw" > "$PWFILE.new") && mv "$PWFILE.new" "$PWFILE"
    fi
}

running_pid() {  # pid of this instance's node, if it runs
    local pid
    [ -f "$PIDFILE" ] || return 1
    pid="$(cat "$PIDFILE" 2>/dev/null)" || return 1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "-Djava.io.tmpdir=${INSTANCE}/tmp" || return 1
    echo "$pid"
}

health() {  # print the cluster status (green/yellow/red), or fail
    local pw body
    pw="$(cat "$PWFILE" 2>/dev/null)" || return 1
    body="$(curl -fsS --max-time "${1:-5}" -u "elastic:${pw}" \
        "${URL}/_cluster/health?wait_for_status=yellow&timeout=${1:-5}s" 2>/dev/null)" || return 1
    printf '%s' "$body" | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p'
}

print_env() {
    echo "export STOREWATCH_ELASTICSEARCH__URL=${URL}"
    echo "export STOREWATCH_ELASTICSEARCH__USERNAME=elastic"
    printf 'export STOREWATCH_ELASTICSEARCH__PASSWORD=%q\n' "$(cat "$PWFILE")"
}

port_taken() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start() {
    mkdir -p "$INSTANCE"
    exec 9>"$INSTANCE/.lock"
    flock 9
    if running_pid >/dev/null; then
        if [ -n "${STOREWATCH_ES_PASSWORD:-}" ] && [ "$STOREWATCH_ES_PASSWORD" != "$(cat "$PWFILE")" ]; then
            die "the node at $URL runs with another password; stop it first to change STOREWATCH_ES_PASSWORD"
        fi
        say "already running at $URL (pid $(running_pid), instance $INSTANCE)"
        print_env
        return
    fi
    port_taken "$PORT" && die "port $PORT on 127.0.0.1 is in use by another program; set STOREWATCH_ES_PORT"
    fetch
    es_env
    say "using Java at $ES_JAVA_HOME ($(java_major "$ES_JAVA_HOME/bin/java"))"
    configure
    rm -f "$PIDFILE"
    say "starting Elasticsearch ${ES_VERSION} on $URL (heap $HEAP, instance $INSTANCE)"
    local t0=$SECONDS
    if ! as_es_user "$ES_HOME/bin/elasticsearch" -d -p "$PIDFILE" > "$INSTANCE/logs/startup.out" 2>&1; then
        tail -n 30 "$INSTANCE/logs/startup.out" >&2 || true
        die "Elasticsearch did not start; see $INSTANCE/logs/"
    fi
    local status="" i
    for i in $(seq 1 120); do
        status="$(health 5)" && [ -n "$status" ] && [ "$status" != red ] && break
        running_pid >/dev/null || { tail -n 30 "$INSTANCE/logs/startup.out" >&2; die "Elasticsearch exited during start-up; see $INSTANCE/logs/"; }
        sleep 1
    done
    [ -n "$status" ] && [ "$status" != red ] || die "Elasticsearch at $URL is not healthy after start (status '${status:-none}'); see $INSTANCE/logs/"
    say "running at $URL, cluster status $status, started in $((SECONDS - t0)) s"
    print_env
}

stop() {
    [ -d "$INSTANCE" ] || { say "no instance at $INSTANCE"; return; }
    exec 9>"$INSTANCE/.lock"
    flock 9
    local pid i
    if ! pid="$(running_pid)"; then
        say "not running ($INSTANCE)"
        return
    fi
    say "stopping pid $pid"
    kill -TERM "$pid"
    for i in $(seq 1 60); do
        kill -0 "$pid" 2>/dev/null || { rm -f "$PIDFILE"; say "stopped"; return; }
        sleep 0.5
    done
    say "still running after 30 s; killing pid $pid"
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$PIDFILE"
}

status() {
    local pid st
    if pid="$(running_pid)"; then
        st="$(health 2)" || st="unreachable"
        say "running at $URL (pid $pid, cluster status ${st:-unknown}, instance $INSTANCE)"
        print_env
    else
        say "not running (instance $INSTANCE)"
        return 3
    fi
}

case "${1:-}" in
    java) find_java ;;
    fetch) fetch; es_env; say "Elasticsearch ${ES_VERSION} ready in $ES_HOME (Java: $ES_JAVA_HOME)" ;;
    start) start ;;
    stop) stop ;;
    status) status ;;
    env) running_pid >/dev/null || die "not running at $URL (instance $INSTANCE); run: $0 start"; print_env ;;
    *) echo "usage: $0 start|stop|status|env|fetch|java" >&2; exit 2 ;;
esac

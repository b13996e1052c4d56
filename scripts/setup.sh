#!/usr/bin/env bash
# Idempotent set-up for storewatch on Debian: Python venv, Debian packages, JDK check.
# Usage: scripts/setup.sh [run|test]   (test also installs what the test-suite needs)
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-run}
CACHE=${STOREWATCH_CACHE_DIR:-$HOME/.cache/storewatch}
mkdir -p "$CACHE"
say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# --- Debian packages ---------------------------------------------------------------
pkgs=(chromium fonts-noto-cjk)
[ "$what" = test ] && pkgs+=(postgresql poppler-utils)  # poppler: the 取证报告 tests read the PDF
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # the postgresql package starts a system cluster we do not use; tests start their own
  if [[ " ${missing[*]} " == *" postgresql "* ]] && command -v pg_ctlcluster >/dev/null; then
    $SUDO service postgresql stop >/dev/null 2>&1 || true
  fi
else
  say "Debian packages present: ${pkgs[*]}"
fi

# --- Python virtual environment ------------------------------------------------------
PY=${PYTHON:-python3}
"$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "storewatch needs Python >= 3.11 ($PY is older)" >&2; exit 1; }
[ -x .venv/bin/python ] || { say "creating .venv"; "$PY" -m venv .venv; }
extras=""; [ "$what" = test ] && extras="[test]"
stamp=".venv/.storewatch-installed$extras"
want=$(cat pyproject.toml | sha256sum | cut -c1-16)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  say "installing Python packages into .venv (cache: $CACHE/pip)"
  export PIP_CACHE_DIR="$CACHE/pip" PIP_DISABLE_PIP_VERSION_CHECK=1
  .venv/bin/pip install -q -U pip setuptools wheel
  .venv/bin/pip install -q -e ".$extras"
  echo "$want" > "$stamp"
else
  say "Python packages up to date"
fi

# --- jieba dictionary cache, prepared ahead (first use otherwise costs ~1.5 s) ----------
.venv/bin/python - <<'PYEOF' || true
import logging, jieba
jieba.setLogLevel(logging.WARNING)
jieba.initialize()
PYEOF

# --- JDK for the test Elasticsearch (Elasticsearch 9 needs Java >= 21) -------------------
if [ "$what" = test ]; then
  if scripts/elasticsearch.sh java >/dev/null 2>&1; then
    say "JDK for Elasticsearch: $(scripts/elasticsearch.sh java)"
  else
    echo "no JDK >= 21 found (Elasticsearch 9 needs one); set ES_JAVA_HOME or install a JDK 21+" >&2
    exit 1
  fi
fi
say "set-up done ($what)"

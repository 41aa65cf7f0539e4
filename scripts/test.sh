#!/usr/bin/env bash
# Install what the tests need (system packages if missing, a venv with the test extras) and run them.
# This is the README's test command; .ci/run calls it.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
[ -x /usr/bin/convert ] && /usr/bin/convert -version 2>/dev/null | grep -q ImageMagick || need_apt+=(imagemagick)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need_apt+=(fonts-dejavu-core)
command -v rclone >/dev/null 2>&1 || need_apt+=(rclone)   # sync_gdrive runs the real binary
command -v jdupes >/dev/null 2>&1 || need_apt+=(jdupes)   # jduparr runs the real binary
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing system packages: ${need_apt[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "warning: missing system packages (${need_apt[*]}); browser/ImageMagick/rclone/jdupes tests will skip" >&2
  fi
fi

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v -i "warning" || true
.venv/bin/python -m pip install -q -e '.[test]' 2>&1 | grep -v -i -E "warning|location .* is ignored" || true
.venv/bin/python -c "import curatarr, fastapi, pytest" >/dev/null

# PostgreSQL and Redis run on this machine; start PostgreSQL if it is down (tests need it).
if ! (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort | tail -1)" main start || true
  fi
fi

# Two pytest-xdist workers by default (measured faster on a 2-core machine; each worker has its own
# data-dir templates, simulators and Chromium). CURATARR_TEST_WORKERS=0 runs in one process.
workers=${CURATARR_TEST_WORKERS:-2}
xdist=()
[ "$workers" != 0 ] && xdist=(-n "$workers")

set +e
.venv/bin/python -m pytest -p no:cacheprovider -q "${xdist[@]}" "$@"
rc=$?
set -e
if [ "$rc" = 5 ]; then echo "no tests were collected" >&2; exit 1; fi
exit "$rc"

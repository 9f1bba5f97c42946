#!/usr/bin/env bash
# The etcd part of `make demo`: the example backend reads its staging configuration and
# secrets from a throwaway local etcd (free loopback ports, temporary directory, stopped by
# PID on exit) and follows changes while it runs. Run alone: bash examples/demo-etcd.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v etcd >/dev/null 2>&1; then
  echo "etcd is not installed (make system-deps installs Debian's etcd-server): etcd demo skipped."
  exit 0
fi

work=$(mktemp -d /tmp/cw-demo-etcd.XXXXXX)
pid=""
cleanup() {
  if [[ -n "$pid" ]]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

read -r client peer < <(.venv/bin/python - <<'PY'
import socket
sockets = [socket.socket() for _ in range(2)]
for s in sockets:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in sockets))
for s in sockets:
    s.close()
PY
)

etcd --name demo --data-dir "$work/data" \
  --listen-client-urls "http://127.0.0.1:$client" --advertise-client-urls "http://127.0.0.1:$client" \
  --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
  --initial-cluster "demo=http://127.0.0.1:$peer" >"$work/etcd.log" 2>&1 &
pid=$!

for _ in $(seq 300); do
  grep -q "ready to serve client requests" "$work/etcd.log" && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/etcd.log"; exit 1; }
  sleep 0.1
done

echo "etcd started on 127.0.0.1:$client (pid $pid)."
# TMPDIR: whatever the demo keeps on disk (its last-known-good copy) is removed with $work.
TMPDIR="$work" .venv/bin/python examples/demo_etcd.py "127.0.0.1:$client"

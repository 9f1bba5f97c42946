#!/usr/bin/env bash
# Install the Debian packages the test suite needs, only when missing.
# Each entry: a command that proves the package is present, and the package to install.
set -euo pipefail

declare -A need=(
  [/usr/lib/postgresql]=postgresql
  [redis-server]=redis-server
  [etcd]=etcd-server
  [etcdctl]=etcd-client
  # The dashboard's browser test drives Debian's chromium through playwright.
  [/usr/bin/chromium]=chromium
)

missing=()
for probe in "${!need[@]}"; do
  if [[ "$probe" == /usr/lib/postgresql ]]; then
    compgen -G "$probe/*/bin/initdb" >/dev/null || missing+=("${need[$probe]}")
  elif [[ "$probe" == /* ]]; then
    [[ -x "$probe" ]] || missing+=("${need[$probe]}")
  else
    command -v "$probe" >/dev/null 2>&1 || missing+=("${need[$probe]}")
  fi
done

if ((${#missing[@]})); then
  echo "installing Debian packages: ${missing[*]}"
  SUDO=""
  [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The packaged services start themselves on install; the tests run their own instances.
  for svc in postgresql redis-server etcd; do
    $SUDO service "$svc" stop >/dev/null 2>&1 || true
  done
fi

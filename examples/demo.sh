#!/usr/bin/env bash
# What `make demo` runs: `confwarden doctor` on the example platform.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "confwarden doctor on examples/platform: the detected environment, each service's"
echo "configuration with its sources (secrets masked), validation in every mode with the"
echo "health score, whether the services share the same JWT secret (by fingerprint), and"
echo "what would fail if the same platform were deployed to staging and production."
echo

.venv/bin/confwarden doctor examples/platform

# The same backend reading its staging configuration from a local etcd and following changes
# (starts and stops its own etcd; skipped when etcd is not installed).
echo
bash examples/demo-etcd.sh

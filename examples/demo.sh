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

# The live dashboard (issue 15) runs until Ctrl-C, so the demo prints the command instead of
# blocking on it.
echo
echo "Live health dashboard of the same backend (health score, validation issues, variables"
echo "with their sources, executions and the live event feed), until Ctrl-C:"
echo "  .venv/bin/confwarden serve --project examples/platform --service backend \\"
echo "      --env-file examples/platform/.env.development"
echo "then open http://127.0.0.1:8700/ in a browser."

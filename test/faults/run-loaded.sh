#!/usr/bin/env bash
# Runs jest on the given test paths (default: the whole fault suite) next to two CPU-bound processes, so
# that the fault tests prove they do not depend on an idle machine. The two processes are stopped by PID.
set -euo pipefail
cd "$(dirname "$0")/../.."
hogs=()
node -e 'for (;;);' &
hogs+=("$!")
node -e 'for (;;);' &
hogs+=("$!")
trap 'kill "${hogs[@]}" 2>/dev/null || true' EXIT
npx jest --maxWorkers=1 "${@:-test/faults}"

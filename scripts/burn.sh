#!/bin/sh
# Holds every core with a busy loop at the lowest priority (nice 19), as a loaded machine would,
# and runs the given command under it; the burners stop when the command ends (or on Ctrl-C).
#   scripts/burn.sh nice -n 10 npx vitest run          # the suite on a loaded machine
#   scripts/burn.sh                                    # burn until Ctrl-C
# BURNERS sets how many busy processes (default: one per core); BURN_NICE their niceness (default 19;
# 0 makes them compete with the suite as equals, a harder test).
set -u
n="${BURNERS:-$(nproc)}"
pids=""
i=0
while [ "$i" -lt "$n" ]; do
  nice -n "${BURN_NICE:-19}" sh -c 'while :; do :; done' &
  pids="$pids $!"
  i=$((i + 1))
done
stop() {
  # Only the burners this script started, by their ids.
  # shellcheck disable=SC2086
  kill $pids 2>/dev/null
}
trap stop EXIT
trap 'exit 130' INT TERM
echo "burn.sh: $n burners at nice ${BURN_NICE:-19} (pids$pids)" >&2
if [ "$#" -eq 0 ]; then
  wait
else
  "$@"
fi

#!/bin/sh
# `sh scripts/on-node24.sh ARGS...` = `node ARGS...` on Node 24 LTS, after scripts/ensure-installed.js
# has brought what a fresh clone lacks (Node 24 into .tools/node when the machine's node is older,
# the npm dependencies). Node 24's folder goes first on PATH, so whatever the command starts with
# `node` or a `#!/usr/bin/env node` script runs on it too; `exec` leaves the command in npm's place,
# so Ctrl-C and a SIGTERM reach it as they reached `node` before.
set -e
BIN=$(node "$(dirname "$0")/ensure-installed.js" --bin-dir)
PATH="$BIN:$PATH"
export PATH
exec node "$@"

#!/usr/bin/env bash
# The whole test suite, as a new machine runs it: installs what the tests
# need (tmux for the terminal tests), runs `cargo test`, then starts a real
# Medusa 2 server (tests/medusa/setup.sh: PostgreSQL + Medusa on 127.0.0.1,
# freshly seeded), runs the Medusa backend tests against it and stops it
# again, also when something fails. MEDUSA_PORT / MEDUSA_PG_PORT move it
# when the default ports are taken.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v tmux >/dev/null 2>&1 || need_apt+=(tmux)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing ${need_apt[*]}"
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
  fi
fi

cargo test --workspace --locked "$@"

echo "starting the Medusa test server (tests/medusa/setup.sh)"
trap 'tests/medusa/stop.sh || true' EXIT
tests/medusa/setup.sh
start=$(date +%s)
cargo test --locked -p procure --test it -- --ignored medusa_backend::
echo "Medusa backend tests took $(($(date +%s) - start)) s"

#!/usr/bin/env bash
# The whole test suite, as a new machine runs it: installs what the tests
# need (tmux for the terminal tests, the Peppol validator's venv), runs `cargo test`, then starts a real
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

# The Peppol validator (OpenPEPPOL's rules, ../shared/peppol beside the
# repository unless PROCURE_PEPPOL_DIR says otherwise): its Python venv goes
# into target/ (writable; never under ../shared). The Peppol tests fail
# without it.
export PROCURE_PEPPOL_DIR="${PROCURE_PEPPOL_DIR:-$(cd .. && pwd)/shared/peppol}"
if [ ! -x "$PROCURE_PEPPOL_DIR/setup.sh" ]; then
  echo "the Peppol validator is not at $PROCURE_PEPPOL_DIR (set PROCURE_PEPPOL_DIR)" >&2
  exit 1
fi
export PEPPOL_VENV="${PEPPOL_VENV:-$PWD/target/peppol-venv}"
PROCURE_PEPPOL_PYTHON="$("$PROCURE_PEPPOL_DIR/setup.sh" "$PEPPOL_VENV")"
export PROCURE_PEPPOL_PYTHON

cargo test --workspace --locked "$@"

echo "starting the Medusa test server (tests/medusa/setup.sh)"
trap 'tests/medusa/stop.sh || true' EXIT
tests/medusa/setup.sh
start=$(date +%s)
cargo test --locked -p procure --test it -- --ignored medusa_backend::
echo "Medusa backend tests took $(($(date +%s) - start)) s"

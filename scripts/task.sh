#!/usr/bin/env bash
# Entry point behind `npm start` / `npm test` (and `yarn start` / `yarn test`): bootstraps the
# toolchain, installs dependencies when needed, then runs the task.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh" || exit 1
cd "$SP_ROOT"

task="${1:-}"
shift || true

ensure_postgres() {
  # The store tests run on SQLite and on the machine's PostgreSQL 15 (TestDatabases).
  local host=127.0.0.1 port=5432
  if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h "$host" -p "$port"; then
    if command -v pg_ctlcluster >/dev/null 2>&1; then
      sp_log "PostgreSQL is down; starting it"
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    fi
  fi
  if pg_isready -q -h "$host" -p "$port" 2>/dev/null; then
    export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-postgresql://postgres@$host:$port}"
  else
    sp_log "PostgreSQL is not reachable at $host:$port; database tests run on SQLite only"
  fi
}

case "$task" in
  install)
    sp_install_deps
    ;;
  start)
    sp_install_deps || exit 1
    exec yarn backstage-cli repo start "$@"
    ;;
  test)
    sp_install_deps || exit 1
    ensure_postgres
    failed=()
    sp_log "type check (tsc)"
    yarn tsc || failed+=("tsc")
    sp_log "lint"
    yarn backstage-cli repo lint || failed+=("lint")
    sp_log "format (prettier --check)"
    yarn prettier --check --loglevel warn . || failed+=("prettier")
    sp_log "test suites"
    CI=true yarn backstage-cli repo test "$@" || failed+=("tests")
    if [ ${#failed[@]} -gt 0 ]; then
      echo "FAILED: ${failed[*]}" >&2
      exit 1
    fi
    ;;
  test:e2e)
    sp_install_deps || exit 1
    exec node test/e2e/run.mjs "$@"
    ;;
  *)
    echo "usage: scripts/task.sh install|start|test|test:e2e" >&2
    exit 2
    ;;
esac

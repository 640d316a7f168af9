#!/usr/bin/env bash
# Runs the whole test suite (`npm test`) with the clock moved, for the app AND the database.
#
#   scripts/test-clock-shift.sh +365d                       # a year ahead
#   scripts/test-clock-shift.sh -365d                       # a year back
#   scripts/test-clock-shift.sh 2027-01-31T15:30:00Z        # a given instant (23:30 in Shanghai, month end)
#   scripts/test-clock-shift.sh +365d tests/e2e/journey.test.ts   # extra arguments go to `npm test` (vitest)
#
# The shift is a fixed offset from the real clock (computed once, in seconds), so the clock keeps
# ticking and every process sees the same time: the test runner, the servers and jobs it spawns,
# Chromium (all inherit LD_PRELOAD/FAKETIME) and a throw-away MariaDB started here under the same
# offset, so column defaults (CURRENT_TIMESTAMP(3)) and domain events (the database clock) agree
# with the app. The monotonic clock is not faked: timers, timeouts and durations stay real.
#
# Uses Debian's libfaketime (installs the `faketime` package when missing). The throw-away server
# has its own data directory, socket and port (CLOCK_DB_PORT, default 3316) and is removed at the
# end; the MariaDB on 3306 is never touched. Not part of `npm test` or CI (a full run takes as long
# as `npm test`); run it by hand. See docs/decisions/098-clock-shifted-test-runs.md.
set -euo pipefail

shift_arg="${1:-}"
if [[ -z "$shift_arg" ]]; then
  echo "usage: $0 <+Nd|-Nd|+Ns|-Ns|ISO instant> [arguments for npm test]" >&2
  exit 2
fi
shift

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port="${CLOCK_DB_PORT:-3316}"
work="$(mktemp -d /tmp/dd-clock-shift.XXXXXX)"
datadir="$work/data"
socket="$work/mysqld.sock"

# The offset in seconds from now.
now=$(date +%s)
if [[ "$shift_arg" =~ ^([+-])([0-9]+)([smhd]?)$ ]]; then
  sign="${BASH_REMATCH[1]}"; n="${BASH_REMATCH[2]}"
  case "${BASH_REMATCH[3]}" in
    m) n=$((n * 60)) ;; h) n=$((n * 3600)) ;; d) n=$((n * 86400)) ;;
  esac
  offset="${sign}${n}"
else
  target=$(date -d "$shift_arg" +%s) || { echo "cannot read the instant '$shift_arg'" >&2; exit 2; }
  delta=$((target - now))
  if ((delta >= 0)); then offset="+$delta"; else offset="$delta"; fi
fi

find_lib() { dpkg -L libfaketime 2>/dev/null | grep '/libfaketime.so.1$' | head -1 || true; }
lib="$(find_lib)"
if [[ -z "$lib" || ! -e "$lib" ]]; then
  echo "installing faketime (libfaketime)…"
  if [[ $(id -u) -eq 0 ]]; then apt-get install -y faketime >/dev/null || { apt-get update >/dev/null && apt-get install -y faketime >/dev/null; }
  else sudo apt-get install -y faketime >/dev/null; fi
  lib="$(find_lib)"
fi

# FAKETIME_FORCE_MONOTONIC_FIX=0: with the fix (on by default for this glibc) Chromium spins in
# pthread_cond_timedwait and takes over a minute to open a page; without it, 2–4 s.
fake_env=(LD_PRELOAD="$lib" FAKETIME="$offset" FAKETIME_DONT_FAKE_MONOTONIC=1 FAKETIME_FORCE_MONOTONIC_FIX=0)

mysqld_pid=""
cleanup() {
  if [[ -n "$mysqld_pid" ]] && kill -0 "$mysqld_pid" 2>/dev/null; then
    kill "$mysqld_pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$mysqld_pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$mysqld_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

if (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "port $port is in use; set CLOCK_DB_PORT to a free port" >&2
  exit 1
fi

echo "clock shift: $offset s (now for the tests: $(env "${fake_env[@]}" date -u '+%Y-%m-%d %H:%M:%S UTC'))"
mkdir -p "$datadir"
chown mysql:mysql "$work" "$datadir" 2>/dev/null || true
mariadb-install-db --no-defaults --datadir="$datadir" --user=mysql --auth-root-authentication-method=normal \
  --skip-test-db >"$work/install.log" 2>&1 || { cat "$work/install.log" >&2; exit 1; }

env "${fake_env[@]}" /usr/sbin/mariadbd --no-defaults --datadir="$datadir" --socket="$socket" \
  --port="$port" --bind-address=127.0.0.1 --user=mysql --pid-file="$work/mysqld.pid" \
  --log-error="$work/mysqld.err" --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
  --max-connections=500 --innodb-buffer-pool-size=256M --skip-log-bin &
mysqld_pid=$!

for _ in $(seq 1 120); do
  mariadb --no-defaults -uroot --socket="$socket" -e "SELECT 1" >/dev/null 2>&1 && break
  kill -0 "$mysqld_pid" 2>/dev/null || { cat "$work/mysqld.err" >&2; exit 1; }
  sleep 0.5
done
# root with an empty password over TCP, like the default development server.
mariadb --no-defaults -uroot --socket="$socket" -e \
  "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'; GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;"
echo "throw-away MariaDB on 127.0.0.1:$port, its clock: $(mariadb --no-defaults -uroot --socket="$socket" -N -e "SELECT UTC_TIMESTAMP()")"

# Show that every clock moved: Node, the database (above) and Chromium (started as the browser tests start it).
env "${fake_env[@]}" node -e '
const { chromium } = require(process.argv[1]);
(async () => {
  console.log("node clock: " + new Date().toISOString());
  const b = await chromium.launch({ executablePath: "/usr/bin/chromium" });
  const p = await b.newPage();
  console.log("chromium clock: " + (await p.evaluate(() => new Date().toISOString())));
  await b.close();
})().catch((e) => { console.error("chromium under libfaketime failed: " + e.message); process.exit(1); });
' "$root/node_modules/playwright-core" 2>&1 | grep -E "clock|failed"

db_name="$(basename "${TEST_DATABASE_URL:-mysql://root@127.0.0.1/dealer_desk_test}")"
cd "$root"
status=0
env "${fake_env[@]}" TEST_DATABASE_URL="mysql://root@127.0.0.1:$port/${db_name:-dealer_desk_test}" \
  npm test -- "$@" || status=$?
echo "clock-shifted run ($shift_arg, offset $offset s): exit $status"
exit "$status"

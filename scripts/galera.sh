#!/usr/bin/env bash
# A local three-node MariaDB Galera cluster on loopback, from Debian's packages, for tests and trials.
#
#   scripts/galera.sh start [--base-port P] [--dir D]   start (or reuse) the cluster; prints the DATABASE_URL
#   scripts/galera.sh stop  [--base-port P] [--dir D]   stop every node (the data stays in D)
#   scripts/galera.sh stop N                           stop node N cleanly (it leaves; the others keep a primary component)
#   scripts/galera.sh kill N / revive N                SIGKILL node N (1..3) / start it again so it rejoins
#   scripts/galera.sh status                           each node's wsrep state and the cluster size
#   scripts/galera.sh wipe                             stop and delete D
#
# Ports (P defaults to 4400): node N listens for SQL on P+N, for group communication on P+10+N,
# for incremental state transfer on P+20+N and for full state transfer (rsync) on P+30+N, all on 127.0.0.1.
# Node 1 bootstraps a new cluster when none of the three is running; nodes 2 and 3 join it by a full state
# transfer (rsync). root has an empty password over TCP, like the single server in README.
#
# The settings are those a production cluster needs (see README "Running on a cluster"):
#   binlog_format=ROW, InnoDB only, innodb_autoinc_lock_mode=2 (interleaved: Galera needs it),
#   wsrep_sync_wait=0 by default (the portal asks for causal reads itself where a user must see their own write),
#   wsrep_retry_autocommit=1, a PRIMARY KEY on every table (Galera replicates rows by key).
set -euo pipefail

cmd="${1:-status}"
shift || true
BASE=4400
DIR="${GALERA_DIR:-${TMPDIR:-/tmp}/dealer-desk-galera}"
while [ $# -gt 0 ]; do
  case "$1" in
    --base-port) BASE="$2"; shift 2 ;;
    --dir) DIR="$2"; shift 2 ;;
    *) NODE_ARG="$1"; shift ;;
  esac
done

port() { echo $((BASE + $1)); }
gport() { echo $((BASE + 10 + $1)); }
iport() { echo $((BASE + 20 + $1)); }
sport() { echo $((BASE + 30 + $1)); }
ndir() { echo "$DIR/node$1"; }
sock() { echo "$(ndir "$1")/mysqld.sock"; }
pidf() { echo "$(ndir "$1")/mysqld.pid"; }

ensure_packages() {
  local missing=()
  [ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server)
  [ -f /usr/lib/galera/libgalera_smm.so ] || missing+=(galera-4)
  command -v rsync >/dev/null 2>&1 || missing+=(rsync)
  command -v lsof >/dev/null 2>&1 || missing+=(lsof)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing ${missing[*]}…" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

write_config() {
  local n=$1 d
  d=$(ndir "$n")
  mkdir -p "$d/data"
  chown -R mysql:mysql "$d"
  cat >"$d/my.cnf" <<EOF
[mariadbd]
user=mysql
datadir=$d/data
socket=$(sock "$n")
pid-file=$(pidf "$n")
log-error=$d/error.log
port=$(port "$n")
bind-address=127.0.0.1
character-set-server=utf8mb4
collation-server=utf8mb4_unicode_ci
default-time-zone=+00:00
max_connections=400
innodb_buffer_pool_size=256M
innodb_flush_log_at_trx_commit=2
binlog_format=ROW
default_storage_engine=InnoDB
innodb_autoinc_lock_mode=2
wsrep_on=ON
wsrep_provider=/usr/lib/galera/libgalera_smm.so
wsrep_cluster_name=dealer_desk_local
wsrep_cluster_address=gcomm://127.0.0.1:$(gport 1),127.0.0.1:$(gport 2),127.0.0.1:$(gport 3)
wsrep_node_name=node$n
wsrep_node_address=127.0.0.1:$(gport "$n")
wsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:$(gport "$n");ist.recv_addr=127.0.0.1:$(iport "$n");gcache.size=256M;evs.suspect_timeout=PT3S;evs.inactive_timeout=PT6S;evs.install_timeout=PT6S"
wsrep_sst_method=rsync
wsrep_sst_receive_address=127.0.0.1:$(sport "$n")
wsrep_slave_threads=4
wsrep_retry_autocommit=1
wsrep_sync_wait=0
EOF
}

pidof_node() { cat "$(pidf "$1")" 2>/dev/null || true; }
running() { local p; p=$(pidof_node "$1"); [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }

q() { mariadb --protocol=tcp -h127.0.0.1 -P"$(port "$1")" -uroot -N -B -e "$2" 2>/dev/null; }

wait_synced() {
  local n=$1 i
  for i in $(seq 1 120); do
    if [ "$(q "$n" "SHOW STATUS LIKE 'wsrep_local_state_comment'" | cut -f2)" = "Synced" ]; then return 0; fi
    if ! kill -0 "$STARTED_PID" 2>/dev/null; then
      echo "node $n stopped while starting; see $(ndir "$n")/error.log" >&2
      tail -20 "$(ndir "$n")/error.log" >&2
      return 1
    fi
    sleep 0.5
  done
  echo "node $n not synced after 60 s; see $(ndir "$n")/error.log" >&2
  return 1
}

start_node() {
  local n=$1 bootstrap=${2:-}
  running "$n" && return 0
  write_config "$n"
  if [ ! -d "$(ndir "$n")/data/mysql" ] && [ -n "$bootstrap" ]; then
    mariadb-install-db --defaults-file="$(ndir "$n")/my.cnf" --user=mysql --auth-root-authentication-method=normal --skip-test-db >"$(ndir "$n")/install.log" 2>&1
  fi
  if [ -n "$bootstrap" ]; then
    # A node that was the last one down may have safe_to_bootstrap: 0 after a kill; it is the only node, so it is safe.
    [ -f "$(ndir "$n")/data/grastate.dat" ] && sed -i 's/^safe_to_bootstrap: 0/safe_to_bootstrap: 1/' "$(ndir "$n")/data/grastate.dat"
    setsid /usr/sbin/mariadbd --defaults-file="$(ndir "$n")/my.cnf" --wsrep-new-cluster >/dev/null 2>&1 </dev/null &
    STARTED_PID=$!
  else
    setsid /usr/sbin/mariadbd --defaults-file="$(ndir "$n")/my.cnf" >/dev/null 2>&1 </dev/null &
    STARTED_PID=$!
  fi
  wait_synced "$n"
}

url() { echo "mysql://root@127.0.0.1:$(port 1),127.0.0.1:$(port 2),127.0.0.1:$(port 3)/dealer_desk"; }

case "$cmd" in
  start)
    ensure_packages
    mkdir -p "$DIR"
    chown mysql:mysql "$DIR"
    if running 1 || running 2 || running 3; then
      for n in 1 2 3; do start_node "$n"; done
    else
      start_node 1 bootstrap
      start_node 2
      start_node 3
    fi
    size=$(q 1 "SHOW STATUS LIKE 'wsrep_cluster_size'" | cut -f2)
    echo "Galera cluster of $size nodes on 127.0.0.1:$(port 1),$(port 2),$(port 3) (data in $DIR)" >&2
    url
    ;;
  stop)
    nodes="3 2 1"
    [ -n "${NODE_ARG:-}" ] && nodes="$NODE_ARG"
    for n in $nodes; do
      p=$(pidof_node "$n")
      if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then
        kill "$p" 2>/dev/null || true
        for i in $(seq 1 60); do kill -0 "$p" 2>/dev/null || break; sleep 0.5; done
      fi
    done
    ;;
  kill)
    n="${NODE_ARG:?node number}"
    p=$(pidof_node "$n")
    [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true
    rm -f "$(pidf "$n")"
    ;;
  revive)
    n="${NODE_ARG:?node number}"
    start_node "$n"
    ;;
  status)
    for n in 1 2 3; do
      if running "$n"; then
        echo "node $n: port $(port "$n"), $(q "$n" "SHOW STATUS LIKE 'wsrep_local_state_comment'" | cut -f2), cluster size $(q "$n" "SHOW STATUS LIKE 'wsrep_cluster_size'" | cut -f2)"
      else
        echo "node $n: port $(port "$n"), down"
      fi
    done
    ;;
  url) url ;;
  wipe)
    "$0" stop --base-port "$BASE" --dir "$DIR"
    rm -rf "$DIR"
    ;;
  *)
    echo "usage: scripts/galera.sh start|stop [N]|kill N|revive N|status|url|wipe [--base-port P] [--dir D]" >&2
    exit 2
    ;;
esac

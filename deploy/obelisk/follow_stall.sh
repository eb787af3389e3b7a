#!/usr/bin/env bash
# A reproduction, for Obelisk's maintainers, of submissions waited on with
# `POST /v1/executions?follow=true` that never end when Obelisk keeps its executions
# in PostgreSQL and a few such streams are open at once (seen with Obelisk 0.41.5).
#
# One server, one activity that takes two seconds, N submissions with ?follow=true
# at the same time, each given 60 s; then how many answered, how many connections
# the server held to PostgreSQL meanwhile, and how many of the activity's requests
# were sent (exit status 1 when a stream did not answer). Only Obelisk, PostgreSQL
# (Debian's `postgresql` 15 package: initdb into a temporary directory, a Unix
# socket only), curl and python3 are used; nothing is downloaded.
#
#   follow_stall.sh ACTIVITY.wasm [N]      (N default 4)
#
# The activity: by default this repository's component (target/guest/
# elastic_security.wasm), calling cases.create-case against a local port that
# accepts connections and never answers, with a timeout of 2 s (it ends with a
# permanent `timeout` error, which Obelisk does not retry). Any other activity that
# takes a while: FFQN=ns:pkg/ifc.fn PARAMS='[...]' follow_stall.sh other.wasm.
# Prefix the command with `taskset -c 0` to give the server one CPU (its database
# pool then has fewer connections). As root, PostgreSQL runs as the user `postgres`.
set -euo pipefail

activity=$(realpath "${1:?usage: follow_stall.sh ACTIVITY.wasm [N]}")
n=${2:-4}
pg=/usr/lib/postgresql/15/bin
obelisk=$(command -v "${OBELISK:-obelisk}")

work=$(mktemp -d)
chmod 755 "$work"
mkdir "$work/sock" "$work/obelisk"
as_postgres() {
  if ((EUID == 0)); then runuser -u postgres -- "$@"; else "$@"; fi
}
if ((EUID == 0)); then chown postgres "$work" "$work/sock"; fi
server=
silent=
cleanup() {
  [[ -n "$server" ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  [[ -n "$silent" ]] && kill "$silent" 2>/dev/null && wait "$silent" 2>/dev/null || true
  as_postgres "$pg/pg_ctl" -D "$work/pgdata" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

as_postgres "$pg/initdb" -D "$work/pgdata" -A trust -U obelisk >/dev/null
as_postgres "$pg/pg_ctl" -D "$work/pgdata" -l "$work/pg.log" -w \
  -o "-c listen_addresses='' -k $work/sock" start >/dev/null

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
port=$(free_port)
# A server that takes connections, counts them (in the file `reached`) and never
# answers.
silent_port=$(free_port)
python3 -c "
import socket
s = socket.socket()
s.bind(('127.0.0.1', $silent_port))
s.listen(1024)
held = []
while True:
    held.append(s.accept()[0])
    open('$work/reached', 'w').write(str(len(held)))
" &
silent=$!
ffqn=${FFQN:-automation:elastic-security/cases@0.2.0.create-case}
params=${PARAMS:-"[{\"base_url\": \"http://127.0.0.1:$silent_port\", \"timeout_ms\": 2000},
  {\"title\": \"t\", \"owner\": \"cases\", \"tags\": [], \"assignees\": []}]"}
cp "$activity" "$work/obelisk/activity.wasm"
cat >"$work/obelisk/server.toml" <<EOF
api.listening_addr = "127.0.0.1:$port"
webui.enabled = false
external.enabled = false
database.postgres.host = "$work/sock"
database.postgres.user = "obelisk"
database.postgres.password = "unused"
database.postgres.db_name = "obelisk"
database.postgres.provision_policy = "auto"
[wasm]
cache_directory = "$work/obelisk/wasm-cache"
[wasm.codegen_cache]
directory = "$work/obelisk/codegen-cache"
[log.console]
level = "info"
[[outbound_http.allowed_host]]
pattern = "http://127.0.0.1:*"
methods = "*"
EOF
cat >"$work/obelisk/deployment.toml" <<EOF
[[activity_wasm]]
name = "activity"
location = "activity.wasm"
# Long enough for the activity's 2 s (the default, 1 s, would time it out and retry).
exec.lock_expiry.seconds = 10
[[activity_wasm.allowed_host]]
pattern = "http://127.0.0.1:*"
methods = "*"
EOF

(cd "$work/obelisk" && exec env -u OBELISK_API_TOKEN "$obelisk" server run \
  --server-config server.toml --deployment deployment.toml >"$work/obelisk.log" 2>&1) &
server=$!
token=
for _ in $(seq 600); do
  token=$(sed -n 's/.*API startup token: \([^ ]*\).*/\1/p' "$work/obelisk.log" | head -n 1)
  [[ -n "$token" ]] && curl -sf -o /dev/null -H "authorization: Bearer $token" \
    "http://127.0.0.1:$port/v1/components" && break
  sleep 0.5
done
[[ -n "$token" ]] || { echo "the server did not start:" >&2; tail -20 "$work/obelisk.log" >&2; exit 1; }

echo "obelisk $("$obelisk" --version | awk '{print $2}'), $(nproc) CPU(s);" \
  "$n submissions with ?follow=true at once"
clients=()
for i in $(seq "$n"); do
  (
    if curl -sS -N --max-time 60 -o "$work/answer.$i" -X POST \
      "http://127.0.0.1:$port/v1/executions?follow=true" \
      -H "authorization: Bearer $token" -H 'content-type: application/json' \
      -d "{\"ffqn\": \"$ffqn\", \"params\": $params}" 2>/dev/null; then
      echo "answered" >"$work/outcome.$i"
    else
      echo "no answer within 60 s" >"$work/outcome.$i"
    fi
  ) &
  clients+=($!)
done
sleep 5
connections=$("$pg/psql" -h "$work/sock" -U obelisk -d obelisk -Atc \
  "select count(*) from pg_stat_activity where datname = 'obelisk' and pid <> pg_backend_pid()")
wait "${clients[@]}"
answered=$(cat "$work"/outcome.* | grep -c '^answered$' || true)
echo "$answered of $n answered within 60 s;" \
  "after 5 s the server held $connections connection(s) to PostgreSQL;" \
  "the activity's requests that reached the silent server: $(cat "$work/reached" 2>/dev/null || echo 0)"
((answered == n))

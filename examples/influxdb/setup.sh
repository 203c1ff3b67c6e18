#!/bin/sh
# Creates the admin user (the first user on a fresh InfluxDB with auth on), the database, a
# write-only user for the bridge and a read-only user for Grafana. Idempotent.
#   INFLUX_URL=http://127.0.0.1:8086 ADMIN_PASSWORD=... BRIDGE_PASSWORD=... GRAFANA_PASSWORD=... ./setup.sh
set -eu
url=${INFLUX_URL:-http://127.0.0.1:8086}
db=${INFLUX_DB:-eve}
: "${ADMIN_PASSWORD:?set ADMIN_PASSWORD}" "${BRIDGE_PASSWORD:?set BRIDGE_PASSWORD}" "${GRAFANA_PASSWORD:?set GRAFANA_PASSWORD}"
q() { curl -sS --fail-with-body -u "admin:$ADMIN_PASSWORD" -XPOST "$url/query" --data-urlencode "q=$1" >/dev/null; }
# the first user may be created without credentials; afterwards this is a no-op that needs them
curl -sS -XPOST "$url/query" --data-urlencode "q=CREATE USER admin WITH PASSWORD '$ADMIN_PASSWORD' WITH ALL PRIVILEGES" >/dev/null || true
q "CREATE DATABASE $db"
q "CREATE USER \"eve-bridge\" WITH PASSWORD '$BRIDGE_PASSWORD'"
q "GRANT WRITE ON $db TO \"eve-bridge\""
q "CREATE USER grafana WITH PASSWORD '$GRAFANA_PASSWORD'"
q "GRANT READ ON $db TO grafana"
echo "influxdb: database $db, write-only user eve-bridge, read-only user grafana"

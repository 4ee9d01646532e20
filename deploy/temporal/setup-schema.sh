#!/bin/sh
# Creates Temporal's two PostgreSQL databases and brings their schemas to the version the
# admin-tools image ships (the documented way since the auto-setup image was retired: Temporal's
# samples-server compose runs temporal-sql-tool from temporalio/admin-tools before the server).
# Idempotent: on a later start (or after moving admin-tools and server one minor version up) only
# `update-schema` runs, which applies the versions the database does not have yet.
set -eu
: "${POSTGRES_SEEDS:?set POSTGRES_SEEDS}"
: "${POSTGRES_USER:?set POSTGRES_USER}"
: "${SQL_PASSWORD:?set SQL_PASSWORD (the Temporal database password)}"
PORT=${DB_PORT:-5432}
sql() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$PORT" -u "$POSTGRES_USER" "$@"; }

echo "waiting for PostgreSQL at $POSTGRES_SEEDS:$PORT ..."
until nc -z -w 5 "$POSTGRES_SEEDS" "$PORT"; do sleep 2; done

for db in temporal temporal_visibility; do
  case $db in
    temporal) dir=/etc/temporal/schema/postgresql/v12/temporal/versioned ;;
    *) dir=/etc/temporal/schema/postgresql/v12/visibility/versioned ;;
  esac
  if sql --db "$db" update-schema -d "$dir"; then
    echo "$db: schema up to date"
  else
    # A new database: create it, set up the base schema, then every version. setup-schema
    # without --overwrite refuses a database that has tables, so this never drops data.
    sql --db "$db" create || echo "$db: exists already"
    sql --db "$db" setup-schema -v 0.0
    sql --db "$db" update-schema -d "$dir"
    echo "$db: schema created"
  fi
done

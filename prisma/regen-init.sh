#!/usr/bin/env bash
# Development helper, used only until the first migration ships: rebuilds the initial
# migration from the whole schema folder and regenerates the client. After a migration has
# shipped, add a new one instead (see README, "Changing the schema").
set -euo pipefail
cd "$(dirname "$0")/.."
dir=prisma/migrations/20261127000000_init
mkdir -p "$dir"
npx prisma migrate diff --from-empty --to-schema-datamodel prisma/schema --script > "$dir/migration.sql.tmp"
mv "$dir/migration.sql.tmp" "$dir/migration.sql"
npx prisma generate >/dev/null
echo "rebuilt $dir/migration.sql"

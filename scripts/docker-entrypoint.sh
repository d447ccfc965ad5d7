#!/bin/sh
# Entry point of the platform's image (web, worker, beat): refuse to start with settings unfit for production
# (the embedded development key or pepper, DEBUG, no PostgreSQL or Redis, plain HTTP...), then run the command.
set -eu
cd "$(dirname "$0")/.."
if ! python manage.py check --deploy --fail-level WARNING; then
  echo "aptic: refusing to start: the deployment check above failed; fix the settings (README, \"Full stack\")." >&2
  exit 78
fi
exec "$@"

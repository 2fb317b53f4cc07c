#!/usr/bin/env bash
# The banner `make run` prints after seeding: every demo login and how to get the 2FA code.
# The user list is seed_demo's (USERS), printed by the command so the banner cannot drift.
here=$(cd "$(dirname "$0")/.." && pwd)
py="${PY:-$here/.venv/bin/python}"
cat <<TEXT

  Homeward is starting at http://${HOST:-127.0.0.1}:${PORT:-8000}  (SQLite, tasks in-process, demo data)
  Another port: make run PORT=8001
  Demo logins, all with password: homeward-demo
TEXT
"$py" "$here/manage.py" seed_demo --logins
cat <<TEXT

  Coordinators and organisation admins (marked 2FA) then need a 6-digit code:
    .venv/bin/python manage.py demo_otp_code coordinator
  (in a second terminal), or add the demo secret NBXW2ZLXMFZGILLEMVWW6LJSMZQS233L to any
  authenticator app.

TEXT

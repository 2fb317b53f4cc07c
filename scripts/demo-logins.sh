#!/usr/bin/env bash
cat <<TEXT

  Homeward is starting at http://${HOST:-127.0.0.1}:${PORT:-8000}  (SQLite, tasks in-process, demo data)
  Demo logins, all with password: homeward-demo
    caseworker    caseworker, Phnom Penh NGO
    coordinator   coordinator, Phnom Penh NGO
    orgadmin      organisation admin, Phnom Penh NGO
    caseworker2   caseworker, Vientiane NGO
    liaison       liaison, Royal Embassy of Cambodia in Kuala Lumpur
    admin         superuser (Django admin at /admin/)

TEXT

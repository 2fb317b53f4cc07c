#!/usr/bin/env bash
# Prints the path of a working Python >= 3.12. A name on PATH may be a pyenv shim
# that exists but fails when run, so every candidate is actually run.
set -u
candidates=(python3.13 python3.12 python3.14 python3)
for dir in /root/.pyenv/versions/3.13* /root/.pyenv/versions/3.12* /usr/local/bin /usr/bin; do
  for name in python3.13 python3.12 python3; do
    [ -x "$dir/bin/$name" ] && candidates+=("$dir/bin/$name")
    [ -x "$dir/$name" ] && candidates+=("$dir/$name")
  done
done
for cand in "${candidates[@]}"; do
  if out=$("$cand" -c 'import sys, venv; print(sys.executable) if sys.version_info >= (3, 12) else sys.exit(1)' 2>/dev/null); then
    echo "$out"
    exit 0
  fi
done
echo "No working Python >= 3.12 found (tried: ${candidates[*]})" >&2
exit 1

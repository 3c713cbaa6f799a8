#!/bin/sh
# `sintesi --exit-after-startup`: every template loads and the window shows,
# then the application quits by itself (the smoke test of GNOME Text Editor).
set -u
app=$1
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "SKIP: no display (build-aux/test starts Xvfb)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" XDG_CACHE_HOME="$work/cache"
export G_DEBUG=fatal-criticals
timeout 60 "$app" --exit-after-startup >"$work/log" 2>&1
status=$?
cat "$work/log"
exit $status

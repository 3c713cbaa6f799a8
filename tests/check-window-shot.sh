#!/bin/sh
# The README's first command ends by starting `sintesi`: start the real
# binary under the test display, grab the screen and check it is not blank.
set -u
app=$1
if [ -z "${DISPLAY:-}" ]; then
  echo "1..0 # SKIP no display (build-aux/test starts Xvfb)"
  exit 77
fi
for tool in import /usr/bin/convert; do
  command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool missing"; exit 77; }
done

work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$work"' EXIT
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" XDG_CACHE_HOME="$work/cache"

# Blank reference first, so that a leftover window cannot fool the check.
import -window root "$work/before.png"
"$app" >"$work/app.log" 2>&1 &
pid=$!

shown=no
for _ in $(seq 1 40); do
  sleep 0.25
  kill -0 "$pid" 2>/dev/null || break
  import -window root "$work/shot.png" 2>/dev/null || continue
  colours=$(/usr/bin/convert "$work/shot.png" -format '%k' info:)
  if [ "${colours:-0}" -gt 16 ]; then
    shown=yes
    break
  fi
done

if [ "$shown" != yes ]; then
  echo "the window did not appear (screen has ${colours:-0} colours)"
  cat "$work/app.log"
  exit 1
fi
if [ -n "${SINTESI_SCREENSHOT_DIR:-}" ]; then
  cp "$work/shot.png" "$SINTESI_SCREENSHOT_DIR/run.png"
fi
echo "window up: $colours distinct colours on screen"
exit 0

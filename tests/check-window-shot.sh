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
# The app starts the sandbox, which keeps the demo keys' secret in a keyring
# when one answers: no session bus, so no real keyring is ever touched.
export DBUS_SESSION_BUS_ADDRESS="unix:path=$work/no-session-bus"

# The hidden smoke flag: every template loads, the window is shown, the
# sandbox started and stopped, and the process exits cleanly.
if ! timeout 120 "$app" --exit-after-startup >"$work/exit-after-startup.log" 2>&1; then
  echo "--exit-after-startup did not exit cleanly"
  cat "$work/exit-after-startup.log"
  exit 1
fi
if grep -E "CRITICAL|ERROR|SintesiGui-WARNING" "$work/exit-after-startup.log"; then
  echo "--exit-after-startup logged errors"
  exit 1
fi

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

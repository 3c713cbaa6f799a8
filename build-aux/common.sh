# build-aux/common.sh: shared by build-aux/run and build-aux/test (sourced).
# Installs what is missing (Debian/Ubuntu), then configures and builds.

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SINTESI_BUILD_DIR:-$top/build}

# Build, test and the independent checkers the tests call (toolchain-notes.md).
packages=(
  meson ninja-build pkg-config gcc gettext desktop-file-utils appstream
  libgtk-4-dev libgtk-4-bin libadwaita-1-dev libcurl4-gnutls-dev libgnutls28-dev
  libjson-glib-dev libxml2-dev libsqlite3-dev libsoup-3.0-dev glib-networking
  libcairo2-dev libpango1.0-dev libqpdf-dev libarchive-dev libsecret-1-dev
  fonts-dejavu-core xvfb xauth dbus gnome-keyring
  gnutls-bin openssl poppler-utils qpdf libxml2-utils libnss3-tools softhsm2
  imagemagick sqlite3 python3 unzip time
)

say () { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

ensure_packages () {
  if [ ! -r /etc/debian_version ] || ! command -v dpkg-query >/dev/null; then
    say "not a Debian/Ubuntu system: install the equivalents of: ${packages[*]}"
    return 0
  fi
  local missing=() p
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0

  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { say "need root or sudo to install: ${missing[*]}"; return 1; }
    sudo=(sudo)
  fi
  say "installing ${#missing[@]} missing packages: ${missing[*]}"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

configure_and_build () {
  local options=("$@")
  if [ ! -f "$build/build.ninja" ]; then
    say "configuring $build"
    meson setup "$build" "$top" "${options[@]}"
  elif [ ${#options[@]} -gt 0 ]; then
    meson configure "$build" "${options[@]}"
  fi
  say "building"
  meson compile -C "$build"
}

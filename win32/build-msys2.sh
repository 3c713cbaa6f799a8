#!/usr/bin/env bash
# Builds, tests and packages Sintesi in an MSYS2 UCRT64 shell on Windows.
# Produces dist/Sintesi/ (relocatable: binaries, DLLs, schemas, icons,
# translations) and dist/Sintesi-<version>.zip.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
prefix=${MINGW_PACKAGE_PREFIX:-mingw-w64-ucrt-x86_64}

pacman -S --needed --noconfirm \
  "$prefix-gcc" "$prefix-meson" "$prefix-ninja" "$prefix-pkgconf" "$prefix-gettext" \
  "$prefix-gtk4" "$prefix-libadwaita" "$prefix-json-glib" "$prefix-libxml2" \
  "$prefix-gnutls" "$prefix-curl-gnutls" "$prefix-sqlite3" "$prefix-cairo" "$prefix-pango" \
  "$prefix-qpdf" "$prefix-libarchive" "$prefix-libsoup3" "$prefix-glib-networking" \
  "$prefix-p11-kit" zip

build="$top/build-win32"
dist="$top/dist/Sintesi"
meson setup "$build" "$top" --prefix="$dist" --buildtype=release
meson compile -C "$build"
meson test -C "$build" --no-suite gui --print-errorlogs
meson install -C "$build"

# Every DLL the programs load, found by walking their imports.
collect_dlls () {
  ldd "$@" | awk '/ucrt64/ { print $3 }' | sort -u
}
cp $(collect_dlls "$dist"/bin/*.exe) "$dist/bin/"
cp "$MINGW_PREFIX"/bin/gdbus.exe "$dist/bin/"
mkdir -p "$dist/lib" "$dist/share/glib-2.0" "$dist/share/icons"
cp -r "$MINGW_PREFIX/lib/gdk-pixbuf-2.0" "$MINGW_PREFIX/lib/gio" "$dist/lib/"
cp -r "$MINGW_PREFIX/share/glib-2.0/schemas" "$dist/share/glib-2.0/"
cp -r "$MINGW_PREFIX/share/icons/Adwaita" "$MINGW_PREFIX/share/icons/hicolor" "$dist/share/icons/"
glib-compile-schemas "$dist/share/glib-2.0/schemas"
gtk4-update-icon-cache -f -t "$dist/share/icons/hicolor"

version=$(meson introspect --projectinfo "$build" | sed -n 's/.*"version": "\([^"]*\)".*/\1/p')
(cd "$top/dist" && zip -qr "Sintesi-$version.zip" Sintesi)
echo "dist/Sintesi-$version.zip"

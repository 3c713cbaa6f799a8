#!/bin/sh
# Every user-visible message must reach an Italian desktop (decisions D2):
# every file that marks messages is listed in POTFILES.in, and it.po
# translates every message of a freshly extracted template, none fuzzy.
set -eu
po_dir=$1
top=$(cd "$po_dir/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

status=0
cd "$top"
for f in $(grep -rlE '(^|[^A-Za-z0-9_])N?_\("|translatable="yes"' src ui data 2>/dev/null | sort); do
  if ! grep -qx "$f" po/POTFILES.in; then
    echo "$f marks messages for translation but is not in po/POTFILES.in"
    status=1
  fi
done

xgettext --package-name=sintesi --from-code=UTF-8 --add-comments=TRANSLATORS \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dngettext:2,3 --keyword=ngettext:1,2 \
  --flag=g_strdup_printf:1:c-format --flag=g_set_error:4:c-format \
  --files-from=po/POTFILES.in --output="$work/sintesi.pot" 2>"$work/xgettext.log" || {
  cat "$work/xgettext.log"; exit 1; }

msgmerge --quiet --no-fuzzy-matching "po/it.po" "$work/sintesi.pot" -o "$work/it.po"
msgfmt --check --statistics -o /dev/null "$work/it.po" 2>"$work/stats" || { cat "$work/stats"; exit 1; }
cat "$work/stats"
if grep -qE 'untranslated|fuzzy' "$work/stats"; then
  echo "po/it.po is incomplete; messages without an Italian translation:"
  msgattrib --untranslated --no-obsolete "$work/it.po" | grep -A1 '^msgid' | head -60
  status=1
fi
exit $status

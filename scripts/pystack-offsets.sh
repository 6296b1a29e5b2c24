#!/bin/sh
# Regenerates src/run/pystack/layouts.json: the struct offsets of each CPython 3.8–3.13 found,
# compiled from that version's own headers by scripts/pystack-offsets.c (CI does not run this;
# the JSON is committed). Usage: scripts/pystack-offsets.sh [include-dir ...]
# Without arguments: every pyenv 3.8–3.13 under $PYENV_ROOT (default ~/.pyenv) and /usr/include/python3.*.
# Two builds of one minor version must agree, or the script stops: the reader keys layouts by minor.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../src/run/pystack/layouts.json"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ $# -eq 0 ]; then
  set -- $(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.*/include/python3.* /usr/include/python3.* 2>/dev/null | grep -E 'python3\.(8|9|1[0-3])$' || true)
fi
for inc in "$@"; do
  gcc -w -I"$inc" -I"$inc/internal" -o "$tmp/offsets" "$here/pystack-offsets.c"
  v=$(basename "$inc" | sed 's/^python//')
  "$tmp/offsets" > "$tmp/$v.$(echo "$inc" | md5sum | cut -c1-8).json"
  echo "$inc -> $v" >&2
done
node - "$tmp" "$out" <<'JS'
const fs = require('node:fs');
const [dir, out] = process.argv.slice(2);
const layouts = {};
for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
  const l = JSON.parse(fs.readFileSync(`${dir}/${f}`, 'utf8'));
  delete l.unicode.end;
  const prev = layouts[l.version];
  if (prev && JSON.stringify(prev) !== JSON.stringify(l)) throw new Error(`two builds of ${l.version} disagree: ${f}`);
  layouts[l.version] = l;
}
const sorted = Object.fromEntries(Object.entries(layouts).sort(([a], [b]) => Number(a.split('.')[1]) - Number(b.split('.')[1])));
fs.writeFileSync(out, JSON.stringify(sorted, null, 2) + '\n');
console.error(`wrote ${out}: ${Object.keys(sorted).join(', ')}`);
JS

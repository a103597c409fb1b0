#!/usr/bin/env bash
# Refresh the vendored chart libraries in book/assets/vendor from the npm registry.
# Run by hand (`make vendor`) when bumping versions; the build itself never fetches anything.
# Versions match what Altair 6 emits (vega 6, vega-embed 7). Vega-Lite specs are compiled to Vega at
# build time by vl-convert (sentaway/present/charts.py), so the pages do not need the Vega-Lite compiler.
set -euo pipefail
cd "$(dirname "$0")/.."
out=book/assets/vendor
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for pkg in vega@6.4.0 vega-embed@7.3.0 vega-interpreter@2.3.2; do
  (cd "$tmp" && npm pack --silent "$pkg" >/dev/null)
done
for tgz in "$tmp"/*.tgz; do tar xzf "$tgz" -C "$tmp" && mv "$tmp/package" "${tgz%.tgz}"; done
for name in vega vega-embed; do
  # The source-map comment would make a browser's devtools ask for a file we do not ship.
  sed '/^\/\/# sourceMappingURL=/d' "$tmp"/$name-[0-9]*/build/$name.min.js > "$out/$name.min.js"
done
# vega-interpreter evaluates chart expressions without eval(), so the site's Content-Security-Policy needs no
# 'unsafe-eval'. It ships only as an ES module importing vega-util, whose functions the vega bundle exposes:
# wrap it as a classic script that reads them from window.vega and adds vega.expressionInterpreter.
{
  echo "// vega-interpreter 2.3.2 (npm registry), wrapped by scripts/vendor-js.sh as a classic script."
  echo "(function (vega) {"
  sed -e 's/^import { \(.*\) } from .vega-util.;$/const { \1 } = vega;/' \
      -e 's/^export { expression as expressionInterpreter };$/vega.expressionInterpreter = expression;/' \
      -e '/^\/\/# sourceMappingURL=/d' "$tmp"/vega-interpreter-[0-9]*/build/vega-interpreter.js
  echo "})(window.vega);"
} > "$out/vega-interpreter.js"
if grep -qE '^(import|export) ' "$out/vega-interpreter.js"; then echo "vega-interpreter: module syntax left" >&2; exit 1; fi
(cd "$out" && sha256sum vega.min.js vega-embed.min.js vega-interpreter.js > SHA256SUMS)
echo "vendored into $out:"; cat "$out/SHA256SUMS"

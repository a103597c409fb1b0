#!/usr/bin/env bash
# Refresh the vendored chart libraries in book/assets/vendor from the npm registry.
# Run by hand (`make vendor`) when bumping versions; the build itself never fetches anything.
# Versions match what Altair 6 emits (vega 6, vega-lite 6.4.1, vega-embed 7).
set -euo pipefail
cd "$(dirname "$0")/.."
out=book/assets/vendor
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for pkg in vega@6.4.0 vega-lite@6.4.1 vega-embed@7.3.0; do
  (cd "$tmp" && npm pack --silent "$pkg" >/dev/null)
done
for tgz in "$tmp"/*.tgz; do tar xzf "$tgz" -C "$tmp" && mv "$tmp/package" "${tgz%.tgz}"; done
for name in vega vega-lite vega-embed; do
  # The source-map comment would make a browser's devtools ask for a file we do not ship.
  sed '/^\/\/# sourceMappingURL=/d' "$tmp"/$name-[0-9]*/build/$name.min.js > "$out/$name.min.js"
done
(cd "$out" && sha256sum vega.min.js vega-lite.min.js vega-embed.min.js > SHA256SUMS)
echo "vendored into $out:"; cat "$out/SHA256SUMS"

#!/usr/bin/env bash
# Regenerates integration/tests/fixtures/api-client-0.81.0-operations.json from the npm tarball of
# @umami/api-client 0.81.0 (MIT): the operations table of its dist/index.js, facts only
# (operationId, method, path, path and query parameter names, whether it takes a body).
#
# Usage: scripts/api-client-operations.sh   (needs npm and node)
set -euo pipefail
VERSION=0.81.0
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/integration/tests/fixtures/api-client-$VERSION-operations.json"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
(cd "$WORK" && npm pack --silent "@umami/api-client@$VERSION" >/dev/null && tar xzf "umami-api-client-$VERSION.tgz")
node --input-type=module - "$WORK/package/dist/index.js" "$OUT" "$VERSION" <<'JS'
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
const [file, out, version] = process.argv.slice(2);
const mod = await import(pathToFileURL(file).href);
const ops = Object.values(mod.operations)
  .map((o) => ({
    operationId: o.operationId,
    method: o.method.toUpperCase(),
    path: o.path,
    pathParams: [...o.pathParams],
    queryParams: [...o.queryParams],
    hasBody: Boolean(o.hasBody),
  }))
  .sort((a, b) => a.operationId.localeCompare(b.operationId));
const doc = {
  source: `@umami/api-client@${version} dist/index.js (operations table)`,
  apiVersion: mod.API_VERSION,
  operations: ops,
};
writeFileSync(out, JSON.stringify(doc, null, 2) + "\n");
console.log(`${ops.length} operations -> ${out}`);
JS

#!/usr/bin/env python3
"""Counts the runtime crate's public surface from rustdoc's JSON.

    RUSTC_BOOTSTRAP=1 RUSTDOCFLAGS="-Z unstable-options --output-format json" \
        cargo doc -p umami-analytics --all-features --no-deps
    python3 scripts/public-surface.py target/doc/umami.json

Walks every public module and `pub use` from the crate root (globs included, `#[doc(hidden)]`
items left out) and prints: the public items (each counted once), the inherent methods of
`Client`, the items reachable at more than one path (listed), and the methods of each public
type with more than 40.
"""

import json
import sys
from collections import defaultdict


def main(path):
    doc = json.load(open(path))
    index = {str(k): v for k, v in doc["index"].items()}
    paths = defaultdict(set)

    def hidden(item):
        return any("doc(hidden)" in str(a) for a in item.get("attrs", []))

    def walk(module_id, prefix, seen):
        if module_id in seen:
            return
        seen = seen | {module_id}
        module = index[module_id]["inner"]["module"]
        for child_id in map(str, module["items"]):
            item = index.get(child_id)
            if item is None or item.get("visibility") != "public" or hidden(item):
                continue
            inner = item["inner"]
            if "use" in inner:
                use = inner["use"]
                target = use.get("id")
                if target is None or str(target) not in index:
                    continue  # another crate's item
                target = str(target)
                if hidden(index[target]):
                    continue
                if use["is_glob"]:
                    if "module" in index[target]["inner"]:
                        walk(target, prefix, seen)
                    continue
                name = use["name"]
                paths[target].add(f"{prefix}::{name}")
                if "module" in index[target]["inner"]:
                    walk(target, f"{prefix}::{name}", seen)
                continue
            name = item.get("name")
            if name is None:
                continue
            paths[child_id].add(f"{prefix}::{name}")
            if "module" in inner:
                walk(child_id, f"{prefix}::{name}", seen)

    walk(str(doc["root"]), "umami", frozenset())

    def inherent_methods(type_id):
        inner = index[type_id]["inner"]
        kind = next(iter(inner))
        impls = inner[kind].get("impls", [])
        count = 0
        for impl_id in map(str, impls):
            impl = index[impl_id]["inner"]["impl"]
            if impl.get("trait") is not None:
                continue
            for item_id in map(str, impl["items"]):
                item = index[item_id]
                if item.get("visibility") == "public" and "function" in item["inner"]:
                    if not hidden(item):
                        count += 1
        return count

    print(f"public items: {len(paths)}")
    client = [i for i, p in paths.items() if "umami::Client" in p]
    print(f"Client methods: {inherent_methods(client[0]) if client else '?'}")
    multi = {i: p for i, p in paths.items() if len(p) > 1}
    print(f"items at more than one path: {len(multi)}")
    for p in sorted(sorted(p) for p in multi.values()):
        print("   ", " = ".join(p))
    for item_id, item_paths in sorted(paths.items(), key=lambda kv: min(kv[1])):
        kind = next(iter(index[item_id]["inner"]))
        if kind in ("struct", "enum"):
            n = inherent_methods(item_id)
            if n > 40:
                print(f"more than 40 methods: {min(item_paths)} ({n})")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "target/doc/umami.json")

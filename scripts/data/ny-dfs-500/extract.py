#!/usr/bin/env python3
"""One-off extraction (needs PyYAML): reduce the CISO Assistant packaging of 23 NYCRR Part 500
as amended by the Second Amendment (intuitem/ciso-assistant-community,
backend/library/libraries/dfs-500-2023-11.yaml) to what scripts/gen-ny-dfs-500.py reads:
every numbered unit of the regulation with its citation in the regulation's own form
(`500.12(a)(1)`), its caption where the regulation gives one, and its text. Unnumbered
paragraphs (a section's opening sentences) are kept as the section's `intro`.

The text is the New York State regulation's (a government edict, free of copyright).

Usage: python3 extract.py dfs-500-2023-11.yaml COMMIT > part500.json
"""
import json
import sys

import yaml

lib = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
nodes = lib["objects"]["framework"]["requirement_nodes"]


def cite(ref: str) -> str:
    # "500.12.a.1" -> "500.12(a)(1)"
    parts = ref.split(".")
    return ".".join(parts[:2]) + "".join(f"({p})" for p in parts[2:])


units = []
for n in nodes:
    text = " ".join((n.get("description") or "").split())
    ref = n.get("ref_id")
    if ref is None:
        # An unnumbered paragraph belongs to the last section.
        section = next(u for u in reversed(units) if u["id"].count(".") == 1 and "(" not in u["id"])
        section.setdefault("intro", []).append(text)
        continue
    units.append({
        "id": cite(str(ref)),
        "caption": " ".join((n.get("name") or "").split()),
        "text": text,
    })

json.dump({
    "library": lib["urn"],
    "library_version": lib["version"],
    "packaging": {"repository": "intuitem/ciso-assistant-community", "commit": sys.argv[2],
                  "path": "backend/library/libraries/dfs-500-2023-11.yaml"},
    "units": units,
}, sys.stdout, ensure_ascii=False, indent=1)
sys.stdout.write("\n")

#!/usr/bin/env python3
"""One-off extraction: reduce CIS's own CIS Controls Assessment Specification (the v8 edition,
a checkout of CISecurity/ControlsAssessmentSpecification) to the facts
scripts/gen-cis-controls-v8.py reads: the safeguard numbers of each control (from each
control's index.rst table of contents, which lists exactly the v8 safeguards) and, per
safeguard, the asset type, security function and implementation groups of its table.

No CIS text is kept (the CIS Controls are CC BY-NC-ND 4.0): numbers and the three
classification columns only. Values are kept as CIS wrote them, errors included; the
generator applies and documents its corrections.

Usage: python3 extract.py CHECKOUT_DIR COMMIT > safeguards.json   (standard library only)
"""
import json
import re
import sys
from pathlib import Path

root = Path(sys.argv[1])
commit = sys.argv[2]


def read(p: Path) -> str:
    # A few files are Windows-1252 with CRLF line ends.
    raw = p.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    return text.replace("\r\n", "\n").replace("\r", "\n")


controls = []
for n in range(1, 19):
    index = read(root / f"control-{n}" / "index.rst")
    # The link target names the safeguard (one entry's label lacks its colon).
    ids = re.findall(rf"^\s+{n}\.\d+:? .*<control-({n}\.\d+)>\s*$", index, re.M)
    safeguards = []
    for sid in ids:
        text = read(root / f"control-{n}" / f"control-{sid}.rst")
        m = re.search(
            r"\* - Asset Type[ \t]*\n\s+- Security Function[ \t]*\n\s+- Implementation Groups[ \t]*\n"
            r"\s+\* - (.*)\n\s+- (.*)\n\s+- (.*)\n",
            text,
        )
        if not m:
            raise SystemExit(f"{sid}: no classification table")
        asset, function, groups = (v.strip() for v in m.groups())
        safeguards.append({
            "id": sid,
            "asset_type": asset,
            "security_function": function,
            "implementation_groups": [int(g) for g in groups.split(",")],
        })
    controls.append({"id": str(n), "safeguards": safeguards})

json.dump({
    "source": {
        "repository": "CISecurity/ControlsAssessmentSpecification",
        "commit": commit,
        "edition": "CIS Controls v8 Assessment Specification",
    },
    "controls": controls,
}, sys.stdout, ensure_ascii=False, indent=1)
sys.stdout.write("\n")

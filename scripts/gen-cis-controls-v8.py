#!/usr/bin/env python3
"""Generate the CIS Critical Security Controls v8 catalog and its three Implementation Group
profiles.

Inputs (scripts/data/cis-controls-v8/, see the README there):
  safeguards.json  the safeguard numbers and the asset type / security function /
                   implementation groups of each, reduced by extract.py from CIS's own
                   CIS Controls Assessment Specification (v8 edition);
  titles.tsv       the titles, in our own words (CIS's text is CC BY-NC-ND 4.0).
Outputs: frameworks/cis-controls-v8.yaml (18 controls as headings, 153 safeguards) and
frameworks/cis-controls-v8-ig1.yaml, -ig2.yaml, -ig3.yaml (profiles over it).

The script checks the data against the CIS Controls v8 publication's own numbers before it
writes anything: 18 controls with 5, 7, 14, 12, 6, 8, 7, 12, 7, 7, 5, 8, 11, 9, 7, 14, 9, 5
safeguards numbered n.1…n.k; Implementation Groups of 56, 130 and 153 safeguards, each
group containing the one before. Two safeguard tables of the Assessment Specification are
wrong (they would make IG1 58 safeguards); CORRECTIONS below names them and why.

Usage:
  python3 scripts/gen-cis-controls-v8.py          write the YAML files
  python3 scripts/gen-cis-controls-v8.py --check  exit 1 if a committed file differs

Python standard library only.
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "scripts" / "data" / "cis-controls-v8"
OUT = ROOT / "frameworks"

# Safeguards per control in CIS Controls v8 (May 2021; v8.1 of June 2024 kept the numbers).
COUNTS = [5, 7, 14, 12, 6, 8, 7, 12, 7, 7, 5, 8, 11, 9, 7, 14, 9, 5]
# Implementation Group sizes stated by CIS: IG1 56, IG2 130 (IG1 + 74), IG3 153 (all).
IG_SIZES = {1: 56, 2: 130, 3: 153}
# Where the Assessment Specification's table disagrees with the publication (see the
# README): as printed, IG1 would hold 58 safeguards, not 56. 17.9's table is the one of the
# v7.1 sub-control 17.9 (IG1), left unchanged when the text was rewritten for v8; 14.9's was
# set to "1, 2, 3" in that rewrite, where v8 makes role-specific training IG2 (IG1 is
# 14.1-14.8). With both corrected, every total below holds.
CORRECTIONS = {
    "14.9": ([2, 3], "role-specific training is IG2 in v8"),
    "17.9": ([3], "incident thresholds are IG3 in v8"),
}
FUNCTIONS = {"Identify", "Protect", "Detect", "Respond", "Recover"}
ASSETS = {"Devices", "Applications", "Data", "Network", "Users"}


def q(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def entry(fields: list) -> str:
    return "  - { " + ", ".join(fields) + " }"


def load():
    d = json.loads((DATA / "safeguards.json").read_text(encoding="utf-8"))
    controls = d["controls"]
    if [c["id"] for c in controls] != [str(n) for n in range(1, 19)]:
        raise SystemExit("expected controls 1…18")
    for n, (c, k) in enumerate(zip(controls, COUNTS), start=1):
        ids = [s["id"] for s in c["safeguards"]]
        if ids != [f"{n}.{i}" for i in range(1, k + 1)]:
            raise SystemExit(f"control {n}: expected {n}.1…{n}.{k}, got {ids}")
    safeguards = [s for c in controls for s in c["safeguards"]]
    for s in safeguards:
        fixed = CORRECTIONS.get(s["id"])
        if fixed:
            if s["implementation_groups"] == fixed[0]:
                raise SystemExit(f"{s['id']}: the source now agrees; remove the correction")
            s["implementation_groups"] = fixed[0]
        if s["implementation_groups"] not in ([1, 2, 3], [2, 3], [3]):
            raise SystemExit(f"{s['id']}: implementation groups {s['implementation_groups']}")
    for g, n in IG_SIZES.items():
        got = sum(1 for s in safeguards if g in s["implementation_groups"])
        if got != n:
            raise SystemExit(f"IG{g} has {got} safeguards, CIS publishes {n}")
    titles = {}
    for line in (DATA / "titles.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        key, title = line.split("\t")
        titles[key] = title
    want = [c["id"] for c in controls] + [s["id"] for s in safeguards]
    if sorted(titles) != sorted(want):
        raise SystemExit("titles.tsv does not name exactly the 18 controls and 153 safeguards")
    return d, controls, titles


HEADER = [
    "# Data: scripts/data/cis-controls-v8/safeguards.json, reduced from CIS's own CIS Controls",
    "# Assessment Specification (CISecurity/ControlsAssessmentSpecification, v8 edition,",
    "# commit {commit}).",
    "# Titles: scripts/data/cis-controls-v8/titles.tsv, in our own words (CIS's text is",
    "# CC BY-NC-ND 4.0 and is not reproduced). Numbering and Implementation Groups are",
    "# CIS Controls v8 (May 2021); v8.1 (June 2024) kept the same 153 safeguard numbers.",
    "# Checked: 18 controls with CIS's per-control counts, safeguards n.1…n.k, Implementation",
    "# Groups of 56 / 130 / 153 safeguards. The Assessment Specification marks 14.9 and 17.9 IG1",
    "# (17.9's table is left from v7.1), which would make IG1 58; they are v8's IG2 and IG3.",
]


def catalog(d, controls, titles) -> str:
    lines = [
        "# CIS Critical Security Controls v8 — generated by scripts/gen-cis-controls-v8.py; do not edit by hand.",
        *(h.format(commit=d["source"]["commit"]) for h in HEADER),
        "# note = the Implementation Groups, asset type and security function CIS gives each safeguard.",
        "id: cis-controls-v8",
        'name: "CIS Critical Security Controls"',
        'version: "v8"',
        "aliases: [cis-controls, cis-csc, cis-v8]",
        'source: "CIS Critical Security Controls Version 8 (Center for Internet Security, May 2021); IDs and Implementation Groups from CIS\'s CIS Controls Assessment Specification (v8), checked against the publication\'s totals"',
        "controls:",
    ]
    for c in controls:
        cid = c["id"]
        lines.append(entry([f"id: {q(cid)}", f"title: {q(titles[cid])}", "assessable: false"]))
        for s in c["safeguards"]:
            groups = ", ".join(f"IG{g}" for g in s["implementation_groups"])
            facts = [v for v in (s["asset_type"], s["security_function"]) if v in ASSETS | FUNCTIONS]
            lines.append(entry([
                f"id: {q(s['id'])}",
                f"title: {q(titles[s['id']])}",
                f"parent: {q(cid)}",
                f"category: {q(titles[cid])}",
                f"note: {q('; '.join([groups] + facts))}",
            ]))
    return "\n".join(lines) + "\n"


def profile(g: int, d, controls, titles) -> str:
    ids = [s["id"] for c in controls for s in c["safeguards"] if g in s["implementation_groups"]]
    desc = {
        1: "essential cyber hygiene",
        2: "IG1 and the safeguards for enterprises with more resources and risk",
        3: "every safeguard",
    }[g]
    lines = [
        f"# CIS Controls v8 Implementation Group {g} — generated by scripts/gen-cis-controls-v8.py; do not edit by hand.",
        *(h.format(commit=d["source"]["commit"]) for h in HEADER),
        f"# {len(ids)} safeguards ({desc}). A tag on cis-controls-v8 counts here.",
        f"id: cis-controls-v8-ig{g}",
        f'name: "CIS Controls Implementation Group {g}"',
        'version: "v8"',
        f"aliases: [cis-ig{g}, cis-v8-ig{g}]",
        f'source: "CIS Critical Security Controls Version 8, Implementation Group {g} ({len(ids)} safeguards)"',
        "based_on: cis-controls-v8",
        "include:",
    ]
    lines += [f"  - {q(i)}" for i in ids]
    return "\n".join(lines) + "\n"


def main() -> int:
    check = "--check" in sys.argv[1:]
    d, controls, titles = load()
    files = [("cis-controls-v8.yaml", catalog(d, controls, titles))]
    files += [(f"cis-controls-v8-ig{g}.yaml", profile(g, d, controls, titles)) for g in (1, 2, 3)]
    stale = []
    for name, text in files:
        out = OUT / name
        if check:
            if not out.exists() or out.read_text(encoding="utf-8") != text:
                stale.append(f"frameworks/{name}")
        else:
            out.write_text(text, encoding="utf-8")
    if stale:
        print("out of date (re-run scripts/gen-cis-controls-v8.py): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

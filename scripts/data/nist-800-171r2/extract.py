#!/usr/bin/env python3
"""One-off extraction (needs PyYAML): reduce the CISO Assistant packagings of NIST SP 800-171
Rev. 2 and CMMC 2.0 to the fields scripts/gen-nist-800-171r2.py reads.

Usage: python3 extract.py NIST_800_171_REV2_YAML CMMC_2_0_YAML > sp800-171r2-cmmc.json
"""
import json
import re
import sys

import yaml

rev2 = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
cmmc = yaml.safe_load(open(sys.argv[2], encoding="utf-8"))

families = []
reqs = []
family = None
for n in rev2["objects"]["framework"]["requirement_nodes"]:
    if n["depth"] == 1:
        family = n["name"]
        families.append(family)
    elif n["depth"] == 2:
        reqs.append({"id": str(n["ref_id"]), "family": family, "text": " ".join(n["description"].split())})

practices = []
for n in cmmc["objects"]["framework"]["requirement_nodes"]:
    if n.get("depth") != 2:
        continue
    desc = n.get("description") or ""
    far = re.search(r"52\.204-21 (?:Partial )?(b\.1\.[ivx]+)", desc)
    nist = re.search(r"NIST SP 800-171 Rev 2 (3\.\d+\.\d+)", desc)
    practices.append({
        "id": n["ref_id"],
        "name": n["name"],
        "levels": n.get("implementation_groups", []),
        "far": far.group(1) if far else None,
        "nist": nist.group(1) if nist else None,
        "text": " ".join(desc.split("\n")[0].split()),
    })

json.dump({
    "nist_800_171r2": {"library": rev2["urn"], "version": rev2["version"], "families": families, "requirements": reqs},
    "cmmc_2_0": {"library": cmmc["urn"], "version": cmmc["version"], "practices": practices},
}, sys.stdout, ensure_ascii=False, indent=1)
sys.stdout.write("\n")

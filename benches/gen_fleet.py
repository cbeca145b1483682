#!/usr/bin/env python3
"""Generate a large, realistic Vigo stacks repository for the scale benchmark.

    benches/gen_fleet.py OUT_DIR [--envoys 100000] [--configcrates 2000] [--seed 7]

The fleet looks like a real one: envoys are matched by hostname globs in an envoy tree
of regions and environments, get configcrates through roles and common.vgo, a fifth of
them carry a server-resolved configcrate list (which makes many distinct assignment
groups), Connwaer results cover half the fleet (some stale, some failing), and waivers
sit at several directory levels. Control IDs are sampled from the built-in catalogs.
"""
import argparse
import json
import os
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORKS = ["hipaa", "soc2", "pci-dss", "nist-800-53", "iso-27001", "iso-27001-2022", "cis-ubuntu", "hitrust"]
CAPS = ["time-sync", "audit-trail", "encryption-at-rest", "encryption-in-transit", "mfa", "fim",
        "host-firewall", "malware-protection", "patch-management", "ssh-hardening", "ufw", "chrony"]
REGIONS = ["us-east", "us-west", "eu-central", "eu-west", "ap-south"]
ENVS = ["production", "staging"]
TIERS = ["web", "app", "api", "db", "cache", "queue", "worker", "batch", "cde", "bastion"]


def assessable_ids(fw):
    ids = []
    for line in (ROOT / "frameworks" / f"{fw}.yaml").read_text().splitlines():
        m = re.search(r'\{ id: "([^"]+)"', line)
        if m and "assessable: false" not in line and "withdrawn: true" not in line:
            ids.append(m.group(1))
    return ids


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--envoys", type=int, default=100_000)
    ap.add_argument("--configcrates", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    out = Path(a.out)
    stacks = out / "stacks"
    ids = {fw: assessable_ids(fw) for fw in FRAMEWORKS}

    crates = [f"crate-{i:04d}" for i in range(a.configcrates)]
    for i, name in enumerate(crates):
        comp = {}
        for fw in rnd.sample(FRAMEWORKS, rnd.randint(1, 4)):
            comp[fw] = rnd.sample(ids[fw], min(len(ids[fw]), rnd.randint(1, 12)))
        body = [f"name: {name}", "compliance:"]
        body += [f"  {fw}: {json.dumps(v)}" for fw, v in comp.items()]
        if rnd.random() < 0.2:
            body.append(f"provides: {json.dumps(rnd.sample(CAPS, 2))}")
        body += ["resources:", f"  - package: pkg-{i}", f"  - service: svc-{i}"]
        write(stacks / "configcrates" / f"group-{i % 40:02d}" / f"{name}.vgo", "\n".join(body) + "\n")

    roles = {}
    for t in TIERS:
        for k in range(10):
            roles[f"{t}-{k}"] = rnd.sample(crates, rnd.randint(5, 25))
    lines = ["roles:"]
    for r, cs in roles.items():
        lines.append(f"  {r}:")
        lines.append(f"    configcrates: {json.dumps(cs)}")
        if r.endswith("-0"):
            lines.append("    includes: [bastion-1]" if not r.startswith("bastion") else "    includes: []")
    write(stacks / "roles.vgo", "\n".join(lines) + "\n")
    write(stacks / "common.vgo", f"configcrates: {json.dumps(crates[:15])}\nlabels: {{ managed: true }}\n")

    for env in ENVS:
        write(stacks / env / "common.vgo", f"configcrates: {json.dumps(rnd.sample(crates, 5))}\nlabels: {{ env: {env} }}\n")
        for region in REGIONS:
            blocks = ["envoys:"]
            for t in TIERS:
                for k in range(10):
                    blocks.append(f'  - match: "{t}{k}-{region}-{env[:4]}-*.example.com"')
                    blocks.append(f"    roles: [{t}-{k}]")
                    labels = {"phi": t in ("app", "db", "api"), "cde": t == "cde"}
                    blocks.append(f"    labels: {json.dumps(labels)}")
            write(stacks / env / region / "envoys.vgo", "\n".join(blocks) + "\n")

    def waiver(fw):
        return (f'  - control: "{fw}:{rnd.choice(ids[fw])}"\n    rationale: "generated"\n'
                f'    expires: "{rnd.choice(["2026-01-01", "2026-12-01", "2027-06-01"])}"\n    owner: "ops@example.com"\n')
    write(stacks / "waivers.vgo", "waivers:\n" + "".join(waiver(rnd.choice(FRAMEWORKS)) for _ in range(60)))
    for env in ENVS:
        write(stacks / env / "waivers.vgo", "waivers:\n" + "".join(waiver(rnd.choice(FRAMEWORKS)) for _ in range(20)))

    inv = out / "inventory"
    inv.mkdir(parents=True, exist_ok=True)
    traits = out / "traits"
    traits.mkdir(parents=True, exist_ok=True)
    with open(inv / "fleet.jsonl", "w") as f, open(traits / "connwaer.jsonl", "w") as tf:
        for n in range(a.envoys):
            env = ENVS[n % 2]
            t = TIERS[(n // 2) % len(TIERS)]
            k = (n // 20) % 10
            region = REGIONS[(n // 200) % len(REGIONS)]
            host = f"{t}{k}-{region}-{env[:4]}-{n:06d}.example.com"
            rec = {"hostname": host, "last_converged": f"2026-11-{rnd.randint(20, 22)}T{rnd.randint(0, 11):02d}:00:00Z",
                   "status": "converged" if rnd.random() > 0.01 else "failed"}
            if rnd.random() < 0.2:
                rec["configcrates"] = sorted(set(roles[f"{t}-{k}"] + [rnd.choice(crates)]))
            if rnd.random() < 0.001:
                rec["revoked"] = True
            f.write(json.dumps(rec) + "\n")
            if n % 2 == 0:
                cap = rnd.choice(CAPS)
                hours = rnd.choice([1, 5, 12, 30])
                tf.write(json.dumps({"envoy": host, "capability": cap, "status": "pass" if rnd.random() > 0.05 else "fail",
                                     "checked_at": f"2026-11-{22 if hours < 12 else 21}T{(12 - hours) % 24:02d}:00:00Z"}) + "\n")
    write(out / "vigocli.toml", "[frameworks.hipaa]\nscope = { phi = true }\n[frameworks.pci-dss]\nscope = { cde = true }\n")
    print(f"generated {a.envoys} envoys, {a.configcrates} configcrates in {out}")


if __name__ == "__main__":
    main()

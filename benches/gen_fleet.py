#!/usr/bin/env python3
"""Generate a large, realistic Vigo stacks repository for the scale benchmark.

    benches/gen_fleet.py OUT_DIR [--envoys 100000] [--configcrates 2000] [--seed 7]
                         [--evidence 5000 [--evidence-files 2000] [--evidence-kib 64]]
                         [--results 200000] [--waivers 10000 [--waiver-globs mixed|star|plain]]

The fleet looks like a real one: envoys are matched by hostname globs in an envoy tree
of regions and environments, get configcrates through roles and common.vgo, a fifth of
them carry a server-resolved configcrate list (which makes many distinct assignment
groups), Connwaer results cover half the fleet (some stale, some failing), and waivers
sit at several directory levels. Control IDs are sampled from the built-in catalogs.

With --evidence N, N evidence records (evidence/records-*.yaml) over --evidence-files
documents of --evidence-kib KiB each (evidence/files/) are added; the fleet itself is
the same with or without them (they draw from their own random stream). Half of the
records name controls of nist-800-53 (the framework the benchmark reports on), the rest
controls of the other catalogs; they apply fleet-wide, by label, by hostname glob, or by
both; most are accepted with the document's right hash, and some are changed (a wrong
hash), expiring, expired, pending or rejected.
"""
import argparse
import hashlib
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
    ap.add_argument("--evidence", type=int, default=0, help="evidence records to add (0: none)")
    ap.add_argument("--evidence-files", type=int, default=2000)
    ap.add_argument("--evidence-kib", type=int, default=64)
    ap.add_argument("--results", type=int, default=0,
                    help="Connwaer results in all (0: one for every second envoy, as before)")
    ap.add_argument("--waivers", type=int, default=0, help="extra glob-scoped waivers (0: none)")
    ap.add_argument("--waiver-globs", choices=["mixed", "star", "plain"], default="mixed")
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
            if n % 2 == 0 and not a.results:
                cap = rnd.choice(CAPS)
                hours = rnd.choice([1, 5, 12, 30])
                tf.write(json.dumps({"envoy": host, "capability": cap, "status": "pass" if rnd.random() > 0.05 else "fail",
                                     "checked_at": f"2026-11-{22 if hours < 12 else 21}T{(12 - hours) % 24:02d}:00:00Z"}) + "\n")
    if a.results:
        results(traits / "connwaer.jsonl", a.envoys, a.results, random.Random(a.seed + 2))
    if a.waivers:
        waivers(stacks / "waivers.vgo", ids, a.waivers, a.waiver_globs, random.Random(a.seed + 3))
    write(out / "vigocli.toml", "[frameworks.hipaa]\nscope = { phi = true }\n[frameworks.pci-dss]\nscope = { cde = true }\n")
    print(f"generated {a.envoys} envoys, {a.configcrates} configcrates in {out}")
    if a.evidence:
        evidence(out, ids, a.evidence, a.evidence_files, a.evidence_kib, random.Random(a.seed + 1))


def hostname(n):
    env = ENVS[n % 2]
    return (f"{TIERS[(n // 2) % len(TIERS)]}{(n // 20) % 10}-{REGIONS[(n // 200) % len(REGIONS)]}"
            f"-{env[:4]}-{n:06d}.example.com")


RESULTS_PER_FILE = 500_000


def results(path, envoys, count, rnd):
    """`count` Connwaer results over the fleet (several per envoy when count > envoys), in
    files of at most RESULTS_PER_FILE lines (`connwaer-01.jsonl`, … beyond the first), so
    that no input file passes vigocli's 256 MiB limit."""
    tf = open(path, "w")
    for i in range(count):
        if i and i % RESULTS_PER_FILE == 0:
            tf.close()
            tf = open(path.with_name(f"{path.stem}-{i // RESULTS_PER_FILE:02d}.jsonl"), "w")
        hours = rnd.choice([1, 5, 12, 30])
        tf.write(json.dumps({"envoy": hostname(i % envoys), "capability": CAPS[(i // envoys) % len(CAPS)],
                             "status": "pass" if rnd.random() > 0.05 else "fail",
                             "checked_at": f"2026-11-{22 if hours < 12 else 21}T{(12 - hours) % 24:02d}:00:00Z"}) + "\n")
    tf.close()


def waivers(path, ids, count, kind, rnd):
    """Appends `count` waivers to the root waivers.vgo: `plain` ones apply fleet-wide, `star`
    ones carry `envoys: "*"`, `mixed` ones a mix of `*`, prefix/suffix globs, `**`, character
    classes and alternatives, some with a label filter too."""
    labels = ["{ phi: true }", "{ env: production }", "{ env: staging }", "{ cde: true }"]
    lines = []
    for i in range(count):
        fw = rnd.choice(FRAMEWORKS)
        lines += [f'  - control: "{fw}:{rnd.choice(ids[fw])}"', '    rationale: "generated"',
                  f'    expires: "{rnd.choice(["2026-12-01", "2027-06-01"])}"', '    owner: "ops@example.com"']
        if kind == "star":
            lines.append('    envoys: "*"')
        elif kind == "mixed":
            t, r = rnd.choice(TIERS), rnd.choice(REGIONS)
            glob = rnd.choice(["*", f"{t}*", f"**/{t}{rnd.randrange(10)}-*", f"{t}[0-4]-{r}-*",
                               f"*-{r}-prod-*", f"{t}?-*-{{prod,stag}}-*", f"*-{rnd.randrange(100000):06d}.example.com"])
            lines.append(f'    envoys: "{glob}"')
            if rnd.random() < 0.3:
                lines.append(f"    labels: {rnd.choice(labels)}")
    with open(path, "a") as f:
        f.write("\n".join(lines) + "\n")


def evidence(out, ids, records, files, kib, rnd):
    """Evidence records over documents, drawn from `rnd` alone."""
    docs = out / "evidence" / "files"
    docs.mkdir(parents=True, exist_ok=True)
    digests = []
    for i in range(files):
        body = rnd.randbytes(kib * 1024)
        (docs / f"doc-{i:04d}.pdf").write_bytes(body)
        digests.append(hashlib.sha256(body).hexdigest())
    labels = ["{ phi: true }", "{ env: production }", "{ env: staging }", "{ cde: true }", "{ managed: true }"]
    others = [fw for fw in FRAMEWORKS if fw != "nist-800-53"]
    per_file = 500
    for part in range(0, records, per_file):
        lines = ["evidence:"]
        for n in range(part, min(records, part + per_file)):
            fw = "nist-800-53" if n % 2 == 0 else rnd.choice(others)
            controls = [f"{fw}:{c}" for c in rnd.sample(ids[fw], min(len(ids[fw]), rnd.randint(1, 3)))]
            doc = rnd.randrange(files)
            roll = rnd.random()
            collected = f"2026-{rnd.randint(1, 9):02d}-{rnd.randint(1, 28):02d}"
            expires = rnd.choice(["2027-03-01", "2027-06-30", "2027-11-01"])
            if roll < 0.03:
                collected, expires = "2025-06-30", "2026-06-30"     # expired
            elif roll < 0.06:
                expires = "2026-12-10"                              # expiring within 30 days
            lines += [f"  - id: ev-{n:05d}", f'    title: "Evidence {n}"', f"    controls: {json.dumps(controls)}",
                      "    kind: file", f"    path: evidence/files/doc-{doc:04d}.pdf",
                      f"    collected: {collected}", f"    expires: {expires}", '    owner: "grc@example.com"']
            if roll < 0.85:
                lines += ["    status: accepted", '    reviewed_by: "auditor@example.com"', "    reviewed_at: 2026-10-01",
                          f'    sha256: "{digests[doc]}"']
            elif roll < 0.90:                                       # changed after review
                lines += ["    status: accepted", '    reviewed_by: "auditor@example.com"', "    reviewed_at: 2026-10-01",
                          f'    sha256: "{hashlib.sha256(str(n).encode()).hexdigest()}"']
            elif roll < 0.96:
                lines.append("    status: pending_review")
            else:
                lines += ["    status: rejected", '    reviewed_by: "auditor@example.com"', "    reviewed_at: 2026-10-01"]
            f = rnd.random()
            if f < 0.3:
                pass                                                # fleet-wide
            elif f < 0.6:
                lines.append(f"    labels: {rnd.choice(labels)}")
            elif f < 0.9:
                t = rnd.choice(TIERS)
                lines.append(f'    envoys: ["{t}{rnd.randrange(10)}-*"]' if rnd.random() < 0.5
                             else f'    envoys: ["{t}*-{rnd.choice(REGIONS)}-*"]')
            else:
                lines.append(f'    envoys: ["{rnd.choice(TIERS)}*"]')
                lines.append(f"    labels: {rnd.choice(labels)}")
        write(out / "evidence" / f"records-{part // per_file:02d}.yaml", "\n".join(lines) + "\n")
    print(f"generated {records} evidence records over {files} documents of {kib} KiB")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Generate the NY DFS 23 NYCRR Part 500 catalog (as amended by the Second Amendment,
effective 1 November 2023).

Input: scripts/data/ny-dfs-500/part500.json, every numbered unit of Part 500 with the
regulation's citation, caption and text, reduced by extract.py beside it (see the README
there). Output: frameworks/ny-dfs-500.yaml.

IDs are the regulation's own citations: sections `500.2`, subdivisions `500.12(a)`,
paragraphs `500.12(a)(1)`, subparagraphs `500.13(a)(1)(i)`. The spellings that tools use
(dotted `500.12.a`, the 2017 style `500.02`) match through vigocli's generic legal-citation
rule, so no per-control aliases are written for them. What counts:

* A requirement counts (assessable) when its text states what a covered entity must do.
* A section or subdivision whose own words only lead into its paragraphs ("each covered
  entity shall:", "test its:") is a heading; so is a section that is only a caption.
  HEADINGS names the lead-ins; a section with opening sentences of its own (500.3, 500.5)
  counts.
* Alternatives are one requirement: 500.17(b)(1)'s two forms of the annual notice
  (certification (i) or acknowledgment (ii), with their clauses) are aliases of 500.17(b)(1).
* Permissions (500.2(d), 500.10(b)) are listed but do not count.
* Definitions (500.1), the introduction and the administrative sections (confidentiality,
  exemptions, enforcement, effective date, transitional periods, severability, exemptions
  from electronic filing) are listed with their subdivisions, do not count, and carry a note;
  their numbered paragraphs are not listed.

Usage:
  python3 scripts/gen-ny-dfs-500.py          write the YAML file
  python3 scripts/gen-ny-dfs-500.py --check  exit 1 if the committed file differs

Python standard library only.
"""
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "scripts" / "data" / "ny-dfs-500" / "part500.json"
OUT = ROOT / "frameworks" / "ny-dfs-500.yaml"

SECTIONS = [f"500.{n}" for n in range(0, 25)]
ADMIN = {
    "500.0": "Introduction: the Department's statement of purpose; sets no requirement",
    "500.1": "Definitions; they set no requirement of their own",
    "500.18": "Administrative: confidentiality of what is filed with the Department; sets no requirement",
    "500.19": "Administrative: who is exempt from which sections; not counted (it concerns only entities that claim an exemption, which then file a notice of exemption under 500.19(f))",
    "500.20": "Administrative: enforcement and penalty factors; sets no requirement of its own",
    "500.21": "Administrative: effective dates",
    "500.22": "Administrative: transitional periods",
    "500.23": "Administrative: severability",
    "500.24": "Administrative: how a filer may ask to be exempted from electronic filing; sets no requirement",
}
HEADINGS = {
    "500.5(a)", "500.6(a)", "500.7(a)", "500.10(a)", "500.14(a)", "500.14(b)",
    "500.16(d)", "500.17(a)", "500.17(b)",
}
ALTERNATIVES = {"500.17(b)(1)"}
PERMISSIONS = {
    "500.2(d)": "Permission (adopt an affiliate's program); sets no requirement of its own",
    "500.10(b)": "Permission (use an affiliate or service provider); sets no requirement of its own",
}
NOTES = {
    "500.2(c)": "Class A companies only",
    "500.4(a)(1)": "Where the CISO is employed by an affiliate or a third-party service provider",
    "500.4(a)(2)": "Where the CISO is employed by an affiliate or a third-party service provider",
    "500.4(a)(3)": "Where the CISO is employed by an affiliate or a third-party service provider",
    "500.7(c)": "Class A companies only",
    "500.7(c)(1)": "Class A companies only",
    "500.7(c)(2)": "Class A companies only",
    "500.12(a)(1)": "The minimum for a covered entity with the limited exemption of 500.19(a)",
    "500.12(a)(2)": "The minimum for a covered entity with the limited exemption of 500.19(a)",
    "500.12(a)(3)": "The minimum for a covered entity with the limited exemption of 500.19(a)",
    "500.12(b)": "Applies where the CISO approves compensating controls",
    "500.14(b)(1)": "Class A companies only, unless the CISO approves compensating controls in writing",
    "500.14(b)(2)": "Class A companies only, unless the CISO approves compensating controls in writing",
    "500.15(b)": "Applies where encryption at rest is infeasible",
    "500.17(b)(1)": "Either a certification of material compliance (500.17(b)(1)(i)) or an acknowledgment of noncompliance (500.17(b)(1)(ii)); both spellings are aliases",
}

# Titles: the regulation's captions where it has them, otherwise a short summary of the
# unit's text (the text is a New York State regulation, free of copyright).
TITLES = {
    "500.0": "Introduction",
    "500.1": "Definitions",
    "500.1(a)": "Definition: affiliate",
    "500.1(b)": "Definition: authorized user",
    "500.1(c)": "Definition: chief information security officer (CISO)",
    "500.1(d)": "Definition: class A company",
    "500.1(e)": "Definition: covered entity",
    "500.1(f)": "Definition: cybersecurity event",
    "500.1(g)": "Definition: cybersecurity incident",
    "500.1(h)": "Definition: independent audit",
    "500.1(i)": "Definition: information system",
    "500.1(j)": "Definition: multi-factor authentication",
    "500.1(k)": "Definition: nonpublic information",
    "500.1(l)": "Definition: penetration testing",
    "500.1(m)": "Definition: person",
    "500.1(n)": "Definition: privileged account",
    "500.1(o)": "Definition: publicly available information",
    "500.1(p)": "Definition: risk assessment",
    "500.1(q)": "Definition: senior governing body",
    "500.1(r)": "Definition: senior officer(s)",
    "500.1(s)": "Definition: third-party service provider(s)",
    "500.2": "Cybersecurity program",
    "500.2(a)": "Maintain a cybersecurity program protecting the confidentiality, integrity and availability of information systems and nonpublic information",
    "500.2(b)": "Base the program on the risk assessment and design it to perform the core cybersecurity functions",
    "500.2(b)(1)": "Identify and assess internal and external cybersecurity risks",
    "500.2(b)(2)": "Protect information systems and nonpublic information with defensive infrastructure, policies and procedures",
    "500.2(b)(3)": "Detect cybersecurity events",
    "500.2(b)(4)": "Respond to cybersecurity events to mitigate their effects",
    "500.2(b)(5)": "Recover from cybersecurity events and restore normal operations",
    "500.2(b)(6)": "Fulfil regulatory reporting obligations",
    "500.2(c)": "Design and conduct independent audits of the cybersecurity program (class A)",
    "500.2(d)": "An affiliate's cybersecurity program may be adopted",
    "500.2(e)": "Make cybersecurity program documentation available to the superintendent on request",
    "500.3": "Cybersecurity policy: written policies approved at least annually, with procedures, addressing the following areas",
    "500.3(a)": "Policy area: information security",
    "500.3(b)": "Policy area: data governance, classification and retention",
    "500.3(c)": "Policy area: asset inventory, device management and end of life management",
    "500.3(d)": "Policy area: access controls, including remote access and identity management",
    "500.3(e)": "Policy area: business continuity and disaster recovery planning and resources",
    "500.3(f)": "Policy area: systems operations and availability",
    "500.3(g)": "Policy area: systems and network security and monitoring",
    "500.3(h)": "Policy area: security awareness and training",
    "500.3(i)": "Policy area: systems and application security, development and quality assurance",
    "500.3(j)": "Policy area: physical security and environmental controls",
    "500.3(k)": "Policy area: customer data privacy",
    "500.3(l)": "Policy area: vendor and third-party service provider management",
    "500.3(m)": "Policy area: risk assessment",
    "500.3(n)": "Policy area: incident response and notification",
    "500.3(o)": "Policy area: vulnerability management",
    "500.4": "Cybersecurity governance",
    "500.4(a)": "Designate a CISO",
    "500.4(a)(1)": "Retain responsibility for compliance when the CISO is outsourced",
    "500.4(a)(2)": "Designate a senior staff member to direct and oversee the outsourced CISO's provider",
    "500.4(a)(3)": "Require the CISO's provider or affiliate to keep a cybersecurity program protecting the covered entity",
    "500.4(b)": "CISO reports in writing at least annually to the senior governing body",
    "500.4(b)(1)": "Report: confidentiality of nonpublic information and integrity and security of information systems",
    "500.4(b)(2)": "Report: cybersecurity policies and procedures",
    "500.4(b)(3)": "Report: material cybersecurity risks",
    "500.4(b)(4)": "Report: overall effectiveness of the cybersecurity program",
    "500.4(b)(5)": "Report: material cybersecurity events in the period",
    "500.4(b)(6)": "Report: plans for remediating material inadequacies",
    "500.4(c)": "CISO reports material cybersecurity issues to the senior governing body or senior officers in a timely way",
    "500.4(d)": "Senior governing body oversees cybersecurity risk management",
    "500.4(d)(1)": "Board has enough cybersecurity understanding to oversee (advisors allowed)",
    "500.4(d)(2)": "Board requires management to develop, implement and maintain the program",
    "500.4(d)(3)": "Board regularly receives and reviews management's cybersecurity reports",
    "500.4(d)(4)": "Board confirms management has allocated sufficient resources",
    "500.5": "Vulnerability management: written policies and procedures, based on the risk assessment",
    "500.5(a)": "Conduct, at a minimum, the following",
    "500.5(a)(1)": "Penetration testing from inside and outside the boundaries, at least annually, by a qualified party",
    "500.5(a)(2)": "Automated vulnerability scans, and manual review of systems the scans miss, at a risk-based frequency and after material changes",
    "500.5(b)": "Monitor for and be promptly informed of new security vulnerabilities",
    "500.5(c)": "Remediate vulnerabilities in a timely way, prioritised by risk",
    "500.6": "Audit trail",
    "500.6(a)": "Securely maintain systems that, as applicable and risk-based, do the following",
    "500.6(a)(1)": "Systems able to reconstruct material financial transactions",
    "500.6(a)(2)": "Audit trails to detect and respond to materially harmful cybersecurity events",
    "500.6(b)": "Keep transaction records five years and audit trail records three years",
    "500.7": "Access privileges and management",
    "500.7(a)": "Based on the risk assessment, do the following",
    "500.7(a)(1)": "Limit user access to nonpublic information to what the job needs",
    "500.7(a)(2)": "Limit the number and access functions of privileged accounts to what the job needs",
    "500.7(a)(3)": "Use privileged accounts only for functions that need them",
    "500.7(a)(4)": "Review all user access at least annually and remove what is no longer needed",
    "500.7(a)(5)": "Disable or securely configure protocols that permit remote control of devices",
    "500.7(a)(6)": "Terminate access promptly after departures",
    "500.7(b)": "Written password policy meeting industry standards, where passwords are used",
    "500.7(c)": "Monitor privileged access activity (class A)",
    "500.7(c)(1)": "Privileged access management solution",
    "500.7(c)(2)": "Automated blocking of commonly used passwords (or CISO-approved compensating controls)",
    "500.8": "Application security",
    "500.8(a)": "Written secure development procedures for in-house applications and security testing of external applications",
    "500.8(b)": "CISO or designee reviews and updates the application security procedures at least annually",
    "500.9": "Risk assessment",
    "500.9(a)": "Conduct a periodic risk assessment that informs the program, reviewed at least annually and on material change",
    "500.9(b)": "Carry out and document the risk assessment under written policies and procedures",
    "500.9(b)(1)": "Criteria for evaluating and categorising cybersecurity risks and threats",
    "500.9(b)(2)": "Criteria for assessing confidentiality, integrity, security and availability and the adequacy of controls",
    "500.9(b)(3)": "How identified risks are mitigated or accepted and addressed by the program",
    "500.10": "Cybersecurity personnel and intelligence",
    "500.10(a)": "In addition to 500.4(a), do the following",
    "500.10(a)(1)": "Use qualified cybersecurity personnel sufficient to manage cybersecurity risk",
    "500.10(a)(2)": "Give cybersecurity personnel updates and training on relevant risks",
    "500.10(a)(3)": "Verify key cybersecurity personnel keep current on threats and countermeasures",
    "500.10(b)": "An affiliate or qualified service provider may assist",
    "500.11": "Third-party service provider security policy",
    "500.11(a)": "Written policies and procedures securing systems and nonpublic information accessible to or held by service providers",
    "500.11(a)(1)": "Identify and risk-assess service providers",
    "500.11(a)(2)": "Minimum cybersecurity practices service providers must meet",
    "500.11(a)(3)": "Due diligence on service providers' cybersecurity practices",
    "500.11(a)(4)": "Periodic risk-based assessment of service providers",
    "500.11(b)": "Guidelines for due diligence and contractual protections with service providers",
    "500.11(b)(1)": "Provider's access controls, including multi-factor authentication",
    "500.11(b)(2)": "Provider's encryption of nonpublic information in transit and at rest",
    "500.11(b)(3)": "Provider's notice to the covered entity of cybersecurity events affecting it",
    "500.11(b)(4)": "Provider's representations and warranties on cybersecurity",
    "500.12": "Multi-factor authentication",
    "500.12(a)": "Multi-factor authentication for any individual accessing any information system",
    "500.12(a)(1)": "Multi-factor authentication for remote access to information systems",
    "500.12(a)(2)": "Multi-factor authentication for remote access to third-party applications with nonpublic information",
    "500.12(a)(3)": "Multi-factor authentication for all privileged accounts (except non-interactive service accounts)",
    "500.12(b)": "CISO-approved compensating controls, reviewed at least annually",
    "500.13": "Asset management and data retention requirements",
    "500.13(a)": "Written policies and procedures for a complete, accurate and documented asset inventory",
    "500.13(a)(1)": "Track key information for each asset",
    "500.13(a)(1)(i)": "Asset owner",
    "500.13(a)(1)(ii)": "Asset location",
    "500.13(a)(1)(iii)": "Asset classification or sensitivity",
    "500.13(a)(1)(iv)": "Asset support expiration date",
    "500.13(a)(1)(v)": "Asset recovery time objectives",
    "500.13(b)": "Securely dispose of nonpublic information no longer needed, periodically",
    "500.13(a)(2)": "Frequency of updating and validating the asset inventory",
    "500.14": "Monitoring and training",
    "500.14(a)": "As part of the program, do the following",
    "500.14(a)(1)": "Monitor authorised users' activity and detect unauthorised access to or tampering with nonpublic information",
    "500.14(a)(2)": "Protect against malicious code, including web and email filtering",
    "500.14(a)(3)": "Cybersecurity awareness training, at least annually, including social engineering",
    "500.14(b)": "Class A companies implement the following",
    "500.14(b)(1)": "Endpoint detection and response",
    "500.14(b)(2)": "Centralised logging and security event alerting",
    "500.15": "Encryption of nonpublic information",
    "500.15(a)": "Written policy requiring industry-standard encryption of nonpublic information in transit over external networks and at rest",
    "500.15(b)": "CISO-approved compensating controls where encryption at rest is infeasible, reviewed at least annually",
    "500.16": "Incident response and business continuity management",
    "500.16(a)": "Written plans to investigate and mitigate cybersecurity events and ensure operational resilience",
    "500.16(a)(1)": "Incident response plan",
    "500.16(a)(1)(i)": "Incident response plan: goals",
    "500.16(a)(1)(ii)": "Incident response plan: internal response processes",
    "500.16(a)(1)(iii)": "Incident response plan: roles, responsibilities and decision authority",
    "500.16(a)(1)(iv)": "Incident response plan: external and internal communications and information sharing",
    "500.16(a)(1)(v)": "Incident response plan: remediation of identified weaknesses",
    "500.16(a)(1)(vi)": "Incident response plan: documentation and reporting",
    "500.16(a)(1)(vii)": "Incident response plan: recovery from backups",
    "500.16(a)(1)(viii)": "Incident response plan: root cause analysis",
    "500.16(a)(1)(ix)": "Incident response plan: updating the plan",
    "500.16(a)(2)": "Business continuity and disaster recovery (BCDR) plan",
    "500.16(a)(2)(i)": "BCDR plan: identify what is essential to continued operations",
    "500.16(a)(2)(ii)": "BCDR plan: supervisory personnel responsible for each part",
    "500.16(a)(2)(iii)": "BCDR plan: communication with essential persons during a disruption",
    "500.16(a)(2)(iv)": "BCDR plan: timely recovery of critical data and systems",
    "500.16(a)(2)(v)": "BCDR plan: backups of essential information stored offsite",
    "500.16(a)(2)(vi)": "BCDR plan: third parties necessary to continued operations",
    "500.16(b)": "Make current plans accessible to the employees who implement them, including during an event",
    "500.16(c)": "Train the employees who implement the plans in their roles",
    "500.16(d)": "Test at least annually",
    "500.16(d)(1)": "Test the incident response and BCDR plans with critical staff and management, and revise them",
    "500.16(d)(2)": "Test restoring critical data and systems from backups",
    "500.16(e)": "Maintain backups needed to restore material operations, protected from alteration or destruction",
    "500.17": "Notices to superintendent",
    "500.17(a)": "Notice of cybersecurity incident",
    "500.17(a)(1)": "Notify the superintendent within 72 hours of determining a cybersecurity incident occurred",
    "500.17(a)(2)": "Provide requested information on the incident and keep the superintendent updated",
    "500.17(b)": "Notice of compliance",
    "500.17(b)(1)": "Submit a certification of compliance or an acknowledgment of noncompliance by April 15 each year",
    "500.17(b)(2)": "File the certification or acknowledgment electronically, signed by the highest-ranking executive and the CISO",
    "500.17(b)(3)": "Keep the records supporting the certification or acknowledgment for five years",
    "500.17(c)": "Notice and explanation of extortion payment",
    "500.17(c)(1)": "Notice of an extortion payment within 24 hours",
    "500.17(c)(2)": "Written explanation of an extortion payment within 30 days",
    "500.18": "Confidentiality",
    "500.19": "Exemptions",
    "500.19(a)": "Limited exemption (small covered entities)",
    "500.19(b)": "Exemption for those covered by another covered entity's program",
    "500.19(c)": "Exemption for entities without information systems or nonpublic information",
    "500.19(d)": "Exemption for certain captive insurance companies",
    "500.19(e)": "Exemption for inactive individual insurance brokers",
    "500.19(f)": "Notice of exemption within 30 days",
    "500.19(g)": "Persons exempt from this Part",
    "500.19(h)": "180 days to comply after ceasing to qualify for an exemption",
    "500.20": "Enforcement",
    "500.20(a)": "Enforcement by the superintendent",
    "500.20(b)": "What constitutes a violation",
    "500.20(c)": "Factors in assessing a penalty",
    "500.21": "Effective date",
    "500.21(a)": "Effective date of this Part",
    "500.21(b)": "Effective date of the second amendment",
    "500.22": "Transitional periods",
    "500.22(a)": "Transitional period",
    "500.22(b)": "Additional transitional periods of the original Part",
    "500.22(c)": "Transitional period of the second amendment",
    "500.22(d)": "Different transitional periods of the second amendment",
    "500.22(e)": "Requirements effective November 1, 2023",
    "500.23": "Severability",
    "500.24": "Exemptions from electronic filing and submission requirements",
    "500.24(a)": "Applying for an exemption from electronic filing",
    "500.24(b)": "Contents of the request",
    "500.24(c)": "Additional information on request",
    "500.24(d)": "Superintendent's written determination",
    "500.24(e)": "Filing in another form once exempted",
}


def q(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def entry(fields: list) -> str:
    return "  - { " + ", ".join(fields) + " }"


def section_of(cid: str) -> str:
    return re.match(r"500\.\d+", cid).group(0)


def parent_of(cid: str):
    m = re.fullmatch(r"(.+)\([a-z0-9]+\)", cid)
    return m.group(1) if m else None


def load():
    d = json.loads(DATA.read_text(encoding="utf-8"))
    units = d["units"]
    ids = [u["id"] for u in units]
    if len(set(ids)) != len(ids):
        raise SystemExit("duplicate citations in the data")
    if [i for i in ids if "(" not in i] != SECTIONS:
        raise SystemExit("expected sections 500.0…500.24")
    for u in units:
        if not re.fullmatch(r"500\.\d+(\([a-z]+\)(\(\d+\)(\([ivx]+\)(\([a-z]\))?)?)?)?", u["id"]):
            raise SystemExit(f"{u['id']}: not a Part 500 citation")
        p = parent_of(u["id"])
        if p is not None and p not in ids:
            raise SystemExit(f"{u['id']}: its parent {p} is missing")
    # Subdivisions run (a), (b), … and paragraphs (1), (2), … without gaps.
    for parent in [None] + ids:
        kids = [i for i in ids if parent_of(i) == parent and parent is not None]
        if not kids:
            continue
        labels = [re.search(r"\(([a-z0-9]+)\)$", k).group(1) for k in kids]
        seqs = [
            [chr(ord("a") + n) for n in range(len(labels))],
            [str(n) for n in range(1, len(labels) + 1)],
            ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"][: len(labels)],
        ]
        if labels not in seqs:
            raise SystemExit(f"{parent}: children {labels} are not consecutive")
    return d, units


def build(d, units) -> str:
    by_id = {u["id"]: u for u in units}
    rows = []
    aliases = {}
    for u in units:
        cid = u["id"]
        sec = section_of(cid)
        depth = cid.count("(")
        if sec in ADMIN and depth > 1:
            continue  # numbered paragraphs of definitions and administrative sections
        owner = next((a for a in ALTERNATIVES if cid.startswith(a + "(")), None)
        if owner:
            aliases.setdefault(owner, []).append(cid)
            continue
        if cid not in TITLES:
            raise SystemExit(f"{cid}: no title")
        fields = [f"id: {q(cid)}", f"title: {q(TITLES[cid])}"]
        parent = parent_of(cid) or (None if cid == sec else sec)
        if parent:
            fields.append(f"parent: {q(parent)}")
        fields.append(f"category: {q(TITLES[sec])}")
        note = None
        if sec in ADMIN:
            fields.append("assessable: false")
            note = ADMIN[sec] if depth == 0 else None
        elif cid in PERMISSIONS:
            fields.append("assessable: false")
            note = PERMISSIONS[cid]
        elif cid in HEADINGS or (depth == 0 and "intro" not in u):
            fields.append("assessable: false")
        note = note or NOTES.get(cid)
        rows.append((cid, fields, note))
    lines = []
    for cid, fields, note in rows:
        if cid in aliases:
            fields.append("aliases: [" + ", ".join(q(a) for a in aliases[cid]) + "]")
        if note:
            fields.append(f"note: {q(note)}")
        if cid == section_of(cid) and cid != "500.0":
            lines.append(f"  # ---- {cid} {TITLES[cid]} ----")
        lines.append(entry(fields))
    unused = set(TITLES) - {r[0] for r in rows}
    if unused:
        raise SystemExit(f"titles for units that are not listed: {sorted(unused)}")
    for name, table in [("HEADINGS", HEADINGS), ("ALTERNATIVES", ALTERNATIVES), ("PERMISSIONS", PERMISSIONS), ("NOTES", NOTES)]:
        missing = [i for i in table if i not in by_id]
        if missing:
            raise SystemExit(f"{name} names units that do not exist: {missing}")
    counted = sum(1 for _, f, _ in rows if "assessable: false" not in f)
    head = [
        "# NY DFS 23 NYCRR Part 500 (Second Amendment) — generated by scripts/gen-ny-dfs-500.py; do not edit by hand.",
        "# Data: scripts/data/ny-dfs-500/part500.json, reduced from the CISO Assistant packaging of the",
        f"# amended regulation ({d['library']} v{d['library_version']},",
        f"# intuitem/ciso-assistant-community {d['packaging']['commit'][:12]}); DFS's own text was not reachable.",
        "# Checked: sections 500.0-500.24, every subdivision and paragraph consecutive under its parent;",
        "# parts of 500.1, 500.2, 500.7, 500.14, 500.16 and 500.17 spot-checked against public copies",
        "# of the official compilation (Cornell LII, Justia, Casetext). IDs are the regulation's citations;",
        "# `500.12.a`, `500.02(a)` and other spellings match through the generic legal-citation rule.",
        f"# {counted} requirements count. Lead-ins (\"each covered entity shall:\"), caption-only sections,",
        "# permissions, definitions and the administrative sections 500.0, 500.18-500.24 do not; the",
        "# script's docstring gives the rules. Titles summarise the regulation's text.",
        "id: ny-dfs-500",
        'name: "NY DFS 23 NYCRR Part 500"',
        'version: "as amended 2023-11-01"',
        "aliases: [nydfs, nydfs-500, 23-nycrr-500, dfs-500]",
        'source: "23 NYCRR Part 500, Cybersecurity Requirements for Financial Services Companies, as amended by the Second Amendment effective 1 November 2023 (New York State Department of Financial Services)"',
        "controls:",
    ]
    return "\n".join(head + lines) + "\n"


def main() -> int:
    check = "--check" in sys.argv[1:]
    text = build(*load())
    if check:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print("out of date (re-run scripts/gen-ny-dfs-500.py): frameworks/ny-dfs-500.yaml", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

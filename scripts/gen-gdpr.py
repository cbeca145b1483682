#!/usr/bin/env python3
"""Generate the GDPR catalog: the articles and paragraphs of Regulation (EU) 2016/679 that
place obligations on controllers and processors.

Input: scripts/data/gdpr/gdpr-ch2-5.json, Articles 5-50 with their paragraphs, points and
text, reduced by extract.py beside it (see the README there). Output: frameworks/gdpr.yaml.

IDs: `Art.32` (an article), `Art.32(1)` (a paragraph), `Art.32(1)(a)` (a point). The
spellings `32.1.a`, `Art 32(1)(a)`, `Article 32(1)(a)` match through vigocli's generic
legal-citation rule; no per-control aliases are written for them.

Selection (SELECTION below, one line per article):
* Scope: Chapters II-V (Articles 5-50): principles, rights of the data subject, controller
  and processor, transfers. Chapter I (subject matter, scope, definitions), VI-VII
  (supervisory authorities, the Board), VIII (remedies, liability, penalties: consequences
  of an infringement, not measures to put in place), IX (Member State derogations) and X-XI
  (delegated acts, final provisions) place no obligation of their own to implement.
* Within scope, a paragraph is listed when it tells the controller or processor (or the
  representative, or the data protection officer they designate) what to do or not do.
  Paragraphs addressed to Member States, the Commission, supervisory authorities or the
  Board, exceptions ("shall not apply where"), permissions ("may") and rules on voluntary
  instruments (codes of conduct, certification, binding corporate rules: Articles 40-43, 47)
  are not listed.
* Points: where they list what a notice, record, contract or assessment must contain, each
  point is a requirement of its own (`H+`: the paragraph is only a lead-in and is a heading;
  `A+`: the paragraph also asks something itself). Where they are alternatives or conditions
  (lawful bases, grounds for erasure, transfer safeguards and derogations), the paragraph is
  the requirement and its points are its aliases (`A=`), so `Art.6(1)(f)` counts for
  `Art.6(1)`.
* An article with one listed paragraph or more is a heading; an article without numbered
  paragraphs is itself the requirement.

Titles: the Regulation's own article titles; paragraph and point titles are short summaries
written for vigocli.

Usage:
  python3 scripts/gen-gdpr.py          write the YAML file
  python3 scripts/gen-gdpr.py --check  exit 1 if the committed file differs

Python standard library only.
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "scripts" / "data" / "gdpr" / "gdpr-ch2-5.json"
OUT = ROOT / "frameworks" / "gdpr.yaml"

# Article -> listed paragraphs. "-" = the article has no numbered paragraphs and is itself a
# requirement. "N:A" assessable paragraph; "N:A+" and its points; "N:H+" heading with
# assessable points; "N:A=" points are aliases; "N:A=2,3" also paragraphs 2 and 3 (and their
# points) are aliases.
SELECTION = {
    5: ["1:H+", "2:A"],
    6: ["1:A=", "4:H+"],
    7: ["1:A", "2:A", "3:A", "4:A"],
    8: ["1:A", "2:A"],
    9: ["1:A", "2:A=", "3:A"],
    10: ["-"],
    11: ["2:A"],
    12: ["1:A", "2:A", "3:A", "4:A", "5:A="],
    13: ["1:H+", "2:H+", "3:A"],
    14: ["1:H+", "2:H+", "3:A=", "4:A"],
    15: ["1:A+", "2:A", "3:A"],
    16: ["-"],
    17: ["1:A=", "2:A"],
    18: ["1:A=", "2:A", "3:A"],
    19: ["-"],
    20: ["1:A=", "2:A"],
    21: ["1:A", "2:A", "3:A", "4:A", "5:A", "6:A"],
    22: ["1:A", "3:A", "4:A"],
    24: ["1:A", "2:A"],
    25: ["1:A", "2:A"],
    26: ["1:A", "2:A"],
    27: ["1:A", "3:A", "4:A"],
    28: ["1:A", "2:A", "3:A+", "4:A", "9:A"],
    29: ["-"],
    30: ["1:A+", "2:A+", "3:A", "4:A"],
    31: ["-"],
    32: ["1:A+", "2:A", "4:A"],
    33: ["1:A", "2:A", "3:H+", "5:A"],
    34: ["1:A", "2:A"],
    35: ["1:A", "2:A", "3:A=", "7:H+", "9:A", "11:A"],
    36: ["1:A", "3:H+"],
    37: ["1:A=", "5:A", "7:A"],
    38: ["1:A", "2:A", "3:A", "5:A", "6:A"],
    39: ["1:H+", "2:A"],
    44: ["-"],
    46: ["1:A=2,3"],
    49: ["1:A=", "6:A"],
}

TITLES = {
    "5(1)": "Principles for personal data",
    "5(1)(a)": "Lawfulness, fairness and transparency",
    "5(1)(b)": "Purpose limitation",
    "5(1)(c)": "Data minimisation",
    "5(1)(d)": "Accuracy",
    "5(1)(e)": "Storage limitation",
    "5(1)(f)": "Integrity and confidentiality (security)",
    "5(2)": "Accountability: be responsible for and able to demonstrate compliance with the principles",
    "6(1)": "Process only on a lawful basis (consent, contract, legal obligation, vital interests, public task, legitimate interests)",
    "6(4)": "Assess whether further processing for another purpose is compatible",
    "6(4)(a)": "Compatibility: link between the original and the new purpose",
    "6(4)(b)": "Compatibility: context of collection and relationship with data subjects",
    "6(4)(c)": "Compatibility: nature of the data, especially special categories and criminal data",
    "6(4)(d)": "Compatibility: possible consequences for data subjects",
    "6(4)(e)": "Compatibility: appropriate safeguards such as encryption or pseudonymisation",
    "7(1)": "Be able to demonstrate consent",
    "7(2)": "Distinguishable, clear and plain consent requests",
    "7(3)": "Consent can be withdrawn at any time, as easily as given; inform before consent",
    "7(4)": "Consent freely given: no conditioning of a contract on unnecessary consent",
    "8(1)": "Parental consent for information society services offered to children",
    "8(2)": "Reasonable efforts to verify parental consent",
    "9(1)": "Do not process special categories of personal data unless an exception applies",
    "9(2)": "Rely on one of the conditions for processing special categories",
    "9(3)": "Health and social care data processed under professional secrecy",
    "10": "Processing of personal data relating to criminal convictions and offences",
    "11(2)": "Inform the data subject where the controller cannot identify them",
    "12(1)": "Concise, transparent, intelligible and easily accessible information and communication",
    "12(2)": "Facilitate the exercise of data subject rights",
    "12(3)": "Act on requests without undue delay and within one month",
    "12(4)": "Explain a refusal to act and the right to complain, within one month",
    "12(5)": "Information and actions free of charge (fee or refusal only for manifestly unfounded or excessive requests)",
    "13(1)": "Information at collection from the data subject",
    "13(1)(a)": "Controller's identity and contact details",
    "13(1)(b)": "Data protection officer's contact details",
    "13(1)(c)": "Purposes and legal basis of the processing",
    "13(1)(d)": "Legitimate interests pursued, where relied on",
    "13(1)(e)": "Recipients or categories of recipients",
    "13(1)(f)": "Intended transfers to third countries and their safeguards",
    "13(2)": "Further information at collection from the data subject",
    "13(2)(a)": "Storage period or the criteria for it",
    "13(2)(b)": "The rights of access, rectification, erasure, restriction, objection and portability",
    "13(2)(c)": "The right to withdraw consent",
    "13(2)(d)": "The right to complain to a supervisory authority",
    "13(2)(e)": "Whether providing the data is required, and the consequences of not providing it",
    "13(2)(f)": "Automated decision-making, including profiling, its logic and consequences",
    "13(3)": "Inform before further processing for another purpose",
    "14(1)": "Information where data were not obtained from the data subject",
    "14(1)(a)": "Controller's identity and contact details",
    "14(1)(b)": "Data protection officer's contact details",
    "14(1)(c)": "Purposes and legal basis of the processing",
    "14(1)(d)": "Categories of personal data concerned",
    "14(1)(e)": "Recipients or categories of recipients",
    "14(1)(f)": "Intended transfers to third countries and their safeguards",
    "14(2)": "Further information where data were not obtained from the data subject",
    "14(2)(a)": "Storage period or the criteria for it",
    "14(2)(b)": "Legitimate interests pursued, where relied on",
    "14(2)(c)": "The rights of access, rectification, erasure, restriction, objection and portability",
    "14(2)(d)": "The right to withdraw consent",
    "14(2)(e)": "The right to complain to a supervisory authority",
    "14(2)(f)": "Source of the personal data",
    "14(2)(g)": "Automated decision-making, including profiling, its logic and consequences",
    "14(3)": "Provide the information within a month, at first contact or at first disclosure",
    "14(4)": "Inform before further processing for another purpose",
    "15(1)": "Right of access: confirm processing and give access to the data and the following information",
    "15(1)(a)": "Access: purposes of the processing",
    "15(1)(b)": "Access: categories of personal data",
    "15(1)(c)": "Access: recipients, in particular in third countries",
    "15(1)(d)": "Access: storage period or its criteria",
    "15(1)(e)": "Access: the rights of rectification, erasure, restriction and objection",
    "15(1)(f)": "Access: the right to complain to a supervisory authority",
    "15(1)(g)": "Access: the source of data not collected from the data subject",
    "15(1)(h)": "Access: automated decision-making, its logic and consequences",
    "15(2)": "Inform of the safeguards for transfers to third countries",
    "15(3)": "Provide a copy of the personal data",
    "16": "Right to rectification",
    "17(1)": "Erase personal data without undue delay when a ground for erasure applies",
    "17(2)": "Inform other controllers of erasure requests for data made public",
    "18(1)": "Restrict processing when a ground for restriction applies",
    "18(2)": "Process restricted data only as allowed (storage, consent, legal claims, others' rights, public interest)",
    "18(3)": "Inform the data subject before lifting a restriction",
    "19": "Notification obligation regarding rectification or erasure of personal data or restriction of processing",
    "20(1)": "Right to data portability for data provided on consent or contract and processed by automated means",
    "20(2)": "Transmit data directly to another controller where technically feasible",
    "21(1)": "Stop processing on objection unless compelling legitimate grounds are shown",
    "21(2)": "Right to object to processing for direct marketing",
    "21(3)": "Stop processing for direct marketing on objection",
    "21(4)": "Bring the right to object to the data subject's attention, explicitly and separately",
    "21(5)": "Allow objections by automated means in information society services",
    "21(6)": "Right to object to processing for research or statistical purposes",
    "22(1)": "No decisions based solely on automated processing with legal or similarly significant effects, save as allowed",
    "22(3)": "Safeguards for permitted automated decisions, including human intervention",
    "22(4)": "No automated decisions based on special categories without explicit consent or substantial public interest and safeguards",
    "24(1)": "Implement and demonstrate appropriate technical and organisational measures; review and update them",
    "24(2)": "Appropriate data protection policies",
    "25(1)": "Data protection by design",
    "25(2)": "Data protection by default",
    "26(1)": "Joint controllers determine their responsibilities by arrangement",
    "26(2)": "Arrangement reflects roles; its essence is made available to data subjects",
    "27(1)": "Designate in writing a representative in the Union",
    "27(3)": "Representative established in a Member State where data subjects are",
    "27(4)": "Representative mandated to be addressed by authorities and data subjects",
    "28(1)": "Use only processors providing sufficient guarantees",
    "28(2)": "Processor engages sub-processors only with written authorisation; inform of changes",
    "28(3)": "Processing by a processor governed by a binding contract or legal act",
    "28(3)(a)": "Processor contract: process only on documented instructions",
    "28(3)(b)": "Processor contract: confidentiality of authorised persons",
    "28(3)(c)": "Processor contract: all measures required by Article 32",
    "28(3)(d)": "Processor contract: conditions for engaging sub-processors",
    "28(3)(e)": "Processor contract: assist with data subject requests",
    "28(3)(f)": "Processor contract: assist with Articles 32 to 36",
    "28(3)(g)": "Processor contract: delete or return data at the end of the services",
    "28(3)(h)": "Processor contract: information to demonstrate compliance, audits and inspections",
    "28(4)": "Same data protection obligations flow down to sub-processors",
    "28(9)": "Processor contract in writing, including in electronic form",
    "29": "Processing under the authority of the controller or processor",
    "30(1)": "Controller keeps a record of processing activities",
    "30(1)(a)": "Controller record: names and contact details",
    "30(1)(b)": "Controller record: purposes of the processing",
    "30(1)(c)": "Controller record: categories of data subjects and of personal data",
    "30(1)(d)": "Controller record: categories of recipients",
    "30(1)(e)": "Controller record: transfers to third countries and their safeguards",
    "30(1)(f)": "Controller record: time limits for erasure",
    "30(1)(g)": "Controller record: description of security measures",
    "30(2)": "Processor keeps a record of processing activities",
    "30(2)(a)": "Processor record: names and contact details",
    "30(2)(b)": "Processor record: categories of processing for each controller",
    "30(2)(c)": "Processor record: transfers to third countries and their safeguards",
    "30(2)(d)": "Processor record: description of security measures",
    "30(3)": "Records kept in writing, including in electronic form",
    "30(4)": "Make the records available to the supervisory authority on request",
    "31": "Cooperation with the supervisory authority",
    "32(1)": "Appropriate technical and organisational security measures for the risk",
    "32(1)(a)": "Pseudonymisation and encryption of personal data",
    "32(1)(b)": "Ongoing confidentiality, integrity, availability and resilience of processing systems",
    "32(1)(c)": "Timely restoration of availability and access after an incident",
    "32(1)(d)": "Regular testing and evaluation of the security measures",
    "32(2)": "Assess the security level against the risks of processing",
    "32(4)": "Persons with access process data only on instructions",
    "33(1)": "Notify personal data breaches to the supervisory authority within 72 hours",
    "33(2)": "Processor notifies the controller of breaches without undue delay",
    "33(3)": "Contents of a breach notification",
    "33(3)(a)": "Breach notification: nature, categories and numbers concerned",
    "33(3)(b)": "Breach notification: contact point",
    "33(3)(c)": "Breach notification: likely consequences",
    "33(3)(d)": "Breach notification: measures taken or proposed",
    "33(5)": "Document every personal data breach",
    "34(1)": "Communicate high-risk breaches to data subjects without undue delay",
    "34(2)": "Communication to data subjects in clear and plain language with the required information",
    "35(1)": "Carry out a data protection impact assessment for likely high-risk processing",
    "35(2)": "Seek the data protection officer's advice on the assessment",
    "35(3)": "Assessment required for profiling with significant effects, large-scale special categories or public monitoring",
    "35(7)": "Contents of a data protection impact assessment",
    "35(7)(a)": "Assessment: description of the processing and its purposes",
    "35(7)(b)": "Assessment: necessity and proportionality",
    "35(7)(c)": "Assessment: risks to data subjects",
    "35(7)(d)": "Assessment: measures to address the risks",
    "35(9)": "Seek the views of data subjects where appropriate",
    "35(11)": "Review whether processing follows the assessment, at least when the risk changes",
    "36(1)": "Consult the supervisory authority before high-risk processing that cannot be mitigated",
    "36(3)": "Information for prior consultation",
    "36(3)(a)": "Consultation: responsibilities of the controllers and processors",
    "36(3)(b)": "Consultation: purposes and means of the processing",
    "36(3)(c)": "Consultation: measures and safeguards for data subjects",
    "36(3)(d)": "Consultation: data protection officer's contact details",
    "36(3)(e)": "Consultation: the data protection impact assessment",
    "36(3)(f)": "Consultation: other information requested",
    "37(1)": "Designate a data protection officer where required (public body, large-scale monitoring or special categories)",
    "37(5)": "Data protection officer designated on professional qualities and expert knowledge",
    "37(7)": "Publish the data protection officer's contact details and communicate them to the supervisory authority",
    "38(1)": "Involve the data protection officer in all data protection issues",
    "38(2)": "Support the data protection officer with resources and access",
    "38(3)": "Data protection officer independent, not dismissed or penalised for the tasks, reporting to top management",
    "38(5)": "Data protection officer bound by secrecy or confidentiality",
    "38(6)": "No conflict of interest from the data protection officer's other tasks",
    "39(1)": "Tasks of the data protection officer",
    "39(1)(a)": "Data protection officer: inform and advise",
    "39(1)(b)": "Data protection officer: monitor compliance, training and audits",
    "39(1)(c)": "Data protection officer: advise on impact assessments",
    "39(1)(d)": "Data protection officer: cooperate with the supervisory authority",
    "39(1)(e)": "Data protection officer: contact point for the supervisory authority",
    "39(2)": "Data protection officer acts with due regard to the risks",
    "44": "General principle for transfers",
    "46(1)": "Transfer without an adequacy decision only with appropriate safeguards (standard clauses, binding corporate rules, …)",
    "49(1)": "Transfer without adequacy or safeguards only under a derogation (explicit consent, contract, …); inform the supervisory authority of compelling-interest transfers",
    "49(6)": "Document the assessment and safeguards of derogation transfers in the records",
}


def q(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def entry(fields: list) -> str:
    return "  - { " + ", ".join(fields) + " }"


def cid(art, para=None, point=None) -> str:
    s = f"Art.{art}"
    if para is not None:
        s += f"({para})"
    if point is not None:
        s += f"({point})"
    return s


def key(art, para=None, point=None) -> str:
    return cid(art, para, point)[4:]


def load():
    d = json.loads(DATA.read_text(encoding="utf-8"))
    arts = {a["article"]: a for a in d["articles"]}
    if sorted(arts) != list(range(5, 51)):
        raise SystemExit("expected Articles 5-50")
    for a in arts.values():
        nums = [p["paragraph"] for p in a["paragraphs"]]
        if nums != list(range(1, len(nums) + 1)):
            raise SystemExit(f"Article {a['article']}: paragraphs {nums}")
        for p in a["paragraphs"]:
            pts = [x["point"] for x in p["points"]]
            if pts != [chr(ord("a") + i) for i in range(len(pts))]:
                raise SystemExit(f"Article {a['article']}({p['paragraph']}): points {pts}")
    return d, arts


def build(d, arts) -> str:
    lines, used = [], set()
    counted = 0
    chapter = None
    for art, spec in SELECTION.items():
        a = arts[art]
        cat = (a["section"] or a["chapter"])["title"]
        if a["chapter"]["number"] != chapter:
            chapter = a["chapter"]["number"]
            lines.append(f"  # ---- Chapter {chapter}: {a['chapter']['title']} ----")
        if spec == ["-"]:
            if a["paragraphs"]:
                raise SystemExit(f"Article {art} has numbered paragraphs")
            k = key(art)
            used.add(k)
            if TITLES[k] != a["title"]:
                raise SystemExit(f"Article {art}: title differs from the Regulation's")
            lines.append(entry([f"id: {q(cid(art))}", f"title: {q(a['title'])}", f"category: {q(cat)}"]))
            counted += 1
            continue
        lines.append(entry([f"id: {q(cid(art))}", f"title: {q(a['title'])}", f"category: {q(cat)}", "assessable: false"]))
        paras = {p["paragraph"]: p for p in a["paragraphs"]}
        for item in spec:
            num, mode = item.split(":")
            p = paras[int(num)]
            k = key(art, p["paragraph"])
            used.add(k)
            fields = [f"id: {q(cid(art, p['paragraph']))}", f"title: {q(TITLES[k])}",
                      f"parent: {q(cid(art))}", f"category: {q(cat)}"]
            kind, _, extra = mode.partition("=")
            alias_mode = "=" in mode
            if kind not in ("A", "A+", "H+") or (kind != "A" and alias_mode):
                raise SystemExit(f"Article {art}: bad selection {item}")
            # Every point of a listed paragraph is either listed or an alias: none is dropped.
            if kind == "A" and not alias_mode and p["points"]:
                raise SystemExit(f"Article {art}({num}) has points; select it with A+, H+ or A=")
            if kind != "A" and not p["points"]:
                raise SystemExit(f"Article {art}({num}) has no points for {item}")
            if kind == "H+":
                fields.append("assessable: false")
            else:
                counted += 1
            if alias_mode:
                aliases = [cid(art, p["paragraph"], x["point"]) for x in p["points"]]
                for other in filter(None, extra.split(",")):
                    o = paras[int(other)]
                    aliases.append(cid(art, o["paragraph"]))
                    aliases += [cid(art, o["paragraph"], x["point"]) for x in o["points"]]
                if not aliases:
                    raise SystemExit(f"Article {art}({num}): no points to alias")
                fields.append("aliases: [" + ", ".join(q(x) for x in aliases) + "]")
            lines.append(entry(fields))
            if kind in ("A+", "H+"):
                for x in p["points"]:
                    pk = key(art, p["paragraph"], x["point"])
                    used.add(pk)
                    lines.append(entry([
                        f"id: {q(cid(art, p['paragraph'], x['point']))}", f"title: {q(TITLES[pk])}",
                        f"parent: {q(cid(art, p['paragraph']))}", f"category: {q(cat)}",
                    ]))
                    counted += 1
    unused = set(TITLES) - used
    if unused:
        raise SystemExit(f"titles for nothing listed: {sorted(unused)}")
    head = [
        "# GDPR, Regulation (EU) 2016/679 — generated by scripts/gen-gdpr.py; do not edit by hand.",
        "# Data: scripts/data/gdpr/gdpr-ch2-5.json, Articles 5-50 reduced from the CISO Assistant packaging",
        f"# of the Official Journal text ({d['library']} v{d['library_version']},",
        f"# intuitem/ciso-assistant-community {d['packaging']['commit'][:12]}). Checked: Articles 5-50 present, paragraphs",
        "# numbered 1…n and points a, b, … without gaps. Selection (the script's docstring has the rules):",
        "# Chapters II-V, the paragraphs that oblige the controller or processor; Chapter VIII (remedies,",
        "# liability, penalties) states consequences, not measures, and is not listed. Content lists",
        "# (notices, records, contracts, assessments) count point by point; alternatives and conditions",
        "# (lawful bases, erasure grounds, transfer safeguards, derogations) are aliases of their paragraph.",
        f"# {counted} requirements count. `32.1.a`, `Art 32(1)(a)` and `Article 32(1)(a)` match through the generic",
        "# legal-citation rule. Article titles are the Regulation's; the others summarise its text.",
        "id: gdpr",
        'name: "GDPR"',
        'version: "Regulation (EU) 2016/679"',
        "aliases: [eu-gdpr, gdpr-2016-679]",
        'source: "Regulation (EU) 2016/679 (General Data Protection Regulation), OJ L 119, 4.5.2016, p. 1, with the corrigenda; Chapters II-V, the obligations of controllers and processors"',
        "controls:",
    ]
    return "\n".join(head + lines) + "\n"


def main() -> int:
    check = "--check" in sys.argv[1:]
    text = build(*load())
    if check:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print("out of date (re-run scripts/gen-gdpr.py): frameworks/gdpr.yaml", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

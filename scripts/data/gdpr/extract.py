#!/usr/bin/env python3
"""One-off extraction (needs PyYAML): reduce the CISO Assistant packaging of the GDPR
(intuitem/ciso-assistant-community, backend/library/libraries/gdpr.yaml, made from the
Official Journal text of Regulation (EU) 2016/679) to what scripts/gen-gdpr.py reads:
Articles 5 to 50 (Chapters II to V) with their chapter and section, title, numbered
paragraphs and lettered points, and the text of each. Unnumbered subparagraphs are kept
with the paragraph (or article) they belong to.

The text is EU legislation (reuse authorised, Commission Decision 2011/833/EU).

Usage: python3 extract.py gdpr.yaml COMMIT > gdpr-ch2-5.json
"""
import json
import re
import sys

import yaml

lib = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
nodes = lib["objects"]["framework"]["requirement_nodes"]


def clean(s):
    return " ".join((s or "").split())


articles = []
chapter = section = None
current = None  # the article
last = None  # the paragraph or point last seen
for n in nodes:
    ref = str(n.get("ref_id") or "")
    name, text = clean(n.get("name")), clean(n.get("description"))
    if ref.startswith("CHAPTER"):
        chapter, section, current = {"number": ref.split()[1], "title": text}, None, None
        continue
    if name.startswith("Section ") and not ref:
        section = {"number": name.split()[1], "title": text}
        continue
    m = re.fullmatch(r"Article (\d+)", ref)
    if m and int(m.group(1)) > 50:
        break
    if m:
        current = {"article": int(m.group(1)), "title": text, "chapter": chapter, "section": section,
                   "text": [], "points": [], "paragraphs": []}
        articles.append(current)
        last = None
        continue
    if current is None or ref.startswith("Recital") or ref == "Preambule":
        continue
    m = re.fullmatch(r"(\d+)\.(\d+)(?:\.([a-z]))?", ref)
    if m:
        if int(m.group(1)) != current["article"]:
            raise SystemExit(f"{ref} under Article {current['article']}")
        if m.group(3) is None:
            last = {"paragraph": int(m.group(2)), "text": [text], "points": []}
            current["paragraphs"].append(last)
        else:
            para = current["paragraphs"][-1]
            if para["paragraph"] != int(m.group(2)):
                raise SystemExit(f"{ref} outside paragraph {para['paragraph']}")
            para["points"].append({"point": m.group(3), "text": text})
            last = para
        continue
    m = re.fullmatch(r"(\d+)\.([a-z])", ref)
    if m and int(m.group(1)) == current["article"] and not current["paragraphs"]:
        # Points of an article that has no numbered paragraphs (Article 50).
        current["points"].append({"point": m.group(2), "text": text})
        continue
    if ref:
        raise SystemExit(f"unexpected ref_id {ref!r}")
    # An unnumbered subparagraph: of the last paragraph, or of the article itself.
    (last or current)["text"].append(text)

articles = [a for a in articles if 5 <= a["article"] <= 50]
json.dump({
    "library": lib["urn"],
    "library_version": lib["version"],
    "packaging": {"repository": "intuitem/ciso-assistant-community", "commit": sys.argv[2],
                  "path": "backend/library/libraries/gdpr.yaml"},
    "articles": articles,
}, sys.stdout, ensure_ascii=False, indent=1)
sys.stdout.write("\n")

#!/usr/bin/env python3
"""Independent check of an audit-chain/v1 log (docs/audit.md), standard library only.
usage: verify_audit_log.py LOG.jsonl [ANCHOR_HEX FIRST_SEQ]   -> prints the head"""
import hashlib, json, sys

def canon(v):  # RFC 8785 for strings, integers, booleans, null, arrays, objects
    if isinstance(v, dict):
        keys = sorted(v, key=lambda k: k.encode("utf-16-be"))  # UTF-16 code-unit order
        return "{" + ",".join(canon(k) + ":" + canon(v[k]) for k in keys) + "}"
    if isinstance(v, list):
        return "[" + ",".join(canon(x) for x in v) + "]"
    if isinstance(v, float) or (isinstance(v, int) and not isinstance(v, bool) and abs(v) > 2**53 - 1):
        raise ValueError("numbers must be integers within +-(2^53-1)")
    return json.dumps(v, ensure_ascii=False)  # same escapes as RFC 8785 for these values

def verify(path, prev=bytes(32), seq=0):
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            e = json.loads(line)
            leaf, chain = e.pop("leaf"), e.pop("chain")
            want_leaf = hashlib.sha256(b"\x00" + canon(e).encode()).digest()
            want_chain = hashlib.sha256(b"\x01" + prev + want_leaf).digest()
            e.update(leaf=leaf, chain=chain)
            for ok, what in ((e["seq"] == seq, "seq"), (leaf == want_leaf.hex(), "leaf"),
                             (chain == want_chain.hex(), "chain"), (canon(e) == line, "canonical form")):
                if not ok:
                    sys.exit(f"{path}:{n}: seq {e.get('seq')}: bad {what}")
            prev, seq = want_chain, seq + 1
    return prev.hex()

if __name__ == "__main__":
    a = sys.argv[1:]
    print(verify(a[0], bytes.fromhex(a[1]), int(a[2])) if len(a) == 3 else verify(a[0]))

#!/usr/bin/env python3
"""Independent check of one tokenledger liability proof (contract: "Proof of liabilities").
Usage: python3 verify_liability.py PROOF.json ROOT.json|HEAD.json|ROOTHASH [--public-key HEX]
Against a bare root hash only the account and the balance and total in base units are bound.
Against a head.json (several assets' roots at one entry) the proof is checked against its
asset's root there, and --public-key verifies the head's signature.
--public-key verifies root.json's Ed25519 signature (needs `cryptography`: requirements-verify.txt);
without that package a given key is never reported as checked (exit 1)."""
import hashlib, json, re, sys

MAX = 1 << 128  # every sum is serialised as u128be, so anything larger cannot be what was hashed
H = lambda *parts: hashlib.sha256(b"".join(parts)).digest()
u128 = lambda n: n.to_bytes(16, "big")

class Fail(Exception): pass

def amount(text, decimals, where, what):
    # Exact token units -> base units; [0-9] not \d so non-ASCII digits are refused too.
    m = re.fullmatch(r"(0|[1-9][0-9]*)(?:\.([0-9]+))?", text) if isinstance(text, str) else None
    if not m or len(m[2] or "") > decimals:
        raise Fail(f"{where}: {what} is not an amount")
    n = int(m[1] + (m[2] or "").ljust(decimals, "0"))
    if n >= MAX: raise Fail(f"{where}: {what} overflows 128 bits")
    return n

def hexbytes(text, size, where, what):
    # bytes.fromhex tolerates spaces; insist on exactly `size` bytes of plain hex.
    if not (isinstance(text, str) and re.fullmatch(r"[0-9a-fA-F]{%d}" % (2 * size), text)):
        raise Fail(f"{where}: {what} is not {size} bytes of hex")
    return bytes.fromhex(text)

ROOT_FORMATS = ("tokenledger-liabilities/2", "tokenledger-liabilities/1")

def unique_keys(pairs):
    # json keeps the last of duplicate keys; a document that says two things is refused, as
    # verify-liability refuses it, so that no reader can be shown one value and check another.
    seen = {}
    for key, value in pairs:
        if key in seen: raise Fail(f"document: duplicate key {key!r}")
        seen[key] = value
    return seen

HEAD_FORMAT = "tokenledger-liabilities-head/1"

def head_message(head):
    lines = [HEAD_FORMAT, str(head["sequence"]), str(head["headHash"])]
    for a in head["assets"]:
        lines.append(" ".join(str(a[k]) for k in ("asset", "decimals", "holders", "depth", "total", "root")))
    return "\n".join(lines).encode("utf-8")

def root_from_head(head, proof, pubkey):
    """The proof's asset's root, read from a head whose signature is checked first."""
    assets = head.get("assets")
    if not isinstance(assets, list) or not all(isinstance(a, dict) for a in assets):
        raise Fail("root: the head's assets are not a list of objects")
    names = [a.get("asset") for a in assets]
    if not all(isinstance(n, str) for n in names) or names != sorted(set(names), key=lambda n: n.encode("utf-8")):
        raise Fail("root: the head's assets are not distinct and sorted")
    if pubkey is not None:
        check_signature(head, pubkey, head_message)
    elif "signature" in head:
        print("signature: present but not checked (no --public-key)")
    entry = next((a for a in assets if a["asset"] == proof.get("asset")), None)
    if entry is None: raise Fail(f"root: the head lists no root of {proof.get('asset')}")
    root = dict(entry, format=ROOT_FORMATS[0], sequence=head.get("sequence"), headHash=head.get("headHash"))
    return root

def signed_message(root):
    fields = ["format", "asset", "sequence", "headHash", "total", "root"]
    if root["format"] != "tokenledger-liabilities/1":  # version 2 signs every field
        fields = ["format", "asset", "decimals", "sequence", "headHash", "holders", "depth", "total", "root"]
    return "\n".join(str(root[f]) for f in fields).encode("utf-8")

def check_signature(root, pubkey, message=None):
    if "signature" not in root or "publicKey" not in root: raise Fail("signature: root is not signed")
    if not isinstance(root["publicKey"], str) or pubkey.lower() != root["publicKey"].lower():
        raise Fail("signature: publicKey differs from --public-key")
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    except ImportError:
        raise Fail("signature: not checked: the `cryptography` package is missing"
                   " (pip install -r tools/requirements-verify.txt)")
    key = Ed25519PublicKey.from_public_bytes(hexbytes(pubkey, 32, "signature", "public key"))
    try:
        key.verify(hexbytes(root["signature"], 64, "signature", "signature"), (message or signed_message)(root))
    except InvalidSignature:
        raise Fail("signature: the signature does not verify")

def verify(proof, root, pubkey, root_hash=None):
    if proof.get("format") != "tokenledger-liability-proof/1": raise Fail("proof: wrong format")
    if root_hash is None:
        if root.get("format") not in ROOT_FORMATS: raise Fail("root: wrong format")
        for key in ("asset", "decimals", "sequence"):  # a proof only means something against its own publication
            if proof.get(key) != root.get(key): raise Fail(f"root: {key} differs from the proof's")
        if type(root.get("depth")) is not int or root["depth"] != len(proof.get("path") or []):
            raise Fail("root: depth differs from the proof's path")
    dec = proof.get("decimals")
    if type(dec) is not int or dec < 0: raise Fail("proof: decimals is not a non-negative integer")
    account, path, index = proof.get("account"), proof.get("path"), proof.get("index")
    if not isinstance(account, str): raise Fail("leaf: account is not a string")
    balance = amount(proof.get("balance"), dec, "leaf", "balance")
    salt = hexbytes(proof.get("salt"), 32, "leaf", "salt")
    if not isinstance(path, list): raise Fail("path: not a list")
    # bool is an int subclass in Python; index must also address a leaf of a tree this deep.
    if type(index) is not int or not 0 <= index < 2 ** len(path): raise Fail("leaf: index out of range")
    commitment = H(account.encode("utf-8"), b"\x00", salt)
    node, total = H(b"\x00", commitment, u128(balance)), balance
    for k, sib in enumerate(path):
        if not isinstance(sib, dict): raise Fail(f"level {k}: sibling is not an object")
        sh, ss = hexbytes(sib.get("hash"), 32, f"level {k}", "hash"), amount(sib.get("sum"), dec, f"level {k}", "sum")
        left, right = ((node, total), (sh, ss)) if not (index >> k) & 1 else ((sh, ss), (node, total))
        node, total = H(b"\x01", left[0], u128(left[1]), right[0], u128(right[1])), total + ss
        if total >= MAX: raise Fail(f"level {k}: sum overflows 128 bits")
    if root_hash is not None:
        # A bare hash binds the account, the balance and the total in base units, nothing else.
        if node != root_hash: raise Fail("top: hash differs from the root")
        if total != amount(proof.get("total"), dec, "top", "proof's root total"): raise Fail("top: sum differs from the total")
        return (f"ok: {account} holds {balance} base units, included in root {root_hash.hex()} (a total of"
                f" {total} base units); the hash binds no asset, decimals or entry: check them against root.json")
    # Both documents carry root and total; each must agree with what the path folds to.
    for doc, name in ((root, "root"), (proof, "proof's root")):
        if node != hexbytes(doc.get("root"), 32, "top", name): raise Fail(f"top: hash differs from the {name}")
        if total != amount(doc.get("total"), dec, "top", f"{name} total"): raise Fail(f"top: sum differs from the {name} total")
    if pubkey is not None:
        check_signature(root, pubkey)
    elif "signature" in root:
        print("signature: present but not checked (no --public-key)")
    return f"ok: {account} {proof['balance']} included in root {root['root']} (total {root['total']})"

def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f, object_pairs_hook=unique_keys)

if __name__ == "__main__":
    a = sys.argv[1:]
    if len(a) not in (2, 4) or (len(a) == 4 and a[2] != "--public-key"):
        print(__doc__.splitlines()[1], file=sys.stderr); sys.exit(2)  # usage error, as the CLI's exit 2
    bare = re.fullmatch(r"[0-9a-fA-F]{64}", a[1]) is not None
    if bare and len(a) == 4:
        print("--public-key needs a root.json, not a hash", file=sys.stderr); sys.exit(2)
    try:
        proof = load(a[0])
        root = {} if bare else load(a[1])
        if not all(isinstance(d, dict) for d in (proof, root)): raise Fail("input: not a JSON object")
        key = a[3] if len(a) == 4 else None
        if root.get("format") == HEAD_FORMAT:
            root, key = root_from_head(root, proof, key), None  # the head's signature covers the root
        print(verify(proof, root, key, bytes.fromhex(a[1]) if bare else None))
    except (Fail, OSError, ValueError) as e:  # ValueError covers bad JSON / UTF-8
        print(f"{e}" if isinstance(e, Fail) else f"input: {e}"); sys.exit(1)

#!/usr/bin/env python3
"""Writes the peers' synthetic ledger (../shared/peers/gen.py: same seed, accounts, amounts)
as `tokenledger apply` JSON Lines, so that `tokenledger audit` and `hledger check`,
`ledger bal` and `bean-check` are timed on exactly the same transfers, and checks that the
ledger's final balances equal gen.py's closing assertions.

python3 tools/bench/peers_ledger.py --n 100000 > /tmp/peers.jsonl
python3 tools/bench/peers_ledger.py --n 100000 --check ledger.sqlite   # compare balances
"""
import argparse
import json
import os
import subprocess
import sys

PEERS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "peers")
sys.path.insert(0, PEERS)
import gen  # noqa: E402  (the peers' own generator, imported so the events are identical)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100000)
    parser.add_argument("--decimals", type=int, default=9)
    parser.add_argument("--check", help="a ledger file to compare with the closing assertions")
    args = parser.parse_args()
    events = gen.generate(args.n, 1000, args.decimals, 42, "TAO", 1_000_000, 1000, True)
    if args.check:
        result = subprocess.run([os.path.join(os.path.dirname(__file__), "..", "..", ".build", "release", "tokenledger"),
                                 "balance", "--db", args.check, "--format", "json"], capture_output=True, text=True, check=True)
        ours = {row["account"]: row["available"] for row in json.loads(result.stdout)["balances"]}
        expected = next(ev for ev in events if ev[0] == "assert")[2]
        wrong = [name for name, units in expected if ours.get(name) != gen.fmt_units(units, args.decimals).rstrip("0").rstrip(".")]
        print("balances: %d accounts, %d differ from gen.py's assertions" % (len(expected), len(wrong)))
        sys.exit(1 if wrong else 0)
    out = sys.stdout
    out.write(json.dumps({"op": "defineAsset", "symbol": "TAO", "decimals": args.decimals, "addressScheme": "any"}) + "\n")
    for event in events:
        if event[0] != "txn":
            continue
        _, _, description, to_account, from_account, units = event
        amount = gen.fmt_units(units, args.decimals)
        if "." in amount:
            amount = amount.rstrip("0").rstrip(".")
        if from_account == "Equity:Opening":
            out.write(json.dumps({"op": "mint", "asset": "TAO", "to": to_account, "amount": amount}) + "\n")
        else:
            out.write(json.dumps({"op": "transfer", "asset": "TAO", "from": from_account, "to": to_account,
                                  "amount": amount, "id": description}) + "\n")


if __name__ == "__main__":
    main()

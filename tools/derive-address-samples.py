#!/usr/bin/env python3
"""Writes fixtures/real/address-samples.txt: a few real addresses of each scheme taken from
../shared/data (Fetch.ai's staking export and Bittensor's Nakamoto snapshot), so that the
address tests run on a clone without ../shared. Each line: `<scheme> <address>`.

Run from the repository root: python3 tools/derive-address-samples.py
"""
import csv
import json
import os

root = os.path.join(os.path.dirname(__file__), "..")
data = os.path.join(root, "..", "shared", "data")
lines = []
with open(os.path.join(data, "fetchhub-staked-export.csv")) as handle:
    for index, row in enumerate(csv.reader(handle)):
        if index % 113 == 0:
            lines.append(f"evm {row[0]}")
            lines.append(f"bech32:fetch {row[2]}")
with open(os.path.join(data, "subtensor-nakamoto-snapshot.json")) as handle:
    snapshot = json.load(handle)
for index, coldkey in enumerate(sorted(snapshot["stakes"])):
    if index % 13 == 0:
        lines.append(f"ss58 {coldkey}")
        lines.append(f"ss58 {sorted(snapshot['stakes'][coldkey])[0]}")
for index, account in enumerate(sorted(snapshot["balances"])):
    if index % 997 == 0:
        lines.append(f"ss58 {account}")
with open(os.path.join(root, "fixtures", "real", "address-samples.txt"), "w") as handle:
    handle.write("\n".join(lines) + "\n")
print(f"wrote {len(lines)} addresses")

#!/usr/bin/env python3
"""Derives the small files under fixtures/real/ from ../shared/data (public chain data), and
prints the figures the tests expect, computed here independently of the Swift code.

- etl-logs-17173049-17173050.jsonl: every ERC-20/721 Transfer log of the two mainnet blocks
  plus every 20th other log (to exercise skipping), unchanged lines of ethereum-etl's output.
- etl-token-transfers-17173049-17173050.csv: the fungible transfers extracted from those logs
  by ethereum-etl's rule (topic0 = Transfer, 3 topics, 32-byte data), as token_transfers CSV.
- subtensor-sample.json / subtensor-sample-balances.csv: 30 coldkeys' stakes and 300 free
  balances of the Nakamoto snapshot, and the balances CSV of the same sample.
- fetchhub-staked-sample.csv: the first 120 rows of Fetch.ai's staking export.

Run from the repository root: python3 tools/derive-real-fixtures.py
"""
import csv
import json
import os
from decimal import Decimal

ROOT = os.path.join(os.path.dirname(__file__), "..")
DATA = os.path.join(ROOT, "..", "shared", "data")
OUT = os.path.join(ROOT, "fixtures", "real")
TRANSFER = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"


def etl():
    kept, transfers = [], []
    with open(os.path.join(DATA, "ethereum-etl-blocks-17173049-17173050-logs.jsonl")) as handle:
        for index, line in enumerate(handle):
            log = json.loads(line)
            topics = log["topics"]
            if topics and topics[0] == TRANSFER:
                kept.append(line)
                if len(topics) == 3 and len(log["data"]) == 66:
                    transfers.append(log)
            elif index % 20 == 0:
                kept.append(line)
    with open(os.path.join(OUT, "etl-logs-17173049-17173050.jsonl"), "w") as handle:
        handle.writelines(kept)
    with open(os.path.join(OUT, "etl-token-transfers-17173049-17173050.csv"), "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["token_address", "from_address", "to_address", "value", "transaction_hash", "log_index", "block_number"])
        for log in transfers:
            writer.writerow([log["address"], "0x" + log["topics"][1][-40:], "0x" + log["topics"][2][-40:],
                             int(log["data"], 16), log["transaction_hash"], log["log_index"], log["block_number"]])
    contracts = sorted({log["address"] for log in transfers})
    nft = sum(1 for line in kept if len(json.loads(line)["topics"]) == 4 and json.loads(line)["topics"][0] == TRANSFER)
    print(f"etl: {len(kept)} logs kept, {len(transfers)} fungible transfers of {len(contracts)} contracts, {nft} ERC-721")


def subtensor():
    with open(os.path.join(DATA, "subtensor-nakamoto-snapshot.json")) as handle:
        snapshot = json.load(handle)
    coldkeys = sorted(snapshot["stakes"])[:30]
    balances = sorted(snapshot["balances"])[:300]
    sample = {"stakes": {c: snapshot["stakes"][c] for c in coldkeys},
              "balances": {a: snapshot["balances"][a] for a in balances}}
    with open(os.path.join(OUT, "subtensor-sample.json"), "w") as handle:
        json.dump(sample, handle)
    write_subtensor_csv(sample, os.path.join(OUT, "subtensor-sample-balances.csv"))
    stake = sum(v[0] for c in sample["stakes"].values() for v in c.values())
    free = sum(sample["balances"].values())
    print(f"subtensor sample: stake {stake} rao, free {free} rao")
    stake = sum(v[0] for c in snapshot["stakes"].values() for v in c.values())
    free = sum(snapshot["balances"].values())
    print(f"subtensor full: stake {stake} rao, free {free} rao")


def rao(value):
    text = str(value).rjust(10, "0")
    whole, fraction = text[:-9], text[-9:].rstrip("0")
    return whole + ("." + fraction if fraction else "")


def write_subtensor_csv(snapshot, path):
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["address", "asset", "bucket", "validator", "amount"])
        for coldkey, hotkeys in sorted(snapshot["stakes"].items()):
            for hotkey, (amount, _uid) in sorted(hotkeys.items()):
                writer.writerow([coldkey, "TAO", "staked", hotkey, rao(amount)])
        for account, amount in sorted(snapshot["balances"].items()):
            writer.writerow([account, "TAO", "available", "", rao(amount)])


def fetch():
    with open(os.path.join(DATA, "fetchhub-staked-export.csv")) as handle:
        rows = list(csv.reader(handle))
    with open(os.path.join(OUT, "fetchhub-staked-sample.csv"), "w", newline="") as handle:
        csv.writer(handle).writerows(rows[:120])
    for name, subset in (("full", rows), ("sample", rows[:120])):
        fractional = [r for r in subset if "." in r[4] or "." in r[5]]
        whole = [r for r in subset if r not in fractional]
        mismatched = [r for r in whole if Decimal(r[3]) != Decimal(r[4]) + Decimal(r[5])]
        rejected = [r for r in fractional if "." in r[3]]
        print(f"fetch {name}: ledger rows {len(whole)}, rejected at build {len(fractional)}, "
              f"matched {len(whole) - len(mismatched)}, mismatched {len(mismatched)}, "
              f"missing in ledger {len(fractional) - len(rejected)}, source rows rejected {len(rejected)}")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    etl()
    subtensor()
    fetch()

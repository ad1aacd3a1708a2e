#!/usr/bin/env python3
"""Deterministic JSON Lines for `tokenledger apply`: a staking ledger over two years, for the
reports. One claim asset (FET-like, 18 decimals, `any` addresses), Zipf-skewed accounts,
validators with commissions, delegations, daily rewards, claims, undelegations, a few slashes
and holds, and transfers with random 0x<64 hex>:<index> ids making up the rest.

python3 tools/bench/gen-staking-ledger.py --n 1000000 > /tmp/staking.jsonl
tokenledger init --db /tmp/staking.sqlite && tokenledger apply --batch 10000 /tmp/staking.jsonl --db /tmp/staking.sqlite
"""
import argparse
import bisect
import json
import random
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100000, help="operations after the setup")
    parser.add_argument("--accounts", type=int, default=10000)
    parser.add_argument("--validators", type=int, default=20)
    parser.add_argument("--delegators", type=int, default=2000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    weights = [1.0 / (rank ** 1.1) for rank in range(1, args.accounts + 1)]
    cumulative, total = [], 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)

    def pick():
        return bisect.bisect_left(cumulative, rng.random() * total)

    def account(index):
        return "acct%05d" % index

    def validator(index):
        return "val%02d" % index

    start = 1704067200  # 2024-01-01T00:00:00Z
    out = sys.stdout

    def emit(op):
        out.write(json.dumps(op, separators=(",", ":")) + "\n")

    def stamp(step):
        seconds = start + step * (args.days * 86400) // max(1, args.n)
        return "%04d-%02d-%02dT%02d:%02d:%02dZ" % civil(seconds)

    emit({"op": "defineAsset", "symbol": "FET", "decimals": 18, "addressScheme": "any",
          "rewardPolicy": "claim", "unbondingSeconds": 21 * 86400})
    for index in range(args.accounts):
        emit({"op": "mint", "asset": "FET", "to": account(index), "amount": "100000000",
              "time": stamp(0)})
    for index in range(args.validators):
        emit({"op": "registerValidator", "asset": "FET", "validator": validator(index),
              "operator": account(index), "commission": "0.0%d" % (1 + index % 9)})
    for index in range(args.delegators):
        emit({"op": "delegate", "asset": "FET", "delegator": account(index),
              "validator": validator(rng.randrange(args.validators)),
              "amount": str(rng.randrange(1, 5000))})
    day = -1
    for step in range(args.n):
        time = stamp(step)
        today = (step * args.days) // max(1, args.n)
        if today != day:
            day = today
            for index in range(args.validators):
                emit({"op": "reward", "asset": "FET", "validator": validator(index),
                      "amount": "%d.%06d" % (rng.randrange(1, 50), rng.randrange(10**6)),
                      "time": time})
            if day % 90 == 45:
                emit({"op": "slash", "asset": "FET", "validator": validator(rng.randrange(args.validators)),
                      "fraction": "0.0001", "time": time})
            continue
        roll = rng.random()
        sender = pick()
        if roll < 0.01:
            emit({"op": "claim", "asset": "FET", "delegator": account(rng.randrange(args.delegators)),
                  "validator": validator(rng.randrange(args.validators)), "time": time})
        else:
            receiver = pick()
            emit({"op": "transfer", "id": "0x%064x:%d" % (rng.getrandbits(256), rng.randrange(200)),
                  "asset": "FET", "from": account(sender), "to": account(receiver),
                  "amount": "%d.%d" % (rng.randrange(0, 20), rng.randrange(1, 10**6)),
                  "time": time})


def civil(seconds):
    days, rest = divmod(seconds, 86400)
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return (y + (m <= 2), m, d, rest // 3600, rest % 3600 // 60, rest % 60)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Deterministic JSON Lines workload for `tokenledger apply`: an asset, one mint per account,
then N transfers among the accounts with Zipf-skewed senders and receivers (seeded).

python3 tools/bench/gen-transfers.py --n 1000000 --accounts 10000 > /tmp/transfers.jsonl
"""
import argparse
import bisect
import random
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100000)
    parser.add_argument("--accounts", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--zipf", type=float, default=1.1)
    parser.add_argument("--ids", action="store_true", help="give every transfer an on-chain style id")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    weights = [1.0 / (rank ** args.zipf) for rank in range(1, args.accounts + 1)]
    cumulative = []
    total = 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)

    def pick():
        return bisect.bisect_left(cumulative, rng.random() * total)

    out = sys.stdout
    out.write('{"op":"defineAsset","symbol":"TAO","decimals":9,"addressScheme":"any","rewardPolicy":"compound",'
              '"contract":"0x00000000000000000000000000000000000000aa"}\n')
    for index in range(args.accounts):
        out.write('{"op":"mint","asset":"TAO","to":"acct%05d","amount":"1000000"}\n' % index)
    for index in range(args.n):
        sender = pick()
        receiver = pick()
        if receiver == sender:
            receiver = (receiver + 1) % args.accounts
        amount = "%d.%09d" % (rng.randrange(0, 10), rng.randrange(0, 10**9))
        identifier = ',"id":"0x%064x:%d"' % (index, index % 7) if args.ids else ""
        out.write('{"op":"transfer","asset":"TAO","from":"acct%05d","to":"acct%05d","amount":"%s"%s}\n'
                  % (sender, receiver, amount, identifier))


if __name__ == "__main__":
    main()

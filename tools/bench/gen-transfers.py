#!/usr/bin/env python3
"""Deterministic JSON Lines workload for `tokenledger apply`: an asset, one mint per account,
then N transfers among the accounts with Zipf-skewed senders and receivers (seeded).

python3 tools/bench/gen-transfers.py --n 1000000 --accounts 10000 > /tmp/transfers.jsonl
python3 tools/bench/gen-transfers.py --n 1000000 --ids increasing > /tmp/increasing.jsonl
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
    parser.add_argument("--ids", choices=["random", "increasing", "none"], default="random",
                        help="on-chain style ids: random 0x<64 hex>:<log index> as transaction hashes "
                             "are (default), increasing ones (the id index's best case), or none")
    parser.add_argument("--evm", action="store_true",
                        help="accounts are lowercase 0x addresses of an evm-scheme asset (EIP-55 checked)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    ids = random.Random(args.seed + 1)  # its own stream: the transfers are the same either way
    weights = [1.0 / (rank ** args.zipf) for rank in range(1, args.accounts + 1)]
    cumulative = []
    total = 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)

    def pick():
        return bisect.bisect_left(cumulative, rng.random() * total)

    out = sys.stdout
    scheme = "evm" if args.evm else "any"

    def account(index):
        return "0x%040x" % (0xfe7c0000 + index * 7919) if args.evm else "acct%05d" % index

    out.write('{"op":"defineAsset","symbol":"TAO","decimals":9,"addressScheme":"%s","rewardPolicy":"compound",'
              '"contract":"0x00000000000000000000000000000000000000aa"}\n' % scheme)
    # 1,000,000 TAO each up to a million transfers (the workload of every earlier run), more
    # beyond: at 10,000,000 the busiest sender ran dry at transfer 8,627,078.
    opening = 1000000 * max(1, args.n // 1000000)
    for index in range(args.accounts):
        out.write('{"op":"mint","asset":"TAO","to":"%s","amount":"%d"}\n' % (account(index), opening))
    for index in range(args.n):
        sender = pick()
        receiver = pick()
        if receiver == sender:
            receiver = (receiver + 1) % args.accounts
        amount = "%d.%09d" % (rng.randrange(0, 10), rng.randrange(0, 10**9))
        if args.ids == "random":
            identifier = ',"id":"0x%064x:%d"' % (ids.getrandbits(256), ids.randrange(200))
        elif args.ids == "increasing":
            identifier = ',"id":"0x%064x:%d"' % (index, index % 7)
        else:
            identifier = ""
        out.write('{"op":"transfer","asset":"TAO","from":"%s","to":"%s","amount":"%s"%s}\n'
                  % (account(sender), account(receiver), amount, identifier))


if __name__ == "__main__":
    main()

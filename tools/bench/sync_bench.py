#!/usr/bin/env python3
"""Sync from a local EVM against import of the same logs (issue 31's benchmark).

Starts tools/evm-chain/chain.py, makes TRANSFERS skewed random transfers over BLOCKS blocks,
dumps the logs, then times `tokenledger import --kind eth-logs` of the dump and
`tokenledger sync --kind eth-rpc` of the chain into two fresh ledgers (release binary), checks
that both ledgers have the same head hash, and prints both rates and their ratio.

  tools/bench/sync_bench.py [--transfers 100000] [--blocks 10000] [--python .venv-evm/bin/python]
"""
import argparse
import json
import resource
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def rpc(url, method, params=()):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=3600) as answer:
        return json.load(answer)["result"]


def timed(command):
    """Wall seconds and the command's own CPU seconds (user + system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit("%s failed: %s" % (command[:2], result.stderr))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return time.monotonic() - started, cpu


def head(cli, db):
    return json.loads(subprocess.run([cli, "audit", "--db", db, "--format", "json"],
                                     capture_output=True, text=True).stdout)["headHash"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--transfers", type=int, default=100000)
    parser.add_argument("--blocks", type=int, default=10000)
    parser.add_argument("--python", default=os.path.join(ROOT, ".venv-evm/bin/python"))
    parser.add_argument("--cli", default=os.path.join(ROOT, ".build/release/tokenledger"))
    arguments = parser.parse_args()
    work = tempfile.mkdtemp(prefix="tokenledger-sync-bench-")
    port_file = os.path.join(work, "url")
    chain = subprocess.Popen([arguments.python, os.path.join(ROOT, "tools/evm-chain/chain.py"),
                              "--port-file", port_file], stdout=subprocess.DEVNULL)
    try:
        while not os.path.exists(port_file):
            time.sleep(0.2)
        url = open(port_file).read()
        started = time.monotonic()
        per_block = max(1, arguments.transfers // arguments.blocks)
        rpc(url, "harness_transfers", [arguments.transfers, per_block, 31])
        print("chain: %d transfers in %d a block, %.0f s" % (
            arguments.transfers, per_block, time.monotonic() - started), flush=True)
        logs = os.path.join(work, "logs.json")
        count = rpc(url, "harness_dump", [logs])
        token = rpc(url, "harness_token")
        asset = json.dumps({"op": "defineAsset", "symbol": "TOK", "decimals": 18,
                            "addressScheme": "evm", "contract": token})
        databases = {}
        for name in ("import", "sync"):
            db = os.path.join(work, name + ".sqlite")
            subprocess.run([arguments.cli, "init", "--db", db], check=True, capture_output=True)
            subprocess.run([arguments.cli, "apply", "--db", db, "-"], input=asset + "\n",
                           text=True, check=True, capture_output=True)
            databases[name] = db
        import_seconds, import_cpu = timed([arguments.cli, "import", "--db", databases["import"], "--kind",
                                   "eth-logs", logs, "--asset", "TOK"])
        sync_seconds, sync_cpu = timed([arguments.cli, "sync", "--db", databases["sync"], "--kind",
                                 "eth-rpc", "--url", url, "--asset", "TOK", "--confirmations", "0"])
        same = head(arguments.cli, databases["import"]) == head(arguments.cli, databases["sync"])
        blocks = int(rpc(url, "eth_blockNumber"), 16) + 1
        print(json.dumps({
            "transfers": count, "blocks": blocks, "importSeconds": round(import_seconds, 2),
            "importPerSecond": round(count / import_seconds), "syncSeconds": round(sync_seconds, 2),
            "syncPerSecond": round(count / sync_seconds),
            "ratio": round(import_seconds / sync_seconds, 3),
            "importCPUSeconds": round(import_cpu, 2), "syncCPUSeconds": round(sync_cpu, 2),
            "sameHeadHash": same}))
    finally:
        chain.terminate()


if __name__ == "__main__":
    main()

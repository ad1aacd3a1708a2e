#!/usr/bin/env python3
"""A local Ethereum chain on loopback for TokenLedger's sync tests and benchmark.

py-evm (through eth-tester) runs the chain, an ERC-20 compiled from Token.vy with Vyper is
deployed on it, and a small HTTP server answers the standard JSON-RPC calls a syncer makes
(eth_chainId, eth_blockNumber, eth_getBlockByNumber, eth_getLogs, single or batched) with
geth's shapes: lower-case hex quantities and data, logIndex counted across the block.
Nothing is downloaded at run time; the packages are pinned in requirements.txt.

The test drives the chain through extra methods on the same endpoint:
  harness_token                         -> the token's address
  harness_mint [to, value]              one block with a mint
  harness_burn [account_index, value]   one block with a burn by that account
  harness_transfers [count, per_block, seed]
                                        skewed random transfers from the funded accounts to
                                        up to 1000 addresses, `per_block` a block
  harness_mine [n]                      n empty blocks
  harness_reorg [depth, new_blocks]     drop the newest `depth` blocks, mine `new_blocks`
                                        (with one transfer each, so the logs differ too)
  harness_fault [kind, count]           the next `count` calls of a kind answer wrongly:
                                        http503, http429, rpcError, drop (close without an
                                        answer), stall (answer after 3 s), tooMany (eth_getLogs
                                        over more than 2 blocks answers -32005), foreignLog,
                                        outsideRange, badHex, wrongBlock
  harness_dump [path]                   every Transfer log, with its block's timeStamp, as a
                                        JSON array (what `import --kind eth-logs` reads)

Usage: chain.py [--port N] [--port-file PATH]; prints the URL on stdout when ready.
"""
import argparse
import json
import os
import random
import signal
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import vyper
from eth_abi import encode
from eth_tester import EthereumTester, PyEVMBackend
from eth_utils import keccak

TRANSFER = "0x" + keccak(text="Transfer(address,address,uint256)").hex()
GENESIS_TIME = 1_700_000_000
BLOCK_SECONDS = 12


def hexq(number):
    return hex(number)


class Chain:
    """The chain and its token; every call holds the lock (py-evm is not thread-safe)."""

    def __init__(self):
        self.backend = PyEVMBackend(
            genesis_parameters=PyEVMBackend.generate_genesis_params(
                overrides={"timestamp": GENESIS_TIME, "gas_limit": 60_000_000}),
            genesis_state=PyEVMBackend.generate_genesis_state(num_accounts=10))
        self.tester = EthereumTester(self.backend)
        self.accounts = self.tester.get_accounts()
        self.lock = threading.RLock()
        self.logs_by_hash = {}
        self.faults = []
        compiled = vyper.compile_code(
            Path(__file__).with_name("Token.vy").read_text(), output_formats=["bytecode"])
        self.mine([{"from": self.accounts[0], "data": compiled["bytecode"], "gas": 3_000_000}])
        block = self.evm.get_canonical_block_by_number(self.head())
        receipt = self.tester.get_transaction_receipt("0x" + block.transactions[0].hash.hex())
        self.token = receipt["contract_address"].lower()
        # Fund the other accounts so that transfers have senders.
        self.mine([self.call_tx(0, "mint(address,uint256)", ["address", "uint256"],
                                [account, 10**30]) for account in self.accounts])

    @property
    def evm(self):  # replaced by a revert to genesis: never kept
        return self.backend.chain

    def head(self):
        with self.lock:
            return self.evm.get_canonical_head().block_number

    def call_tx(self, sender, signature, types, values):
        data = keccak(text=signature)[:4] + encode(types, values)
        return {"from": self.accounts[sender], "to": self.token, "gas": 200_000,
                "data": "0x" + data.hex()}

    def mine(self, transactions=()):
        """One block with `transactions`, BLOCK_SECONDS after its parent."""
        with self.lock:
            parent = self.evm.get_canonical_head()
            self.evm.header = self.evm.header.copy(timestamp=parent.timestamp + BLOCK_SECONDS)
            nonces, signed = {}, []
            for transaction in transactions:
                transaction = dict(transaction)
                sender = transaction["from"]
                nonces.setdefault(sender, self.tester.get_nonce(sender))
                transaction["nonce"] = nonces[sender]
                nonces[sender] += 1
                inbound = self.tester.normalizer.normalize_inbound_transaction(transaction)
                signed.append(self.backend._get_normalized_and_signed_evm_transaction(inbound))
            # A random mix hash: a block mined again after a reorganisation has another hash.
            self.evm.mine_all(signed, mix_hash=os.urandom(32))
            return self.head()

    def transfers(self, count, per_block, seed):
        rng = random.Random(seed)
        # Skewed: a few receivers get most transfers, as on a real token.
        receivers = ["0x" + rng.randbytes(20).hex() for _ in range(1000)]
        done = 0
        while done < count:
            batch = []
            for _ in range(min(per_block, count - done)):
                receiver = receivers[min(999, int(rng.paretovariate(1.2)) - 1)]
                batch.append(self.call_tx(rng.randrange(len(self.accounts)),
                                          "transfer(address,uint256)", ["address", "uint256"],
                                          [receiver, rng.randrange(1, 10**18)]))
            self.mine(batch)
            done += len(batch)
        return self.head()

    def reorg(self, depth, new_blocks):
        with self.lock:
            keep = self.head() - depth
            header = self.evm.get_canonical_block_header_by_number(keep)
            self.backend.revert_to_snapshot(header.hash)
            for index in range(new_blocks):
                self.mine([self.call_tx(1, "transfer(address,uint256)", ["address", "uint256"],
                                        [self.accounts[2], 1000 + index])])
            return self.head()

    def block(self, number):
        with self.lock:
            if number > self.head():
                return None
            header = self.evm.get_canonical_block_header_by_number(number)
            return {"number": hexq(number), "hash": "0x" + header.hash.hex(),
                    "parentHash": "0x" + header.parent_hash.hex(),
                    "timestamp": hexq(header.timestamp), "miner": "0x" + header.coinbase.hex(),
                    "gasUsed": hexq(header.gas_used), "transactions": [], "uncles": []}

    def block_logs(self, number):
        """Every log of a block, geth-shaped, cached by the block's hash."""
        block = self.evm.get_canonical_block_by_number(number)
        cached = self.logs_by_hash.get(block.hash)
        if cached is not None:
            return cached
        logs, index = [], 0
        for position, (transaction, receipt) in enumerate(
                zip(block.transactions, block.get_receipts(self.evm.chaindb))):
            for log in receipt.logs:
                logs.append({
                    "address": "0x" + log.address.hex(),
                    "topics": ["0x" + topic.to_bytes(32, "big").hex() for topic in log.topics],
                    "data": "0x" + log.data.hex(), "blockNumber": hexq(number),
                    "blockHash": "0x" + block.hash.hex(),
                    "transactionHash": "0x" + transaction.hash.hex(),
                    "transactionIndex": hexq(position), "logIndex": hexq(index),
                    "removed": False})
                index += 1
        self.logs_by_hash[block.hash] = logs
        return logs

    def logs(self, first, last, address, topic):
        with self.lock:
            found = []
            for number in range(first, min(last, self.head()) + 1):
                for log in self.block_logs(number):
                    if address and log["address"] != address:
                        continue
                    if topic and log["topics"][:1] != [topic]:
                        continue
                    found.append(log)
            return found

    def dump(self, path):
        with self.lock:
            logs = []
            for number in range(self.head() + 1):
                time_stamp = self.evm.get_canonical_block_header_by_number(number).timestamp
                for log in self.logs(number, number, self.token, TRANSFER):
                    logs.append(dict(log, timeStamp=hexq(time_stamp)))
        Path(path).write_text(json.dumps(logs))
        return len(logs)

    def take_fault(self, kinds):
        """The kind of the first pending fault among `kinds`, used up once."""
        with self.lock:
            for fault in self.faults:
                if fault[0] in kinds and fault[1] > 0:
                    fault[1] -= 1
                    return fault[0]
        return None


class RPCError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code, self.message = code, message


def block_number(chain, tag):
    if tag in (None, "latest", "safe", "finalized", "pending"):
        return chain.head()
    if tag == "earliest":
        return 0
    if isinstance(tag, str) and tag.startswith("0x"):
        return int(tag, 16)
    raise RPCError(-32602, "invalid block number %r" % (tag,))


def eth_get_logs(chain, params):
    query = params[0]
    first, last = block_number(chain, query.get("fromBlock")), block_number(chain, query.get("toBlock"))
    if first > last:
        raise RPCError(-32000, "invalid block range params")
    if last - first + 1 > 2 and chain.take_fault({"tooMany"}):
        raise RPCError(-32005, "query returned more than 10000 results")
    address = (query.get("address") or "").lower() or None
    topics = query.get("topics") or []
    logs = [dict(log) for log in chain.logs(first, last, address, topics[0] if topics else None)]
    fault = chain.take_fault({"foreignLog", "outsideRange", "badHex"}) if logs else None
    if fault == "foreignLog":
        logs[0]["address"] = "0x" + "ab" * 20
    elif fault == "outsideRange":
        logs[0]["blockNumber"] = hexq(last + 3)
    elif fault == "badHex":
        logs[0]["data"] = "0xZZ" + logs[0]["data"][4:]
    return logs


def dispatch(chain, method, params):
    if method == "eth_chainId":
        return hexq(chain.evm.chain_id)
    if method == "eth_blockNumber":
        return hexq(chain.head())
    if method == "eth_getBlockByNumber":
        block = chain.block(block_number(chain, params[0]))
        if block is not None and chain.take_fault({"wrongBlock"}):
            block["number"] = hexq(int(block["number"], 16) + 1)
        return block
    if method == "eth_getLogs":
        return eth_get_logs(chain, params)
    if method == "harness_token":
        return chain.token
    if method == "harness_mint":
        return chain.mine([chain.call_tx(0, "mint(address,uint256)", ["address", "uint256"],
                                         [params[0], int(params[1])])])
    if method == "harness_burn":
        return chain.mine([chain.call_tx(int(params[0]), "burn(uint256)", ["uint256"],
                                         [int(params[1])])])
    if method == "harness_transfers":
        return chain.transfers(int(params[0]), int(params[1]), int(params[2]))
    if method == "harness_mine":
        for _ in range(int(params[0]) if params else 1):
            chain.mine()
        return chain.head()
    if method == "harness_reorg":
        return chain.reorg(int(params[0]), int(params[1]))
    if method == "harness_fault":
        with chain.lock:
            chain.faults.append([params[0], int(params[1])])
        return True
    if method == "harness_dump":
        return chain.dump(params[0])
    raise RPCError(-32601, "the method %s does not exist/is not available" % method)


def answer(chain, request):
    ident = request.get("id") if isinstance(request, dict) else None
    try:
        if not isinstance(request, dict) or "method" not in request:
            raise RPCError(-32600, "invalid request")
        if not request["method"].startswith("harness_") and chain.take_fault({"rpcError"}):
            raise RPCError(-32603, "internal error (injected)")
        result = dispatch(chain, request["method"], request.get("params") or [])
        return {"jsonrpc": "2.0", "id": ident, "result": result}
    except RPCError as error:
        return {"jsonrpc": "2.0", "id": ident, "error": {"code": error.code, "message": error.message}}


def serve(chain, port):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            request = json.loads(body)
            control = isinstance(request, dict) and str(request.get("method", "")).startswith("harness_")
            if not control:
                fault = chain.take_fault({"http503", "http429", "drop", "stall"})
                if fault == "drop":
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                if fault == "stall":
                    time.sleep(3)
                if fault in ("http503", "http429"):
                    self.reply(int(fault[4:]), b"busy")
                    return
            if isinstance(request, list):
                response = [answer(chain, item) for item in request]
            else:
                response = answer(chain, request)
            self.reply(200, json.dumps(response).encode())

        def reply(self, status, body):
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *arguments):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    return server


def main():
    # A parent may have blocked these (Foundation's Process keeps its mask): stop when asked.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file", help="write the URL here once serving")
    arguments = parser.parse_args()
    chain = Chain()
    server = serve(chain, arguments.port)
    url = "http://127.0.0.1:%d" % server.server_address[1]
    if arguments.port_file:
        Path(arguments.port_file + ".tmp").write_text(url)
        os.replace(arguments.port_file + ".tmp", arguments.port_file)
    print(url, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Writes Tests/corpus/: malformed inputs that must each be refused with exit 2 and leave the
ledger exactly as it was. One file per case; the folder says which command reads it:
apply/ (JSON Lines), load/ (fixtures), etherscan/ (Etherscan CSV), etl/ (ethereum-etl
token_transfers CSV), logs/ (eth_getLogs JSON). The 10 MB line is made by the test itself.

Run from the repository root: python3 tools/gen-hostile-corpus.py
"""
import json
import os
import shutil

ROOT = os.path.join(os.path.dirname(__file__), "..", "Tests", "corpus")
A = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
B = "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"
HASH = "0x" + "ab" * 32
CONTRACT = "0xaea46a60368a7bd060eec7df8cba43b7ef41ad85"
TOPIC = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"
PAD = "0x000000000000000000000000"


def transfer(**fields):
    base = {"op": "transfer", "asset": "FET", "from": A, "to": B, "amount": "1"}
    base.update(fields)
    return json.dumps(base)


def write(folder, name, content):
    path = os.path.join(ROOT, folder)
    os.makedirs(path, exist_ok=True)
    mode = "wb" if isinstance(content, bytes) else "w"
    with open(os.path.join(path, name), mode) as handle:
        handle.write(content)


def apply_cases():
    good = transfer(amount="1") + "\n"
    cases = {
        "amount-100-digits": transfer(amount="1" + "0" * 100),
        "amount-json-number": transfer(amount=5),
        "amount-huge-json-number": '{"op":"transfer","asset":"FET","from":"%s","to":"%s","amount":1e309}' % (A, B),
        "amount-negative": transfer(amount="-1"),
        "amount-exponent": transfer(amount="1e3"),
        "amount-space": transfer(amount=" 1"),
        "amount-leading-dot": transfer(amount=".5"),
        "amount-trailing-dot": transfer(amount="1."),
        "amount-leading-zero": transfer(amount="01"),
        "amount-hex": transfer(amount="0x10"),
        "amount-thousands": transfer(amount="1,000"),
        "amount-infinity": transfer(amount="∞"),
        "amount-nan": transfer(amount="NaN"),
        "amount-19-decimals": transfer(amount="1.0000000000000000000"),
        "amount-overflow": json.dumps({"op": "mint", "asset": "FET", "to": A, "amount": "340282366920938463464"}),
        "amount-empty": transfer(amount=""),
        "amount-null": transfer(amount=None),
        "amount-array": transfer(amount=["1"]),
        "amount-arabic-digits": transfer(amount="١٢"),
        "address-bad-checksum": transfer(to="0xFB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"),
        "address-short": transfer(to="0x1234"),
        "address-no-prefix": transfer(to=B[2:]),
        "address-sql": transfer(to="x'); DROP TABLE balances; --"),
        "address-sql-quote": transfer(to="0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe'"),
        "address-path": transfer(to="../../etc/passwd"),
        "address-unicode-lookalike": transfer(to="0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAеd"),
        "address-system": transfer(to="@supply"),
        "address-empty": transfer(to=""),
        "address-zero-receiver": transfer(to="0x0000000000000000000000000000000000000000"),
        "asset-path": transfer(asset="../FET"),
        "asset-sql": transfer(asset="FET' OR '1'='1"),
        "asset-unknown": transfer(asset="XYZ"),
        "op-unknown": json.dumps({"op": "teleport", "asset": "FET"}),
        "op-missing": json.dumps({"asset": "FET", "to": A, "amount": "1"}),
        "op-number": json.dumps({"op": 7}),
        "op-sql": json.dumps({"op": "mint; DELETE FROM entries"}),
        "field-extra": transfer(memo="hi"),
        "field-missing-to": json.dumps({"op": "transfer", "asset": "FET", "from": A, "amount": "1"}),
        "field-paused-string": json.dumps({"op": "setPaused", "asset": "FET", "paused": "yes"}),
        "field-height-negative": transfer(height=-1),
        "field-height-huge": transfer(height=10**30),
        "field-height-fraction": transfer(height=1.5),
        "field-time-bad": transfer(time="2024-02-30T00:00:00Z"),
        "field-time-offset": transfer(time="2024-01-01T00:00:00+01:00"),
        "field-id-empty": transfer(id=""),
        "field-id-long": transfer(id="x" * 300),
        "field-expect-error": transfer(expectError="insufficientBalance"),
        "json-not-object": "[1, 2, 3]",
        "json-string": '"transfer"',
        "json-truncated": transfer()[:-5],
        "json-trailing-garbage": transfer() + " xyz",
        "json-duplicate-key": '{"op":"mint","asset":"FET","to":"%s","amount":"1","amount":"2"}' % A,
        "json-single-quotes": "{'op': 'mint'}",
        "json-comment": transfer() + " // comment",
        "json-deep-nesting": '{"op":' + "[" * 5000 + "]" * 5000 + "}",
        "json-deep-objects": '{"a":' * 3000 + "1" + "}" * 3000,
        "json-unpaired-surrogate": '{"op":"mint","asset":"FET","to":"\\ud800","amount":"1"}',
        "json-control-char": '{"op":"mint","asset":"FET","to":"a\x01b","amount":"1"}',
        "unknown-hold": json.dumps({"op": "settle", "hold": "nope"}),
        "unknown-validator": json.dumps({"op": "delegate", "asset": "FET", "delegator": A, "validator": B, "amount": "1"}),
        "insufficient-balance": transfer(amount="1000000"),
        "clock-backwards": transfer(height=1) + "\n" + transfer(height=0),
        "duplicate-id-different": transfer(id="x", amount="1") + "\n" + transfer(id="x", amount="2"),
        "define-asset-conflict": json.dumps({"op": "defineAsset", "symbol": "FET", "decimals": 6, "addressScheme": "evm"}),
        "define-asset-decimals-39": json.dumps({"op": "defineAsset", "symbol": "BIG", "decimals": 39, "addressScheme": "evm"}),
        "define-asset-scheme-unknown": json.dumps({"op": "defineAsset", "symbol": "SOL", "decimals": 9, "addressScheme": "base58"}),
        "slash-fraction-over-one": json.dumps({"op": "slash", "asset": "FET", "validator": A, "fraction": "1.5"}),
        "good-then-bad": good + transfer(amount="-1"),
    }
    for index, (name, text) in enumerate(sorted(cases.items())):
        write("apply", f"{index:03d}-{name}.jsonl", text + "\n")
    binary = {
        "invalid-utf8": b'{"op":"mint","asset":"FET","to":"\xff\xfe","amount":"1"}\n',
        "nul-byte": b'{"op":"mint","asset":"FET","to":"a\x00b","amount":"1"}\n',
        "nul-outside-string": b'{"op":"mint"\x00}\n',
        "bom-line": b'\xef\xbb\xbf' + transfer().encode() + b"\n",
        "latin1-text": '{"op":"mint","asset":"FET","to":"caf\xe9","amount":"1"}\n'.encode("latin-1"),
    }
    for index, (name, data) in enumerate(sorted(binary.items()), start=len(cases)):
        write("apply", f"{index:03d}-{name}.jsonl", data)


def fixture(**override):
    base = {"format": "tokenledger-fixture/1",
            "assets": [{"symbol": "X", "decimals": 2, "addressScheme": "evm"}],
            "operations": [{"op": "mint", "asset": "X", "to": A, "amount": "1"}]}
    base.update(override)
    return json.dumps(base)


def load_cases():
    cases = {
        "format-missing": json.dumps({"assets": [], "operations": []}),
        "format-wrong": fixture(format="tokenledger-fixture/2"),
        "operations-object": fixture(operations={}),
        "operations-strings": fixture(operations=["mint"]),
        "assets-missing-decimals": fixture(assets=[{"symbol": "X", "addressScheme": "evm"}]),
        "assets-decimals-string": fixture(assets=[{"symbol": "X", "decimals": "2", "addressScheme": "evm"}]),
        "assets-symbol-empty": fixture(assets=[{"symbol": "", "decimals": 2, "addressScheme": "evm"}]),
        "assets-symbol-slash": fixture(assets=[{"symbol": "a/b", "decimals": 2, "addressScheme": "evm"}]),
        "expect-error-unknown-code": fixture(operations=[{"op": "mint", "asset": "X", "to": A, "amount": "1", "expectError": "kaboom"}]),
        "expect-error-not-raised": fixture(operations=[{"op": "mint", "asset": "X", "to": A, "amount": "1", "expectError": "insufficientBalance"}]),
        "expect-balance-bad-bucket": fixture(expect={"balances": [{"account": A, "asset": "X", "pocket": "1"}]}),
        "expect-balance-number": fixture(expect={"balances": [{"account": A, "asset": "X", "available": 1}]}),
        "expect-unknown-field": fixture(expect={"balance": []}),
        "top-level-extra": fixture(extra=True),
        "top-level-array": "[]",
        "truncated": fixture()[:40],
        "deep-nesting": '{"format":' + "[" * 4000 + "]" * 4000 + "}",
        "operation-invalid-amount": fixture(operations=[{"op": "mint", "asset": "X", "to": A, "amount": "1.001"}]),
        "operation-bad-address": fixture(operations=[{"op": "mint", "asset": "X", "to": "robert'); DROP TABLE accounts;--", "amount": "1"}]),
        "operation-fails": fixture(operations=[{"op": "burn", "asset": "X", "from": A, "amount": "1"}]),
    }
    for index, (name, text) in enumerate(sorted(cases.items())):
        write("load", f"{index:03d}-{name}.json", text)
    write("load", f"{len(cases):03d}-invalid-utf8.json", fixture().encode().replace(b'"X"', b'"\xff"', 1))
    write("load", f"{len(cases) + 1:03d}-nul-byte.json", fixture().encode().replace(b"mint", b"mi\x00nt", 1))


ETHERSCAN_HEADER = '"Transaction Hash","Blockno","UnixTimestamp","DateTime (UTC)","From","To","Quantity","Method"\n'


def etherscan_row(hash_=HASH, block="1", frm=A, to=B, qty="1"):
    return f'"{hash_}","{block}","1600000000","2020-09-13 12:26:40","{frm}","{to}","{qty}","Transfer"\n'


def csv_cases():
    cases = {
        "empty": "",
        "wrong-header": '"Hash","Block","From","To","Amount"\n' + etherscan_row(),
        "unclosed-quote": ETHERSCAN_HEADER + '"' + HASH + ',"1"\n',
        "quote-in-field": ETHERSCAN_HEADER + etherscan_row(qty='1"0'),
        "quantity-19-decimals": ETHERSCAN_HEADER + etherscan_row(qty="1.0000000000000000001"),
        "quantity-negative": ETHERSCAN_HEADER + etherscan_row(qty="-5"),
        "quantity-bad-grouping": ETHERSCAN_HEADER + etherscan_row(qty="1,00"),
        "quantity-huge": ETHERSCAN_HEADER + etherscan_row(qty="9" * 60),
        "address-invalid": ETHERSCAN_HEADER + etherscan_row(to="0x123"),
        "address-sql": ETHERSCAN_HEADER + etherscan_row(to="'; DROP TABLE entries; --"),
        "hash-not-hex": ETHERSCAN_HEADER + etherscan_row(hash_="0x" + "zz" * 32),
        "hash-short": ETHERSCAN_HEADER + etherscan_row(hash_="0x1234"),
        "block-not-number": ETHERSCAN_HEADER + etherscan_row(block="eleven"),
        "too-few-fields": ETHERSCAN_HEADER + '"' + HASH + '","1"\n',
        "sender-short-strict": ETHERSCAN_HEADER + etherscan_row(frm=B, to=A, qty="5"),
    }
    for index, (name, text) in enumerate(sorted(cases.items())):
        write("etherscan", f"{index:03d}-{name}.csv", text)
    write("etherscan", f"{len(cases):03d}-invalid-utf8.csv", (ETHERSCAN_HEADER + etherscan_row()).encode().replace(b"Transfer", b"Tr\xffnsfer"))
    write("etherscan", f"{len(cases) + 1:03d}-nul-byte.csv", (ETHERSCAN_HEADER + etherscan_row()).encode().replace(b"2020", b"20\x0020"))
    etl_header = "token_address,from_address,to_address,value,transaction_hash,log_index,block_number\n"
    etl = {
        "value-overflow": etl_header + f"{CONTRACT},{A},{B},{'9' * 50},{HASH},0,1\n",
        "value-decimal": etl_header + f"{CONTRACT},{A},{B},1.5,{HASH},0,1\n",
        "value-negative": etl_header + f"{CONTRACT},{A},{B},-1,{HASH},0,1\n",
        "log-index-text": etl_header + f"{CONTRACT},{A},{B},1,{HASH},first,1\n",
        # One past Limits.heightMax (2^62 - 1): once imported, then refused by replay.
        "block-above-limit": etl_header + f"{CONTRACT},{A},{B},1,{HASH},0,{2 ** 62}\n",
        "missing-column": "token_address,from_address,to_address,value\n" + f"{CONTRACT},{A},{B},1\n",
        "jsonl-truncated": json.dumps({"token_address": CONTRACT, "from_address": A, "to_address": B, "value": "1",
                                       "transaction_hash": HASH, "log_index": 0, "block_number": 1})[:-10] + "\n",
    }
    for index, (name, text) in enumerate(sorted(etl.items())):
        write("etl", f"{index:03d}-{name}.{'jsonl' if 'jsonl' in name else 'csv'}", text)


def log(**override):
    base = {"address": CONTRACT, "topics": [TOPIC, PAD + A[2:].lower(), PAD + B[2:].lower()],
            "data": "0x" + "0" * 63 + "1", "blockNumber": "0x10", "transactionHash": HASH, "logIndex": "0x0"}
    base.update(override)
    return base


def logs_cases():
    cases = {
        "empty": "",
        "truncated": json.dumps([log()])[:-20],
        "not-json": "hello",
        "number": "42",
        "element-not-object": json.dumps([1]),
        "topic-not-hex": json.dumps([log(topics=[TOPIC, "0xzz", PAD + B[2:]])]),
        "topic-not-address": json.dumps([log(topics=[TOPIC, "0x" + "f" * 64, PAD + B[2:]])]),
        "topics-two": json.dumps([log(topics=[TOPIC, PAD + A[2:]])]),
        "topics-missing": json.dumps([{k: v for k, v in log().items() if k != "topics"}]),
        "data-short": json.dumps([log(data="0x01")]),
        "data-not-hex": json.dumps([log(data="0x" + "g" * 64)]),
        "data-overflow": json.dumps([log(data="0x" + "f" * 64)]),
        "hash-missing": json.dumps([{k: v for k, v in log().items() if k != "transactionHash"}]),
        "hash-short": json.dumps([log(transactionHash="0x12")]),
        "log-index-missing": json.dumps([{k: v for k, v in log().items() if k != "logIndex"}]),
        "log-index-bad-hex": json.dumps([log(logIndex="0xqq")]),
        "block-bad": json.dumps([log(blockNumber="lots")]),
        "block-above-limit": json.dumps([log(blockNumber=hex(2 ** 62))]),
        "time-above-limit": json.dumps([log(timeStamp=hex(2 ** 63 - 1))]),
        "rpc-result-object": json.dumps({"jsonrpc": "2.0", "result": {"a": 1}}),
        "deep-nesting": "[" * 5000 + "]" * 5000,
        "trailing-comma": json.dumps([log()])[:-1] + ",]",
        "garbage-between": json.dumps(log()) + " garbage " + json.dumps(log()),
        "sender-short-strict": json.dumps([log(topics=[TOPIC, PAD + B[2:].lower(), PAD + A[2:].lower()])]),
    }
    for index, (name, text) in enumerate(sorted(cases.items())):
        write("logs", f"{index:03d}-{name}.json", text)
    write("logs", f"{len(cases):03d}-invalid-utf8.json", json.dumps([log()]).encode().replace(b"0x10", b"0x1\xff"))


if __name__ == "__main__":
    shutil.rmtree(ROOT, ignore_errors=True)
    apply_cases()
    load_cases()
    csv_cases()
    logs_cases()
    count = sum(len(files) for _, _, files in os.walk(ROOT))
    print(f"wrote {count} hostile inputs to Tests/corpus/")

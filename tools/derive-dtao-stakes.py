#!/usr/bin/env python3
"""Derive fixtures/real/subtensor-stakes-netuid1-block6852690.json (as stakes.json) from recorded Bittensor mainnet (finney) runtime-API responses.

Source (MIT licensed, opentensor/bittensor):
    tests/helpers/integration_websocket_data.py  at commit
    bb526e6d61210ef2ee0e229f63ca5518381ff5a7  (entry added in 563a8e16854eb8d27530689a942215f4cac46d80)
    key WEBSOCKET_RESPONSES["metagraph"], recorded at block 6852690
    (hash 0xdb13c066e2c63969f140164fb3bfe7a0aaa7b71407fc0fe525d68e57329ef9d0), runtime specVersion 343.

It contains three raw SCALE-encoded `state_call` results for netuid 1:
    NeuronInfoRuntimeApi_get_neurons_lite      -> Vec<NeuronInfoLite>
    SubnetInfoRuntimeApi_get_subnet_state      -> Option<SubnetState>
    SubnetInfoRuntimeApi_get_selective_mechagraph (all 74 fields) -> Option<SelectiveMetagraph>
Struct layouts are taken from opentensor/subtensor at the spec_version 343 commit
3975359ddd0bf023a39788527fe9c3eeffea398d (pallets/subtensor/src/rpc_info/{neuron_info,show_subnet,metagraph}.rs).

No third-party packages: pure-Python SCALE decoding + SS58 (prefix 42) encoding.
The source file is parsed with `ast` (never executed).

Usage:
    python3 tools/derive-dtao-stakes.py [PATH_TO_integration_websocket_data.py]

Each `stake` is a hotkey's TOTAL alpha on netuid 1 (every nominator together), paired with the
hotkey's owner coldkey as the chain's response pairs them: no public record holds per-coldkey
positions.
If no path is given it is read with `git show` from the local mirror of opentensor/bittensor.
Writes stakes.json and decoded_metagraph_netuid1.json next to this script and runs self-checks.
"""
import ast
import hashlib
import json
import os
import subprocess
import sys

MIRROR = "/work/.mirror/opentensor+bittensor/repo"
COMMIT = "bb526e6d61210ef2ee0e229f63ca5518381ff5a7"
SRC_PATH = "tests/helpers/integration_websocket_data.py"
SEED = "metagraph"
BLOCK_HASH = "0xdb13c066e2c63969f140164fb3bfe7a0aaa7b71407fc0fe525d68e57329ef9d0"
MAX_STAKES = 40
HERE = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------- SS58
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58encode(b: bytes) -> str:
    n = int.from_bytes(b, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = B58[r] + out
    pad = len(b) - len(b.lstrip(b"\0"))
    return "1" * pad + out


def ss58(pub: bytes, prefix: int = 42) -> str:
    assert len(pub) == 32 and prefix < 64
    payload = bytes([prefix]) + pub
    chk = hashlib.blake2b(b"SS58PRE" + payload, digest_size=64).digest()[:2]
    return b58encode(payload + chk)


# ---------------------------------------------------------------- SCALE
class R:
    def __init__(self, data: bytes):
        self.d, self.i = data, 0

    def take(self, n):
        assert self.i + n <= len(self.d), "read past end"
        v = self.d[self.i:self.i + n]
        self.i += n
        return v

    def u(self, n):
        return int.from_bytes(self.take(n), "little")

    def compact(self):
        b0 = self.d[self.i]
        mode = b0 & 3
        if mode == 0:
            return self.u(1) >> 2
        if mode == 1:
            return self.u(2) >> 2
        if mode == 2:
            return self.u(4) >> 2
        self.i += 1
        return self.u((b0 >> 2) + 4)

    def boolean(self):
        v = self.u(1)
        assert v in (0, 1)
        return bool(v)

    def account(self):
        return ss58(self.take(32))

    def vec(self, f):
        return [f() for _ in range(self.compact())]

    def option(self, f):
        t = self.u(1)
        assert t in (0, 1), f"bad option tag {t} at {self.i - 1}"
        return f() if t else None

    def bytes_(self):
        return self.take(self.compact())

    def done(self):
        return self.i == len(self.d)


def axon(r):
    return dict(block=r.u(8), version=r.u(4), ip=r.u(16), port=r.u(2), ip_type=r.u(1),
                protocol=r.u(1), placeholder1=r.u(1), placeholder2=r.u(1))


def prometheus(r):
    return dict(block=r.u(8), version=r.u(4), ip=r.u(16), port=r.u(2), ip_type=r.u(1))


def neuron_lite(r):
    return dict(
        hotkey=r.account(), coldkey=r.account(), uid=r.compact(), netuid=r.compact(),
        active=r.boolean(), axon_info=axon(r), prometheus_info=prometheus(r),
        stake=r.vec(lambda: (r.account(), r.compact())),
        rank=r.compact(), emission=r.compact(), incentive=r.compact(), consensus=r.compact(),
        trust=r.compact(), validator_trust=r.compact(), dividends=r.compact(),
        last_update=r.compact(), validator_permit=r.boolean(), pruning_score=r.compact())


def subnet_state(r):
    c = r.compact
    return dict(
        netuid=c(), hotkeys=r.vec(r.account), coldkeys=r.vec(r.account),
        active=r.vec(r.boolean), validator_permit=r.vec(r.boolean),
        pruning_score=r.vec(c), last_update=r.vec(c), emission=r.vec(c), dividends=r.vec(c),
        incentives=r.vec(c), consensus=r.vec(c), trust=r.vec(c), rank=r.vec(c),
        block_at_registration=r.vec(c), alpha_stake=r.vec(c), tao_stake=r.vec(c),
        total_stake=r.vec(c), emission_history=r.vec(lambda: r.vec(c)))


def selective_metagraph(r):
    c, o, b, v = r.compact, r.option, r.boolean, r.vec
    text = lambda: bytes(v(c)).decode("utf-8", "replace")  # Vec<Compact<u8>>
    utf = lambda: r.bytes_().decode("utf-8", "replace")    # Vec<u8>
    ident3 = lambda: dict(subnet_name=utf(), github_repo=utf(), subnet_contact=utf(), subnet_url=utf(),
                          discord=utf(), description=utf(), logo_url=utf(), additional=utf())
    chain_ident2 = lambda: dict(name=utf(), url=utf(), github_repo=utf(), image=utf(),
                                discord=utf(), description=utf(), additional=utf())
    m = {"netuid": c()}
    spec = [
        ("name", text), ("symbol", text), ("identity", lambda: o(ident3)), ("network_registered_at", c),
        ("owner_hotkey", r.account), ("owner_coldkey", r.account),
        ("block", c), ("tempo", c), ("last_step", c), ("blocks_since_last_step", c),
        ("subnet_emission", c), ("alpha_in", c), ("alpha_out", c), ("tao_in", c),
        ("alpha_out_emission", c), ("alpha_in_emission", c), ("tao_in_emission", c),
        ("pending_alpha_emission", c), ("pending_root_emission", c), ("subnet_volume", c),
        ("moving_price_bits", lambda: r.u(16)),  # I96F32 as raw 128-bit
        ("rho", c), ("kappa", c),
        ("min_allowed_weights", c), ("max_weights_limit", c), ("weights_version", c),
        ("weights_rate_limit", c), ("activity_cutoff", c), ("max_validators", c),
        ("num_uids", c), ("max_uids", c), ("burn", c), ("difficulty", c),
        ("registration_allowed", b), ("pow_registration_allowed", b), ("immunity_period", c),
        ("min_difficulty", c), ("max_difficulty", c), ("min_burn", c), ("max_burn", c),
        ("adjustment_alpha", c), ("adjustment_interval", c), ("target_regs_per_interval", c),
        ("max_regs_per_block", c), ("serving_rate_limit", c),
        ("commit_reveal_weights_enabled", b), ("commit_reveal_period", c),
        ("liquid_alpha_enabled", b), ("alpha_high", c), ("alpha_low", c), ("bonds_moving_avg", c),
        ("hotkeys", lambda: v(r.account)), ("coldkeys", lambda: v(r.account)),
        ("identities", lambda: v(lambda: o(chain_ident2))), ("axons", lambda: v(lambda: axon(r))),
        ("active", lambda: v(b)), ("validator_permit", lambda: v(b)),
        ("pruning_score", lambda: v(c)), ("last_update", lambda: v(c)), ("emission", lambda: v(c)),
        ("dividends", lambda: v(c)), ("incentives", lambda: v(c)), ("consensus", lambda: v(c)),
        ("trust", lambda: v(c)), ("rank", lambda: v(c)), ("block_at_registration", lambda: v(c)),
        ("alpha_stake", lambda: v(c)), ("tao_stake", lambda: v(c)), ("total_stake", lambda: v(c)),
        ("tao_dividends_per_hotkey", lambda: v(lambda: (r.account(), c()))),
        ("alpha_dividends_per_hotkey", lambda: v(lambda: (r.account(), c()))),
        ("validators", lambda: v(c)),
        ("commitments", lambda: v(lambda: (r.account(), bytes(v(c)).hex()))),
    ]
    assert len(spec) + 1 == 74
    for name, f in spec:
        m[name] = o(f)
    return m


# ---------------------------------------------------------------- source
def load_source(argv):
    if len(argv) > 1:
        with open(argv[1], encoding="utf-8") as fh:
            return fh.read()
    return subprocess.check_output(["git", "-C", MIRROR, "show", f"{COMMIT}:{SRC_PATH}"], text=True)


def recorded_state_calls(text):
    tree = ast.parse(text)
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "WEBSOCKET_RESPONSES":
            top = node.value
            break
    else:
        raise SystemExit("WEBSOCKET_RESPONSES not found")

    def get(dnode, key):
        for k, val in zip(dnode.keys, dnode.values):
            if isinstance(k, ast.Constant) and k.value == key:
                return val
        raise KeyError(key)

    seed = get(top, SEED)
    header = ast.literal_eval(get(seed, "chain_getHeader"))
    calls = ast.literal_eval(get(seed, "state_call"))
    out = {}
    for params, resp in calls.items():
        method, arg, bh = json.loads(params)
        assert bh == BLOCK_HASH
        out[method] = (arg, bytes.fromhex(resp["result"][2:]))
    block = int(header[json.dumps([BLOCK_HASH])]["result"]["number"], 16)
    return block, out


def main(argv):
    block, calls = recorded_state_calls(load_source(argv))
    arg, raw = calls["NeuronInfoRuntimeApi_get_neurons_lite"]
    assert arg == "0100"  # netuid 1 (u16 LE)
    r = R(raw); neurons = r.vec(lambda: neuron_lite(r)); assert r.done()
    r = R(calls["SubnetInfoRuntimeApi_get_subnet_state"][1]); st = r.option(lambda: subnet_state(r)); assert r.done()
    r = R(calls["SubnetInfoRuntimeApi_get_selective_mechagraph"][1]); mg = r.option(lambda: selective_metagraph(r)); assert r.done()

    # consistency checks between the three independent recordings
    netuid = mg["netuid"]
    assert netuid == 1 and st["netuid"] == 1 and all(n["netuid"] == 1 for n in neurons)
    assert mg["block"] == block == 6852690, (mg["block"], block)
    assert [n["hotkey"] for n in neurons] == st["hotkeys"] == mg["hotkeys"]
    assert [n["coldkey"] for n in neurons] == st["coldkeys"] == mg["coldkeys"]
    assert st["alpha_stake"] == mg["alpha_stake"]
    assert all(len(n["stake"]) == 1 and n["stake"][0][0] == n["coldkey"] for n in neurons)

    # stakes: NeuronInfoLite.stake = [(owner coldkey, TotalHotkeyAlpha(hotkey, netuid))]
    rows = [dict(coldkey=n["coldkey"], hotkey=n["hotkey"], netuid=netuid, stake=n["stake"][0][1], uid=n["uid"])
            for n in neurons if n["stake"][0][1] > 0]
    rows.sort(key=lambda x: (-x["stake"], x["uid"]))
    picked = sorted(rows[:MAX_STAKES], key=lambda x: x["uid"])
    stakes = [{k: x[k] for k in ("coldkey", "hotkey", "netuid", "stake")} for x in picked]
    out = {"block": block, "stakes": stakes,
           "subnets": [{"netuid": netuid, "taoIn": mg["tao_in"], "alphaIn": mg["alpha_in"]}]}
    with open(os.path.join(HERE, "stakes.json"), "w") as fh:
        json.dump(out, fh, indent=2)
        fh.write("\n")

    # full decoded extract for reference (per-uid table + pool)
    table = [dict(uid=n["uid"], hotkey=n["hotkey"], coldkey=n["coldkey"],
                  total_hotkey_alpha=n["stake"][0][1], alpha_stake_weight=st["alpha_stake"][i],
                  tao_stake_weight=st["tao_stake"][i], total_stake_weight=st["total_stake"][i],
                  validator_permit=n["validator_permit"])
             for i, n in enumerate(neurons)]
    pool = {k: mg[k] for k in ("netuid", "name", "symbol", "block", "owner_hotkey", "owner_coldkey", "tempo",
                               "last_step", "blocks_since_last_step", "alpha_in", "alpha_out", "tao_in",
                               "alpha_in_emission", "alpha_out_emission", "tao_in_emission",
                               "pending_alpha_emission", "pending_root_emission", "subnet_volume",
                               "moving_price_bits", "num_uids", "max_uids", "burn")}
    with open(os.path.join(HERE, "decoded_metagraph_netuid1.json"), "w") as fh:
        json.dump({"source": f"opentensor/bittensor@{COMMIT}:{SRC_PATH} [{SEED!r}]",
                   "block_hash": BLOCK_HASH, "pool": pool, "neurons": table}, fh, indent=1)
        fh.write("\n")

    print(f"block {block}, netuid {netuid} ({mg['name']}), {len(neurons)} uids, "
          f"{len(rows)} with nonzero TotalHotkeyAlpha; wrote {len(stakes)} stakes")
    print(f"tao_in={mg['tao_in']} alpha_in={mg['alpha_in']} alpha_out={mg['alpha_out']} "
          f"price~{mg['tao_in'] / mg['alpha_in']:.6f} TAO/alpha")
    print(f"sum TotalHotkeyAlpha over all uids = {sum(r_['stake'] for r_ in rows)}")


if __name__ == "__main__":
    main(sys.argv)

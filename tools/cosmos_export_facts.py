#!/usr/bin/env python3
"""Independent facts about a Cosmos SDK v0.39 (amino JSON) state export.

stdlib only, exact integer arithmetic (sdk.Dec values are held as integers
scaled by 10**18; no float anywhere).  Usage:
    python3 cosmos_export_facts.py [export.json] [query_height]
"""
import json
import sys
from collections import defaultdict
from fractions import Fraction

PATH = sys.argv[1] if len(sys.argv) > 1 else __import__("os").path.join(__import__("os").path.dirname(__file__), "..", "fixtures", "real", "fetchhub-test-2-export-953700.json")
HEIGHT = int(sys.argv[2]) if len(sys.argv) > 2 else 953700  # block height a query would run at
DENOM = "atestfet"
P = 10 ** 18  # sdk.Dec precision


# ---------- sdk.Dec emulation on scaled integers (non-negative operands) ----------
def dec(s):
    """Parse an sdk.Dec string ("123.000000000000000001") into an int scaled by 10**18."""
    s = s.strip()
    neg = s.startswith("-")
    if neg:
        s = s[1:]
    whole, _, frac = s.partition(".")
    if len(frac) > 18:
        raise ValueError("more than 18 decimals: " + s)
    v = int(whole or "0") * P + int((frac + "0" * 18)[:18] or "0")
    return -v if neg else v


def fmt(v):
    sign = "-" if v < 0 else ""
    v = abs(v)
    return "%s%d.%018d" % (sign, v // P, v % P)


def chop_round_half_even(x):  # chopPrecisionAndRound, x >= 0
    q, r = divmod(x, P)
    if r * 2 < P:
        return q
    if r * 2 > P:
        return q + 1
    return q if q % 2 == 0 else q + 1


def mul_trunc(a, b):      # Dec.MulTruncate
    return (a * b) // P


def mul_int(a, i):        # Dec.MulInt  (exact)
    return a * i


def quo(a, b):            # Dec.Quo: (a*10^36 // b) then banker's rounding of the last 18 digits
    return chop_round_half_even((a * P * P) // b)


def quo_trunc(a, b):      # Dec.QuoTruncate
    return ((a * P * P) // b) // P


def coins_amount(coins, denom=DENOM):
    """Sum of `amount` for denom in a list of {"amount","denom"} (Coins or DecCoins)."""
    tot = 0
    for c in coins or []:
        if c["denom"] == denom:
            tot += dec(c["amount"]) if "." in c["amount"] else int(c["amount"]) * P
    return tot  # scaled by 10**18


d = json.load(open(PATH))
app = d["app_state"]

# ---------- accounts ----------
accounts = app["auth"]["accounts"]
customers, modules = {}, {}
for a in accounts:
    v = a["value"]
    amt = coins_amount(v.get("coins")) // P
    if a["type"] == "cosmos-sdk/ModuleAccount":
        modules[v["name"]] = (v["address"], amt)
    else:
        customers[v["address"]] = amt
print("== accounts")
print("account types:", dict((t, sum(1 for a in accounts if a["type"] == t)) for t in sorted({a["type"] for a in accounts})))
cust_pos = {k: v for k, v in customers.items() if v > 0}
print("customer accounts: %d, with %s > 0: %d, sum %d" % (len(customers), DENOM, len(cust_pos), sum(cust_pos.values())))
for name, (addr, amt) in sorted(modules.items()):
    print("module %-24s %s %d" % (name, addr, amt))
all_acc_sum = sum(customers.values()) + sum(a for _, a in modules.values())
supply = coins_amount(app["supply"]["supply"]) // P
print("sum of all account balances %d; supply section %d; diff %d" % (all_acc_sum, supply, supply - all_acc_sum))

# ---------- staking ----------
st = app["staking"]
vals = {}
for v in st["validators"]:
    vals[v["operator_address"]] = dict(
        tokens=int(v["tokens"]), shares=dec(v["delegator_shares"]), status=v["status"], jailed=v["jailed"],
        rate=dec(v["commission"]["commission_rates"]["rate"]))
print("\n== validators: %d" % len(vals))
by_status = defaultdict(lambda: [0, 0])
for v in vals.values():
    by_status[v["status"]][0] += 1
    by_status[v["status"]][1] += v["tokens"]
for s in sorted(by_status):
    print("status %d (%s): count %d tokens %d" % (s, {0: "Unbonded", 1: "Unbonding", 2: "Bonded"}[s], *by_status[s]))
print("jailed: %d; ratio != 1 (tokens*1e18 != delegator_shares): %d" % (sum(1 for v in vals.values() if v["jailed"]),
      sum(1 for v in vals.values() if v["tokens"] * P != v["shares"])))
bonded_val = by_status[2][1]
nonbonded_val = by_status[0][1] + by_status[1][1]
print("sum tokens: bonded %d, not bonded %d, all %d" % (bonded_val, nonbonded_val, bonded_val + nonbonded_val))

dels = st["delegations"]
sum_floor = sum_sdk = 0
mismatch = 0
sh_by_val = defaultdict(int)
tok_by_val = defaultdict(int)
for dl in dels:
    v = vals[dl["validator_address"]]
    sh = dec(dl["shares"])
    sh_by_val[dl["validator_address"]] += sh
    exact = Fraction(sh * v["tokens"], v["shares"])           # shares*tokens/delegator_shares, exact
    f = exact.numerator // exact.denominator
    s = quo(mul_int(sh, v["tokens"]), v["shares"]) // P        # TokensFromShares(...).TruncateInt()
    mismatch += f != s
    sum_floor += f
    sum_sdk += s
    tok_by_val[dl["validator_address"]] += f
print("\n== delegations: %d" % len(dels))
print("sum tokens floor(shares*tokens/delegator_shares) %d; SDK TokensFromShares().TruncateInt() %d; differing rows %d"
      % (sum_floor, sum_sdk, mismatch))
print("sum validator tokens - sum delegation tokens = %d" % (bonded_val + nonbonded_val - sum_floor))
print("validators whose delegations' shares != delegator_shares:",
      [a for a in vals if sh_by_val[a] != vals[a]["shares"]])
short = {a[-8:]: vals[a]["tokens"] - tok_by_val[a] for a in vals if vals[a]["tokens"] != tok_by_val[a]}
print("per-validator token shortfall (tokens - sum floor):", short)

ubd_sum = 0
n_entries = 0
for u in st["unbonding_delegations"]:
    for e in u["entries"]:
        ubd_sum += int(e["balance"])
        n_entries += 1
print("\n== unbonding delegations: %d, entries %d, sum balance %d; redelegations %s"
      % (len(st["unbonding_delegations"]), n_entries, ubd_sum, st.get("redelegations")))

# ---------- distribution (F1) ----------
ds = app["distribution"]
hist = {}
refsum = 0
for h in ds["validator_historical_rewards"]:
    hist[(h["validator_address"], int(h["period"]))] = coins_amount(h["rewards"]["cumulative_reward_ratio"])
    refsum += h["rewards"]["reference_count"]
cur = {c["validator_address"]: (int(c["rewards"]["period"]), coins_amount(c["rewards"]["rewards"]))
       for c in ds["validator_current_rewards"]}
outst = {o["validator_address"]: coins_amount(o["outstanding_rewards"]) for o in ds["outstanding_rewards"]}
comm = {c["validator_address"]: coins_amount(c["accumulated"]) for c in ds["validator_accumulated_commissions"]}
slashes = defaultdict(list)
for s in ds["validator_slash_events"]:
    slashes[s["validator_address"]].append(
        (int(s["height"]), int(s["period"]), int(s["validator_slash_event"]["validator_period"]),
         dec(s["validator_slash_event"]["fraction"])))
for k in slashes:
    slashes[k].sort()  # store key order: validator, height (BE), period (BE)
starting = {(s["delegator_address"], s["validator_address"]): (
    int(s["starting_info"]["previous_period"]), dec(s["starting_info"]["stake"]), int(s["starting_info"]["creation_height"]))
    for s in ds["delegator_starting_infos"]}
community = coins_amount(ds["fee_pool"]["community_pool"])

print("\n== distribution")
print("historical records %d, sum reference_count %d, expected validators+delegations+slashes = %d"
      % (len(hist), refsum, len(vals) + len(dels) + len(ds["validator_slash_events"])))
print("slash events %d on %d validators; fractions %s" % (
    len(ds["validator_slash_events"]), len(slashes), sorted({fmt(e[3]) for l in slashes.values() for e in l})))
print("max creation_height %d, max slash height %d, query height %d" % (
    max(x[2] for x in starting.values()), max(e[0] for l in slashes.values() for e in l), HEIGHT))

# incrementValidatorPeriod, as a query does it in a cache context
to_community = 0
ending = {}
for a, v in vals.items():
    period, rew = cur[a]
    if v["tokens"] == 0:
        ratio = 0
        to_community += rew         # the query's cache ctx moves these to the community pool
    else:
        ratio = quo_trunc(rew, v["tokens"] * P)
    hist[(a, period)] = hist[(a, period - 1)] + ratio
    ending[a] = period


def between(a, sp, ep, stake):
    diff = hist[(a, ep)] - hist[(a, sp)]
    assert diff >= 0 and stake >= 0
    return mul_trunc(diff, stake)    # DecCoins.MulDecTruncate


guard_hits = 0
pending = {}
for dl in dels:
    a, da = dl["validator_address"], dl["delegator_address"]
    v = vals[a]
    sp, stake, h0 = starting[(da, a)]
    r = 0
    if h0 == HEIGHT:
        pending[(da, a)] = 0
        continue
    if HEIGHT > h0:
        for (h, _p, ep, frac) in slashes.get(a, []):
            if h0 <= h <= HEIGHT and ep > sp:
                r += between(a, sp, ep, stake)
                stake = mul_trunc(stake, P - frac)
                sp = ep
    current = quo(mul_int(dec(dl["shares"]), v["tokens"]), v["shares"])   # TokensFromShares (banker's)
    if stake > current:
        if stake <= current + 3:
            stake = current
            guard_hits += 1
        else:
            raise SystemExit("stake > current stake beyond margin for %s/%s" % (da, a))
    r += between(a, sp, ending[a], stake)
    pending[(da, a)] = r

tot_dec = sum(pending.values())
tot_trunc = sum(r // P for r in pending.values())
print("pending delegator rewards: exact Dec sum %s; sum of per-delegation truncations %d atestfet; "
      "delegations with reward > 0: %d; margin-guard hits %d"
      % (fmt(tot_dec), tot_trunc, sum(1 for r in pending.values() if r > 0), guard_hits))
print("current rewards of zero-token validators (query moves them to community pool): %s" % fmt(to_community))
print("accumulated commission: Dec %s, sum of truncations %d" % (fmt(sum(comm.values())), sum(c // P for c in comm.values())))
print("community pool: %s" % fmt(community))
out_sum = sum(outst.values())
print("outstanding rewards sum: %s" % fmt(out_sum))

# ---------- identities ----------
print("\n== identities")
bp = modules["bonded_tokens_pool"][1]
nbp = modules["not_bonded_tokens_pool"][1]
dist = modules["distribution"][1]
print("bonded pool %d - sum bonded validator tokens %d = %d" % (bp, bonded_val, bp - bonded_val))
print("not-bonded pool %d - (unbonding %d + non-bonded validator tokens %d) = %d"
      % (nbp, ubd_sum, nonbonded_val, nbp - ubd_sum - nonbonded_val))
print("distribution account %d - floor(outstanding + community) %d = %d"
      % (dist, (out_sum + community) // P, dist - (out_sum + community) // P))
print("distribution account - (sum truncated pending + sum truncated commission + floor(community)) = %d"
      % (dist - tot_trunc - sum(c // P for c in comm.values()) - community // P))
# per validator: outstanding = commission + pending(all its delegators) + dust
dust = 0
neg = []
pend_by_val = defaultdict(int)
for (da, a), r in pending.items():
    pend_by_val[a] += r
for a in vals:
    rem = outst[a] - comm[a] - pend_by_val[a] - (cur[a][1] if vals[a]["tokens"] == 0 else 0)
    if rem < 0:
        neg.append((a, fmt(rem)))
    dust += rem
print("sum over validators of outstanding - commission - pending (- current rewards of zero-token vals) = %s; negative on %d"
      % (fmt(dust), len(neg)))
print("max per-validator dust: %s" % fmt(max(outst[a] - comm[a] - pend_by_val[a] for a in vals)))

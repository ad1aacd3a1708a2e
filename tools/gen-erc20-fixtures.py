#!/usr/bin/env python3
"""Writes fixtures/erc20/*.json: OpenZeppelin v5's ERC-20 test cases that apply to a ledger,
one scenario per file, ported from test/token/ERC20/ERC20.behavior.js, ERC20.test.js,
extensions/ERC20Burnable.test.js and extensions/ERC20Pausable.test.js.

Each OpenZeppelin `expectRevert...` becomes an `expectError` with the ledger's stable code:
ERC20InsufficientBalance -> insufficientBalance, ERC20InsufficientAllowance ->
insufficientAllowance, ERC20InvalidSender/Receiver/Approver/Spender -> invalidSender/...,
EnforcedPause -> assetPaused, an arithmetic overflow panic -> amountOverflow.

Run from the repository root: python3 tools/gen-erc20-fixtures.py
"""
import json
import os

FET = {
    "symbol": "FET", "decimals": 18, "addressScheme": "evm",
    "contract": "0xaea46A60368A7bD060eec7DF8CBa43b7EF41Ad85",
    "unbondingSeconds": 1814400, "rewardPolicy": "claim",
}
# The four EIP-55 example addresses play OpenZeppelin's accounts.
HOLDER = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"      # initialHolder
RECIPIENT = "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"   # recipient
SPENDER = "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB"     # anotherAccount / spender
OTHER = "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb"
ZERO = "0x0000000000000000000000000000000000000000"
SUPPLY = "100"
MAX = "340282366920938463463.374607431768211455"  # 2^128 - 1 afet in FET

def mint(to=HOLDER, amount=SUPPLY, **extra):
    return {"op": "mint", "asset": "FET", "to": to, "amount": amount, **extra}

def op(name, **fields):
    return {"op": name, "asset": "FET", **fields}

def bal(account, **buckets):
    return {"account": account, "asset": "FET", **buckets}

SCENARIOS = {}

def scenario(name, description, operations, balances=(), supply=None, allowances=()):
    expect = {}
    if balances:
        expect["balances"] = list(balances)
    if supply is not None:
        expect["totalSupply"] = {"FET": supply}
    if allowances:
        expect["allowances"] = list(allowances)
    SCENARIOS[name] = {
        "format": "tokenledger-fixture/1", "description": description,
        "assets": [FET], "operations": operations, "expect": expect,
    }

def allowance(owner, spender, amount):
    return {"owner": owner, "spender": spender, "asset": "FET", "amount": amount}

# ERC20.behavior.js: total supply and balanceOf
scenario("total-supply-and-balance-of",
    "ERC20.behavior.js 'total supply' and 'balanceOf': the initial supply is the total supply; an account with no tokens has zero.",
    [mint()], [bal(HOLDER, available=SUPPLY, total=SUPPLY), bal(SPENDER, available="0", total="0")], SUPPLY)

# ERC20.behavior.js: transfer
scenario("transfer-insufficient-balance",
    "transfer: when the sender does not have enough balance it reverts with ERC20InsufficientBalance, and nothing moves.",
    [mint(), op("transfer", **{"from": HOLDER}, to=RECIPIENT, amount="100.000000000000000001", expectError="insufficientBalance")],
    [bal(HOLDER, available=SUPPLY), bal(RECIPIENT, available="0")], SUPPLY)
scenario("transfer-all-balance",
    "transfer: when the sender transfers all balance, the recipient receives the requested value.",
    [mint(), op("transfer", **{"from": HOLDER}, to=RECIPIENT, amount=SUPPLY)],
    [bal(HOLDER, available="0"), bal(RECIPIENT, available=SUPPLY)], SUPPLY)
scenario("transfer-zero",
    "transfer: when the sender transfers zero tokens, balances are unchanged and the transfer is valid.",
    [mint(), op("transfer", **{"from": HOLDER}, to=RECIPIENT, amount="0")],
    [bal(HOLDER, available=SUPPLY), bal(RECIPIENT, available="0")], SUPPLY)
scenario("transfer-to-zero-address",
    "transfer: when the recipient is the zero address it reverts with ERC20InvalidReceiver.",
    [mint(), op("transfer", **{"from": HOLDER}, to=ZERO, amount=SUPPLY, expectError="invalidReceiver")],
    [bal(HOLDER, available=SUPPLY)], SUPPLY)
scenario("transfer-from-zero-address",
    "ERC20.test.js _transfer: when the sender is the zero address it reverts with ERC20InvalidSender.",
    [mint(), op("transfer", **{"from": ZERO}, to=RECIPIENT, amount="0", expectError="invalidSender")],
    [bal(RECIPIENT, available="0")], SUPPLY)
scenario("transfer-self",
    "ERC20.test.js _update 'from and to are the same address': a zero-value and a non-zero self transfer leave the balance unchanged; more than the balance reverts with ERC20InsufficientBalance.",
    [mint(),
     op("transfer", **{"from": HOLDER}, to=HOLDER, amount="0"),
     op("transfer", **{"from": HOLDER}, to=HOLDER, amount="1"),
     op("transfer", **{"from": HOLDER}, to=HOLDER, amount="100.1", expectError="insufficientBalance")],
    [bal(HOLDER, available=SUPPLY, total=SUPPLY)], SUPPLY)
scenario("transfer-lowercase-address",
    "An all-lower-case EVM address names the same account as its EIP-55 form (it carries no checksum); a mixed-case address with a wrong checksum is rejected.",
    [mint(to=HOLDER.lower()),
     op("transfer", **{"from": HOLDER.lower()}, to=RECIPIENT.upper().replace("0X", "0x"), amount="1"),
     op("transfer", **{"from": HOLDER}, to="0xFB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", amount="1", expectError="invalidAddress")],
    [bal(HOLDER, available="99"), bal(RECIPIENT.lower(), available="1")], SUPPLY)

# ERC20.behavior.js: transferFrom
approve_all = op("approve", owner=HOLDER, spender=SPENDER, amount=SUPPLY)
scenario("transferfrom-enough-allowance",
    "transferFrom: when the spender has enough allowance and the owner enough balance, the value moves and the allowance decreases by it.",
    [mint(), approve_all, op("transferFrom", spender=SPENDER, **{"from": HOLDER}, to=RECIPIENT, amount="40")],
    [bal(HOLDER, available="60"), bal(RECIPIENT, available="40")], SUPPLY,
    [allowance(HOLDER, SPENDER, "60")])
scenario("transferfrom-owner-insufficient-balance",
    "transferFrom: when the spender has enough allowance but the owner does not have enough balance (it moved 1 away), it reverts with ERC20InsufficientBalance.",
    [mint(), approve_all, op("transfer", **{"from": HOLDER}, to=OTHER, amount="1"),
     op("transferFrom", spender=SPENDER, **{"from": HOLDER}, to=RECIPIENT, amount=SUPPLY, expectError="insufficientBalance")],
    [bal(HOLDER, available="99"), bal(RECIPIENT, available="0")], SUPPLY,
    [allowance(HOLDER, SPENDER, SUPPLY)])
scenario("transferfrom-insufficient-allowance",
    "transferFrom: when the spender does not have enough allowance (owner has enough balance) it reverts with ERC20InsufficientAllowance.",
    [mint(), op("approve", owner=HOLDER, spender=SPENDER, amount="99.999999999999999999"),
     op("transferFrom", spender=SPENDER, **{"from": HOLDER}, to=RECIPIENT, amount=SUPPLY, expectError="insufficientAllowance")],
    [bal(HOLDER, available=SUPPLY), bal(RECIPIENT, available="0")], SUPPLY,
    [allowance(HOLDER, SPENDER, "99.999999999999999999")])
scenario("transferfrom-insufficient-allowance-and-balance",
    "transferFrom: when neither the allowance nor the balance suffices, the allowance is checked first: ERC20InsufficientAllowance.",
    [mint(), op("approve", owner=HOLDER, spender=SPENDER, amount="50"),
     op("transferFrom", spender=SPENDER, **{"from": HOLDER}, to=RECIPIENT, amount="101", expectError="insufficientAllowance")],
    [bal(HOLDER, available=SUPPLY)], SUPPLY, [allowance(HOLDER, SPENDER, "50")])
scenario("transferfrom-unlimited-allowance",
    "transferFrom: when the spender has an unlimited allowance (uint256 max) it is never decreased.",
    [mint(), op("approve", owner=HOLDER, spender=SPENDER, amount="unlimited"),
     op("transferFrom", spender=SPENDER, **{"from": HOLDER}, to=RECIPIENT, amount="1")],
    [bal(HOLDER, available="99"), bal(RECIPIENT, available="1")], SUPPLY,
    [allowance(HOLDER, SPENDER, "unlimited")])
scenario("transferfrom-to-zero-address",
    "transferFrom: when the recipient is the zero address it reverts with ERC20InvalidReceiver.",
    [mint(), approve_all, op("transferFrom", spender=SPENDER, **{"from": HOLDER}, to=ZERO, amount=SUPPLY, expectError="invalidReceiver")],
    [bal(HOLDER, available=SUPPLY)], SUPPLY, [allowance(HOLDER, SPENDER, SUPPLY)])
scenario("transferfrom-owner-zero-address",
    "transferFrom: when the token owner is the zero address (value 0) it reverts with ERC20InvalidApprover; with a non-zero value the missing allowance reverts first.",
    [mint(),
     op("transferFrom", spender=SPENDER, **{"from": ZERO}, to=RECIPIENT, amount="0", expectError="invalidApprover"),
     op("transferFrom", spender=SPENDER, **{"from": ZERO}, to=RECIPIENT, amount="1", expectError="insufficientAllowance")],
    [bal(RECIPIENT, available="0")], SUPPLY)

# ERC20.behavior.js: approve
scenario("approve-new-and-replace",
    "approve: with no approved value before it approves the requested value; with one before it replaces it; an allowance larger than the balance is allowed.",
    [mint(),
     op("approve", owner=HOLDER, spender=SPENDER, amount="1"),
     op("approve", owner=HOLDER, spender=SPENDER, amount="30"),
     op("approve", owner=HOLDER, spender=OTHER, amount="1000")],
    [bal(HOLDER, available=SUPPLY)], SUPPLY,
    [allowance(HOLDER, SPENDER, "30"), allowance(HOLDER, OTHER, "1000")])
scenario("approve-zero-spender",
    "approve: when the spender is the zero address it reverts with ERC20InvalidSpender.",
    [mint(), op("approve", owner=HOLDER, spender=ZERO, amount=SUPPLY, expectError="invalidSpender")],
    [bal(HOLDER, available=SUPPLY)], SUPPLY)
scenario("approve-zero-owner",
    "ERC20.test.js _approve: when the owner is the zero address it reverts with ERC20InvalidApprover.",
    [mint(), op("approve", owner=ZERO, spender=SPENDER, amount=SUPPLY, expectError="invalidApprover")],
    [bal(HOLDER, available=SUPPLY)], SUPPLY)

# ERC20.test.js: _mint and _burn
scenario("mint",
    "ERC20.test.js _mint: rejects the zero account (ERC20InvalidReceiver); increments the total supply and the recipient's balance; rejects a mint that would overflow (2^128 - 1 base units here, uint256 on chain).",
    [mint(),
     mint(to=ZERO, amount="1", expectError="invalidReceiver"),
     mint(to=RECIPIENT, amount="50"),
     mint(to=OTHER, amount=MAX, expectError="amountOverflow")],
    [bal(HOLDER, available=SUPPLY), bal(RECIPIENT, available="50"), bal(OTHER, available="0")], "150")
scenario("mint-to-the-limit",
    "A supply of exactly 2^128 - 1 base units is representable; one more base unit is amountOverflow.",
    [mint(to=HOLDER, amount=MAX), mint(to=RECIPIENT, amount="0.000000000000000001", expectError="amountOverflow")],
    [bal(HOLDER, available=MAX)], MAX)
scenario("burn",
    "ERC20.test.js _burn: rejects the zero account (ERC20InvalidSender); rejects burning more than the balance (ERC20InsufficientBalance); burning the entire balance less one base unit, then the rest, decrements the total supply and the balance.",
    [mint(),
     op("burn", **{"from": ZERO}, amount="1", expectError="invalidSender"),
     op("burn", **{"from": HOLDER}, amount="100.000000000000000001", expectError="insufficientBalance"),
     op("burn", **{"from": HOLDER}, amount="99.999999999999999999"),
     op("burn", **{"from": HOLDER}, amount="0.000000000000000001")],
    [bal(HOLDER, available="0", total="0")], "0")

# ERC20Burnable.test.js
scenario("burnable-burn",
    "ERC20Burnable burn: burning zero or some of the balance decrements the total supply and the balance by it; burning more than the balance reverts with ERC20InsufficientBalance.",
    [mint(),
     op("burn", **{"from": HOLDER}, amount="0"),
     op("burn", **{"from": HOLDER}, amount="12.5"),
     op("burn", **{"from": HOLDER}, amount="88", expectError="insufficientBalance")],
    [bal(HOLDER, available="87.5")], "87.5")
scenario("burnable-burnfrom",
    "ERC20Burnable burnFrom: burns the requested value (zero or some) from the owner and decrements the allowance; more than the owner's balance reverts with ERC20InsufficientBalance; more than the allowance with ERC20InsufficientAllowance.",
    [mint(),
     op("approve", owner=HOLDER, spender=SPENDER, amount="300"),
     op("burnFrom", spender=SPENDER, **{"from": HOLDER}, amount="0"),
     op("burnFrom", spender=SPENDER, **{"from": HOLDER}, amount="10"),
     op("burnFrom", spender=SPENDER, **{"from": HOLDER}, amount="91", expectError="insufficientBalance"),
     op("approve", owner=HOLDER, spender=OTHER, amount="5"),
     op("burnFrom", spender=OTHER, **{"from": HOLDER}, amount="6", expectError="insufficientAllowance")],
    [bal(HOLDER, available="90")], "90",
    [allowance(HOLDER, SPENDER, "290"), allowance(HOLDER, OTHER, "5")])

# ERC20Pausable.test.js
def pausable(name, verb, ops_when_unpaused, expected_balances, supply, allowances=()):
    pause = op("setPaused", paused=True)
    unpause = op("setPaused", paused=False)
    paused_op = dict(ops_when_unpaused[-1], expectError="assetPaused")
    # The preparations (an approve) run while paused too: approve is not a movement, and the
    # movement must fail on the pause itself, not on a check that OpenZeppelin runs before it.
    operations = ([mint()] + ops_when_unpaused + [pause] + ops_when_unpaused[:-1]
                  + [paused_op, unpause] + ops_when_unpaused)
    scenario(name,
        f"ERC20Pausable {verb}: allowed when unpaused; rejected (EnforcedPause, here assetPaused) while paused; allowed again once unpaused.",
        operations, expected_balances, supply, allowances)

pausable("pausable-transfer", "transfer",
    [op("transfer", **{"from": HOLDER}, to=RECIPIENT, amount="10")],
    [bal(HOLDER, available="80"), bal(RECIPIENT, available="20")], SUPPLY)
pausable("pausable-transferfrom", "transferFrom",
    [op("approve", owner=HOLDER, spender=SPENDER, amount="10"),
     op("transferFrom", spender=SPENDER, **{"from": HOLDER}, to=RECIPIENT, amount="10")],
    [bal(HOLDER, available="80"), bal(RECIPIENT, available="20")], SUPPLY,
    [allowance(HOLDER, SPENDER, "0")])
pausable("pausable-mint", "mint",
    [mint(to=RECIPIENT, amount="5")],
    [bal(RECIPIENT, available="10")], "110")
pausable("pausable-burn", "burn",
    [op("burn", **{"from": HOLDER}, amount="5")],
    [bal(HOLDER, available="90")], "90")
scenario("pausable-transferfrom-allowance-first",
    "OpenZeppelin v5 order: transferFrom spends the allowance (_spendAllowance) before _update checks the pause, so a paused token with no allowance fails insufficientAllowance, and with an allowance assetPaused.",
    [mint(), op("setPaused", paused=True),
     op("transferFrom", spender=SPENDER, **{"from": HOLDER}, to=RECIPIENT, amount="10",
        expectError="insufficientAllowance"),
     op("approve", owner=HOLDER, spender=SPENDER, amount="10"),
     op("transferFrom", spender=SPENDER, **{"from": HOLDER}, to=RECIPIENT, amount="10",
        expectError="assetPaused")],
    [bal(HOLDER, available=SUPPLY)], SUPPLY, [allowance(HOLDER, SPENDER, "10")])
scenario("pausable-approve",
    "ERC20Pausable: approve is not a movement and still works while the token is paused, as in OpenZeppelin v5.",
    [mint(), op("setPaused", paused=True), op("approve", owner=HOLDER, spender=SPENDER, amount="7")],
    [bal(HOLDER, available=SUPPLY)], SUPPLY, [allowance(HOLDER, SPENDER, "7")])


def render(fixture):
    """Pretty JSON with one operation per line, so a scenario reads top to bottom."""
    lines = ["{"]
    keys = list(fixture)
    for i, key in enumerate(keys):
        comma = "," if i < len(keys) - 1 else ""
        value = fixture[key]
        if key == "operations":
            lines.append('  "operations": [')
            for j, item in enumerate(value):
                lines.append("    " + json.dumps(item) + ("," if j < len(value) - 1 else ""))
            lines.append("  ]" + comma)
        elif key == "assets":
            lines.append('  "assets": [' + ", ".join(json.dumps(a) for a in value) + "]" + comma)
        else:
            text = json.dumps(value, indent=2).replace("\n", "\n  ")
            lines.append(f'  {json.dumps(key)}: {text}{comma}')
    lines.append("}")
    return "\n".join(lines) + "\n"


def main():
    out = os.path.join(os.path.dirname(__file__), "..", "fixtures", "erc20")
    os.makedirs(out, exist_ok=True)
    for name, fixture in SCENARIOS.items():
        with open(os.path.join(out, name + ".json"), "w") as handle:
            handle.write(render(fixture))
    print(f"wrote {len(SCENARIOS)} fixtures to fixtures/erc20/")


if __name__ == "__main__":
    main()

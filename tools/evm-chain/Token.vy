# pragma version ~=0.4.3
# The ERC-20 the sync tests follow (tools/evm-chain/chain.py deploys it): transfers, an owner's
# mint and a holder's burn, each logging the standard Transfer event.

event Transfer:
    sender: indexed(address)
    receiver: indexed(address)
    value: uint256

balanceOf: public(HashMap[address, uint256])
totalSupply: public(uint256)
owner: public(address)

@deploy
def __init__():
    self.owner = msg.sender

@external
def transfer(receiver: address, amount: uint256) -> bool:
    self.balanceOf[msg.sender] -= amount
    self.balanceOf[receiver] += amount
    log Transfer(sender=msg.sender, receiver=receiver, value=amount)
    return True

@external
def mint(receiver: address, amount: uint256):
    assert msg.sender == self.owner, "only the owner mints"
    self.totalSupply += amount
    self.balanceOf[receiver] += amount
    log Transfer(sender=empty(address), receiver=receiver, value=amount)

@external
def burn(amount: uint256):
    self.balanceOf[msg.sender] -= amount
    self.totalSupply -= amount
    log Transfer(sender=msg.sender, receiver=empty(address), value=amount)

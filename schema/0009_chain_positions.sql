-- Where `sync` stands on a chain (contract, "Following a chain"): for each asset and source kind,
-- the chain's id, the last block applied and that block's hash. It is written in the same
-- transaction as that block's entries, so a killed sync resumes exactly after the last block it
-- committed. It is not part of the journal or the state digest: the entries carry the chain's
-- ids, heights and times, and this row says only how far the ledger has read; a ledger rebuilt by
-- replay has none, and a sync into it applies nothing twice (the ids are the same).
CREATE TABLE chain_positions (
  asset TEXT NOT NULL REFERENCES assets (symbol),
  source TEXT NOT NULL CHECK (source IN ('eth-rpc')),
  chain_id INTEGER NOT NULL CHECK (chain_id >= 0),
  block INTEGER NOT NULL CHECK (block >= 0),
  hash TEXT NOT NULL CHECK (
    length(hash) = 66 AND hash GLOB '0x*' AND substr(hash, 3) NOT GLOB '*[^0-9a-f]*'
  ),
  PRIMARY KEY (asset, source)
) STRICT;

-- TokenLedger core schema: assets, accounts, materialized balances, allowances, and the journal
-- (entries and their postings). Amounts are canonical decimal TEXT of base units: exact,
-- readable in the sqlite3 shell, portable to PostgreSQL NUMERIC. Never edit this file once it
-- has shipped: add a new migration instead.

CREATE TABLE assets (
  symbol TEXT PRIMARY KEY NOT NULL CHECK (length(symbol) BETWEEN 1 AND 32),
  decimals INTEGER NOT NULL CHECK (decimals BETWEEN 0 AND 38),
  -- The canonical JSON of the defineAsset operation that registered it.
  definition TEXT NOT NULL,
  paused INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
  -- The asset's clock: the latest block height and UTC time (Unix seconds) seen in its operations.
  clock_height INTEGER CHECK (clock_height >= 0),
  clock_time INTEGER
) STRICT;

-- An account is a holder (an address, or a system name starting with '@') and a bucket.
CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,
  holder TEXT NOT NULL CHECK (length(holder) BETWEEN 1 AND 256),
  bucket TEXT NOT NULL CHECK (bucket IN ('available', 'staked', 'unbonding', 'rewards', 'held')),
  -- The validator of staked, unbonding and rewards buckets; '' otherwise.
  validator TEXT NOT NULL DEFAULT '',
  -- The unbonding entry or hold id of unbonding and held buckets; '' otherwise.
  detail TEXT NOT NULL DEFAULT '',
  UNIQUE (holder, bucket, validator, detail)
) STRICT;

-- Materialized balances, kept equal to the sum of postings (audit checks it). Signed: system
-- accounts go negative, holder accounts never do.
CREATE TABLE balances (
  account_id INTEGER NOT NULL REFERENCES accounts (id),
  asset TEXT NOT NULL REFERENCES assets (symbol),
  amount TEXT NOT NULL CHECK (
    amount = '0'
    OR (amount GLOB '[1-9]*' AND amount NOT GLOB '*[^0-9]*' AND length(amount) <= 39)
    OR (amount GLOB '-[1-9]*' AND substr(amount, 2) NOT GLOB '*[^0-9]*' AND length(amount) <= 40)
  ),
  PRIMARY KEY (account_id, asset)
) STRICT, WITHOUT ROWID;

-- ERC-20 allowances: a permission, not money. 'unlimited' stands for uint256 max.
CREATE TABLE allowances (
  asset TEXT NOT NULL REFERENCES assets (symbol),
  owner TEXT NOT NULL,
  spender TEXT NOT NULL,
  amount TEXT NOT NULL CHECK (
    amount = 'unlimited' OR amount = '0'
    OR (amount GLOB '[1-9]*' AND amount NOT GLOB '*[^0-9]*' AND length(amount) <= 39)
  ),
  PRIMARY KEY (asset, owner, spender)
) STRICT, WITHOUT ROWID;

-- The journal. hash = SHA-256(previous entry's hash || canonical bytes of this entry and its
-- postings); the first entry chains from 32 zero bytes.
CREATE TABLE entries (
  seq INTEGER PRIMARY KEY CHECK (seq >= 1),
  -- Idempotency key (e.g. '0x<txhash>:<logIndex>'); NULL for entries the clock derives.
  idempotency_id TEXT UNIQUE CHECK (length(idempotency_id) BETWEEN 1 AND 256),
  kind TEXT NOT NULL,
  -- The asset whose clock dated the entry; NULL for a tick of every asset.
  asset TEXT,
  -- The canonical JSON of the operation (normalized addresses and amounts).
  payload TEXT NOT NULL,
  -- The clock after the entry: block height and UTC Unix seconds, NULL where unknown.
  height INTEGER,
  time INTEGER,
  hash TEXT NOT NULL CHECK (length(hash) = 64 AND hash NOT GLOB '*[^0-9a-f]*')
) STRICT;

-- Each posting moves amount of asset from one account to another. Zero amounts are not written.
CREATE TABLE postings (
  entry_seq INTEGER NOT NULL REFERENCES entries (seq),
  posting_index INTEGER NOT NULL CHECK (posting_index >= 0),
  asset TEXT NOT NULL REFERENCES assets (symbol),
  from_account INTEGER NOT NULL REFERENCES accounts (id),
  to_account INTEGER NOT NULL REFERENCES accounts (id),
  amount TEXT NOT NULL CHECK (
    amount GLOB '[1-9]*' AND amount NOT GLOB '*[^0-9]*' AND length(amount) <= 39
  ),
  PRIMARY KEY (entry_seq, posting_index)
) STRICT, WITHOUT ROWID;

CREATE INDEX postings_by_from_account ON postings (from_account, entry_seq);
CREATE INDEX postings_by_to_account ON postings (to_account, entry_seq);

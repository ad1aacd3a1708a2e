-- Staking and escrow: validators, unbonding entries and holds. The money itself lives in the
-- staked, unbonding, rewards and held buckets of accounts; these tables hold what the buckets
-- cannot: who operates a validator, when an unbonding matures, where a hold goes.

CREATE TABLE validators (
  asset TEXT NOT NULL REFERENCES assets (symbol),
  validator TEXT NOT NULL,
  operator TEXT NOT NULL,
  -- The commission rate as exact decimal text in [0, 1], e.g. '0.05'.
  commission TEXT NOT NULL CHECK (commission GLOB '[01]*'),
  -- UTC Unix seconds of the last commission change, for the asset's change-interval rule.
  commission_changed_time INTEGER,
  -- The validator's total stake in base units, kept by the journal beside the delegators'
  -- staked buckets so that audit can check one against the other.
  stake TEXT NOT NULL DEFAULT '0' CHECK (
    stake = '0' OR (stake GLOB '[1-9]*' AND stake NOT GLOB '*[^0-9]*' AND length(stake) <= 39)
  ),
  PRIMARY KEY (asset, validator)
) STRICT, WITHOUT ROWID;

CREATE TABLE unbonding (
  asset TEXT NOT NULL REFERENCES assets (symbol),
  delegator TEXT NOT NULL,
  validator TEXT NOT NULL,
  -- The entry id: the sequence number of the undelegate entry that opened it.
  entry_id TEXT NOT NULL,
  matures_time INTEGER,
  PRIMARY KEY (asset, delegator, validator, entry_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX unbonding_by_maturity ON unbonding (asset, matures_time);

CREATE TABLE holds (
  hold_id TEXT PRIMARY KEY NOT NULL CHECK (length(hold_id) BETWEEN 1 AND 256),
  asset TEXT NOT NULL REFERENCES assets (symbol),
  payer TEXT NOT NULL,
  payee TEXT NOT NULL,
  amount TEXT NOT NULL CHECK (amount GLOB '[0-9]*' AND amount NOT GLOB '*[^0-9]*'),
  expires_time INTEGER,
  status TEXT NOT NULL CHECK (status IN ('open', 'settled', 'voided', 'expired'))
) STRICT, WITHOUT ROWID;

CREATE INDEX holds_by_expiry ON holds (asset, status, expires_time);

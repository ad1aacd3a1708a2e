-- System accounts are cumulative counters: `@supply` holds minus everything minted and not
-- burned, `@emission` minus every reward, `@slashed` everything cut, `@external` minus every
-- opening balance. Each may pass 2^128 - 1 while the total supply, minus their sum, stays
-- below it (mint 2^128 - 1, slash 5, mint 1 is legal). A balance may now have up to 78
-- digits (2^256); the journal still refuses a holder balance past 2^128 - 1 (amountOverflow)
-- and the audit's materializedBalances check recomputes every balance from the postings.
--
-- SQLite cannot alter a CHECK: the table is rebuilt, as in 0005.

CREATE TABLE balances_rebuilt (
  account_id INTEGER NOT NULL REFERENCES accounts (id),
  asset TEXT NOT NULL REFERENCES assets (symbol),
  amount TEXT NOT NULL CHECK (
    amount = '0'
    OR (amount GLOB '[1-9]*' AND amount NOT GLOB '*[^0-9]*' AND length(amount) <= 78)
    OR (amount GLOB '-[1-9]*' AND substr(amount, 2) NOT GLOB '*[^0-9]*' AND length(amount) <= 79)
  ),
  last_entry INTEGER NOT NULL DEFAULT 0 CHECK (last_entry >= 0),
  PRIMARY KEY (account_id, asset)
) STRICT, WITHOUT ROWID;

INSERT INTO balances_rebuilt (account_id, asset, amount, last_entry)
  SELECT account_id, asset, amount, last_entry FROM balances;
DROP TABLE balances;
ALTER TABLE balances_rebuilt RENAME TO balances;

-- Schema 9 on PostgreSQL: where `sync` stands on a chain, as schema/0009_chain_positions.sql
-- for SQLite (the comment there says what the row means). Text is `COLLATE "C"` as everywhere.
CREATE TABLE chain_positions (
  asset TEXT COLLATE "C" NOT NULL REFERENCES assets (symbol),
  source TEXT COLLATE "C" NOT NULL CHECK (source IN ('eth-rpc')),
  chain_id BIGINT NOT NULL CHECK (chain_id >= 0),
  block BIGINT NOT NULL CHECK (block >= 0),
  hash TEXT COLLATE "C" NOT NULL CHECK (hash ~ '^0x[0-9a-f]{64}$'),
  PRIMARY KEY (asset, source)
);

UPDATE ledger_meta SET schema_version = 9, layout = ledger_layout(current_schema());

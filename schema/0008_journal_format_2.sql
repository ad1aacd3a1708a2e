-- Journal format 2: the same journal in about half the bytes (tools/bench; the closing note of
-- issue 16 has the numbers).
--
-- - The entry hash is its 32 bytes (a BLOB), not 64 hex digits: `lower(hex(hash))` in the
--   sqlite3 shell shows it as before.
-- - The idempotency id is stored once, in `idempotency_id`; format-2 payloads leave it out. The
--   index that finds an id is on `id_key`, the first 8 bytes of SHA-256 of the id as a signed
--   integer (the text is compared on a hit): 14 bytes an entry instead of the whole id, and an
--   index that stays in the page cache. The journal refuses a second use of an id; the audit's
--   idempotencyUnique check reads every key that occurs twice and compares the texts.
-- - A transfer whose payload is exactly what its one posting says (asset, from, to, amount and
--   no clock fields) stores payload NULL: `transfer_payloads` below shows it in the shell.
-- - The index by kind leaves out transfers, the bulk of a journal: the audit only ever looks up
--   the rare kinds (its queries repeat the index's condition so that SQLite may use it).
-- - Entries from `journal_format.format2_from` on are hashed with the format-2 canonical bytes
--   (domain `tokenledger-entry/2`, the previous hash as its 32 bytes, the payload as stored).
--   A ledger created in format 2 has format2_from = 1; a migrated one keeps its format-1 entries
--   and hashes, and the first format-2 entry is a `formatChange` that chains from the last
--   format-1 hash. The contract's "Journal format" section states the rule.
--
-- A file with entries is migrated by copying it into a new file (the library's
-- LedgerMigration: streamed, old file kept until the new one audits clean); this script runs
-- on an empty journal.

CREATE TABLE journal_format (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  format2_from INTEGER NOT NULL CHECK (format2_from >= 1)
) STRICT;

INSERT INTO journal_format (id, format2_from)
  SELECT 1, coalesce(max(seq), 0) + 1 FROM entries;

CREATE TABLE entries_2 (
  seq INTEGER PRIMARY KEY CHECK (seq >= 1),
  -- Idempotency key (e.g. '0x<txhash>:<logIndex>'); NULL for entries the clock derives.
  idempotency_id TEXT CHECK (length(idempotency_id) BETWEEN 1 AND 256),
  -- The first 8 bytes of SHA-256(idempotency_id), big-endian, as a signed integer.
  id_key INTEGER CHECK ((id_key IS NULL) = (idempotency_id IS NULL)),
  kind TEXT NOT NULL,
  -- The asset whose clock dated the entry; NULL for a tick of every asset.
  asset TEXT,
  -- The canonical JSON of the operation without its id (format 1: with it); NULL for a
  -- transfer that its one posting states in full.
  payload TEXT,
  -- The clock after the entry: block height and UTC Unix seconds, NULL where unknown.
  height INTEGER,
  time INTEGER,
  -- SHA-256(canonical bytes), 32 bytes; the audit's hashChain check verifies every one.
  hash BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;

-- A journal with entries never runs this script (it is copied instead, see above); should it,
-- the copy fails on the CHECKs (no id_key, 64-character hashes) and nothing changes.
INSERT INTO entries_2 (seq, idempotency_id, kind, asset, payload, height, time, hash)
  SELECT seq, idempotency_id, kind, asset, payload, height, time, hash FROM entries;
DROP TABLE entries;
ALTER TABLE entries_2 RENAME TO entries;
CREATE INDEX entries_by_id_key ON entries (id_key) WHERE id_key IS NOT NULL;
CREATE INDEX entries_by_kind ON entries (kind) WHERE kind <> 'transfer';

-- The transfers stored with payload NULL, as their postings state them (the amount in base
-- units; the library writes it in token units when it rebuilds the operation).
CREATE VIEW transfer_payloads AS
  SELECT e.seq, e.idempotency_id, p.asset, f.holder AS from_holder, t.holder AS to_holder,
    p.amount AS base_units
  FROM entries e
  JOIN postings p ON p.entry_seq = e.seq AND p.posting_index = 0
  JOIN accounts f ON f.id = p.from_account
  JOIN accounts t ON t.id = p.to_account
  WHERE e.kind = 'transfer' AND e.payload IS NULL;

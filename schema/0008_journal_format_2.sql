-- Journal format 2: the same journal in about half the bytes (tools/bench; the closing note of
-- issue 16 has the numbers).
--
-- - The entry hash is its 32 bytes (a BLOB), not 64 hex digits: `lower(hex(hash))` in the
--   sqlite3 shell shows it as before.
-- - The idempotency id is stored once, in `idempotency_id`; format-2 payloads leave it out. An
--   on-chain id `0x<64 hex digits>:<log index>` is stored as a BLOB of the hash's 32 bytes
--   followed by the log index's decimal digits (33 to 42 bytes instead of 67 to 76): the
--   `entries_readable` view below shows it as text. Every other id stays TEXT. The UNIQUE index
--   keeps the ids' order, so increasing ids append to it.
-- - A transfer whose payload is exactly what its one posting says (asset, from, to, amount and
--   no clock fields) stores payload NULL.
-- - The index by kind leaves out transfers, the bulk of a journal: the audit only ever looks up
--   the rare kinds (its queries repeat the index's condition so that SQLite may use it).
-- - Entries from `journal_format.format2_from` on are hashed with the format-2 canonical bytes
--   (domain `tokenledger-entry/2`, the previous hash as its 32 bytes, the payload as stored, the
--   id as text). A ledger created in format 2 has format2_from = 1; a migrated one keeps its
--   format-1 entries and hashes, and the first format-2 entry is a `formatChange` that chains
--   from the last format-1 hash. The contract's "Journal format" section states the rule.
--
-- A file with entries is migrated by copying it into a new file (the library's
-- Ledger.migrateToFormat2: streamed, old file kept until the new one audits clean); this
-- script runs on an empty journal.

CREATE TABLE journal_format (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  format2_from INTEGER NOT NULL CHECK (format2_from >= 1)
) STRICT;

INSERT INTO journal_format (id, format2_from)
  SELECT 1, coalesce(max(seq), 0) + 1 FROM entries;

CREATE TABLE entries_2 (
  seq INTEGER PRIMARY KEY CHECK (seq >= 1),
  -- Idempotency key: TEXT, or an on-chain '0x<txhash>:<logIndex>' as a BLOB (see above); NULL
  -- for entries the clock derives.
  idempotency_id ANY UNIQUE CHECK (
    idempotency_id IS NULL
    OR (typeof(idempotency_id) = 'text' AND length(idempotency_id) BETWEEN 1 AND 256)
    OR (typeof(idempotency_id) = 'blob' AND length(idempotency_id) BETWEEN 33 AND 42)
  ),
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
-- the copy fails on the hash's CHECK (64 characters, not 32 bytes) and nothing changes.
INSERT INTO entries_2 (seq, idempotency_id, kind, asset, payload, height, time, hash)
  SELECT seq, idempotency_id, kind, asset, payload, height, time, hash FROM entries;
DROP TABLE entries;
ALTER TABLE entries_2 RENAME TO entries;
CREATE INDEX entries_by_kind ON entries (kind) WHERE kind <> 'transfer';

-- The journal as text, for the sqlite3 shell: ids and hashes as they are shown, and the
-- transfers stored without payload with what their posting says (amount in base units; the
-- library writes it in token units when it rebuilds the operation).
CREATE VIEW entries_readable AS
  SELECT e.seq,
    CASE WHEN typeof(e.idempotency_id) = 'blob'
      THEN '0x' || lower(hex(substr(e.idempotency_id, 1, 32))) || ':'
        || CAST(substr(e.idempotency_id, 33) AS TEXT)
      ELSE e.idempotency_id END AS idempotency_id,
    e.kind, e.asset,
    coalesce(e.payload, '(transfer of ' || p.amount || ' base units from ' || f.holder || ' to '
      || t.holder || ')') AS payload,
    e.height, e.time, lower(hex(e.hash)) AS hash
  FROM entries e
  LEFT JOIN postings p ON e.payload IS NULL AND p.entry_seq = e.seq AND p.posting_index = 0
  LEFT JOIN accounts f ON f.id = p.from_account
  LEFT JOIN accounts t ON t.id = p.to_account;

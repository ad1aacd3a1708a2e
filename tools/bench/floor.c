/* The floor: the SQLite work of a ledger transfer with nothing else. Per transfer one journal
 * insert and two read-check-update balance writes, amounts as decimal TEXT like the ledger's,
 * WAL, the same pragmas. Modes:
 *   batch N COUNT      COUNT transfers, a commit every N (synchronous=NORMAL)
 *   durable COUNT      COUNT transfers, one per transaction (synchronous=FULL), latencies
 *   dedup N COUNT      batch, plus a unique random 32-byte key per transfer in a WITHOUT ROWID
 *                      table and a 64 MiB cache (../shared/peers mode f): the floor for a ledger
 *                      keyed by on-chain transaction hashes, which arrive in random order
 *   schema N COUNT PATH SQL...   the ledger's own SQL on the ledger's own schema (the files
 *                      given: the schema folder's files): per transfer the idempotency lookup, an entry
 *                      row, a posting row with its links, balances read once per batch and
 *                      written once per batch in key order, foreign keys on, the same pragmas.
 *                      What the library costs beyond this is its Swift work. Ids increase.
 *   schema-random N COUNT PATH SQL...   the same with random on-chain ids (transaction hashes)
 * gcc -O2 -o floor tools/bench/floor.c -lsqlite3 ; ./floor batch 1000 1000000 /tmp/floor.sqlite
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ACCOUNTS 10000

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static void check(int rc, sqlite3 *db, const char *what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
    exit(1);
  }
}

static int compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static int schema_floor(int argc, char **argv, int random_ids);

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "schema") == 0) return schema_floor(argc, argv, 0);
  if (argc >= 2 && strcmp(argv[1], "schema-random") == 0) return schema_floor(argc, argv, 1);
  if (argc < 4) {
    fprintf(stderr, "usage: floor batch|dedup N COUNT PATH | floor durable COUNT PATH\n");
    return 2;
  }
  int durable = strcmp(argv[1], "durable") == 0;
  int dedup = strcmp(argv[1], "dedup") == 0;
  long batch = durable ? 1 : atol(argv[2]);
  long count = atol(argv[durable ? 2 : 3]);
  const char *path = argv[durable ? 3 : 4];
  remove(path);
  sqlite3 *db;
  check(sqlite3_open(path, &db), db, "open");
  check(sqlite3_exec(db, "PRAGMA journal_mode=WAL", 0, 0, 0), db, "wal");
  check(sqlite3_exec(db, durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL", 0, 0, 0), db, "sync");
  if (dedup) {
    check(sqlite3_exec(db, "PRAGMA cache_size=-65536;"
        "CREATE TABLE ext_ids (ext BLOB PRIMARY KEY, transfer INTEGER NOT NULL) WITHOUT ROWID;", 0, 0, 0),
        db, "dedup schema");
  }
  check(sqlite3_exec(db,
      "CREATE TABLE balances (id INTEGER PRIMARY KEY, amount TEXT NOT NULL) STRICT;"
      "CREATE TABLE journal (seq INTEGER PRIMARY KEY, idempotency_id TEXT UNIQUE, payload TEXT NOT NULL,"
      " hash TEXT NOT NULL) STRICT;", 0, 0, 0), db, "schema");
  check(sqlite3_exec(db, "BEGIN", 0, 0, 0), db, "begin");
  sqlite3_stmt *seed;
  sqlite3_prepare_v2(db, "INSERT INTO balances VALUES (?, '1000000000000000')", -1, &seed, 0);
  for (int i = 0; i < ACCOUNTS; i++) {
    sqlite3_bind_int(seed, 1, i);
    check(sqlite3_step(seed), db, "seed");
    sqlite3_reset(seed);
  }
  check(sqlite3_exec(db, "COMMIT", 0, 0, 0), db, "commit");
  sqlite3_stmt *read, *update, *insert;
  sqlite3_prepare_v2(db, "SELECT amount FROM balances WHERE id = ?", -1, &read, 0);
  sqlite3_prepare_v2(db, "UPDATE balances SET amount = ? WHERE id = ?", -1, &update, 0);
  sqlite3_prepare_v2(db, "INSERT INTO journal VALUES (?, ?, ?, ?)", -1, &insert, 0);
  sqlite3_stmt *external = 0;
  if (dedup) sqlite3_prepare_v2(db, "INSERT INTO ext_ids VALUES (?, ?)", -1, &external, 0);
  unsigned long long keys = 7;
  unsigned char key[32];
  double *latency = durable ? malloc(sizeof(double) * count) : 0;
  unsigned long long state = 42;
  char payload[200], id[80], hash[65], text[48];
  memset(hash, 'a', 64);
  hash[64] = 0;
  double start = now();
  for (long n = 0; n < count; n++) {
    double began = now();
    if (n % batch == 0) check(sqlite3_exec(db, "BEGIN", 0, 0, 0), db, "begin");
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    int from = (state >> 33) % ACCOUNTS, to = (state >> 13) % ACCOUNTS;
    long long amount = (long long)((state >> 40) % 1000);
    int accounts[2] = {from, to};
    long long deltas[2] = {-amount, amount};
    for (int side = 0; side < 2; side++) {
      sqlite3_bind_int(read, 1, accounts[side]);
      check(sqlite3_step(read), db, "read");
      long long balance = atoll((const char *)sqlite3_column_text(read, 0));
      sqlite3_reset(read);
      if (balance + deltas[side] < 0) { fprintf(stderr, "negative\n"); return 1; }
      snprintf(text, sizeof text, "%lld", balance + deltas[side]);
      sqlite3_bind_text(update, 1, text, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int(update, 2, accounts[side]);
      check(sqlite3_step(update), db, "update");
      sqlite3_reset(update);
    }
    if (dedup) {
      for (int k = 0; k < 4; k++) {
        keys = keys * 6364136223846793005ULL + 1442695040888963407ULL;
        memcpy(key + 8 * k, &keys, 8);
      }
      sqlite3_bind_blob(external, 1, key, 32, SQLITE_STATIC);
      sqlite3_bind_int64(external, 2, n + 1);
      check(sqlite3_step(external), db, "dedup key");
      sqlite3_reset(external);
    }
    snprintf(id, sizeof id, "0x%064ld:%ld", n, n % 7);
    snprintf(payload, sizeof payload,
        "{\"amount\":\"%lld\",\"asset\":\"TAO\",\"from\":\"acct%05d\",\"op\":\"transfer\",\"to\":\"acct%05d\"}",
        amount, from, to);
    sqlite3_bind_int64(insert, 1, n + 1);
    if (dedup) sqlite3_bind_null(insert, 2); else sqlite3_bind_text(insert, 2, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(insert, 3, payload, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(insert, 4, hash, -1, SQLITE_STATIC);
    check(sqlite3_step(insert), db, "insert");
    sqlite3_reset(insert);
    if ((n + 1) % batch == 0 || n + 1 == count) check(sqlite3_exec(db, "COMMIT", 0, 0, 0), db, "commit");
    if (durable) latency[n] = now() - began;
  }
  double elapsed = now() - start;
  printf("{\"mode\":\"%s\",\"count\":%ld,\"seconds\":%.4f,\"perSecond\":%.0f", argv[1], count, elapsed, count / elapsed);
  if (durable) {
    qsort(latency, count, sizeof(double), compare);
    printf(",\"p50Microseconds\":%.0f,\"p99Microseconds\":%.0f", latency[count / 2] * 1e6, latency[count * 99 / 100] * 1e6);
  }
  printf("}\n");
  sqlite3_close(db);
  return 0;
}

static char *read_file(const char *path) {
  FILE *file = fopen(path, "rb");
  if (!file) { perror(path); exit(1); }
  fseek(file, 0, SEEK_END);
  long size = ftell(file);
  fseek(file, 0, SEEK_SET);
  char *text = malloc(size + 1);
  if (fread(text, 1, size, file) != (size_t)size) { perror(path); exit(1); }
  text[size] = 0;
  fclose(file);
  return text;
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql) {
  sqlite3_stmt *statement;
  check(sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, 0), db, sql);
  return statement;
}

/* The ledger's SQL for COUNT transfers on its own schema. Account ids 1..ACCOUNTS are the
 * holders (available bucket); balances are cached per batch like the journal's. */
static int schema_floor(int argc, char **argv, int random_ids) {
  if (argc < 6) {
    fprintf(stderr, "usage: floor schema N COUNT PATH schema/*.sql\n");
    return 2;
  }
  long batch = atol(argv[2]), count = atol(argv[3]);
  const char *path = argv[4];
  remove(path);
  sqlite3 *db;
  check(sqlite3_open(path, &db), db, "open");
  check(sqlite3_exec(db, "PRAGMA foreign_keys=ON; PRAGMA cell_size_check=ON; PRAGMA journal_mode=WAL;"
      "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY", 0, 0, 0), db, "pragmas");
  check(sqlite3_exec(db, "BEGIN", 0, 0, 0), db, "begin");
  for (int i = 5; i < argc; i++) check(sqlite3_exec(db, read_file(argv[i]), 0, 0, 0), db, argv[i]);
  check(sqlite3_exec(db,
      "INSERT INTO assets (symbol, decimals, definition) VALUES ('TAO', 9, '{}');"
      "INSERT INTO accounts (id, holder, bucket) VALUES (0, '@supply', 'available');", 0, 0, 0), db, "setup");
  sqlite3_stmt *account = prepare(db, "INSERT INTO accounts (id, holder, bucket) VALUES (?, ?, 'available')");
  sqlite3_stmt *seed = prepare(db, "INSERT INTO balances (account_id, asset, amount) VALUES (?, 'TAO', '1000000000000000')");
  char text[64];
  for (int i = 1; i <= ACCOUNTS; i++) {
    snprintf(text, sizeof text, "acct%05d", i - 1);
    sqlite3_bind_int(account, 1, i);
    sqlite3_bind_text(account, 2, text, -1, SQLITE_TRANSIENT);
    check(sqlite3_step(account), db, "account");
    sqlite3_reset(account);
    sqlite3_bind_int(seed, 1, i);
    check(sqlite3_step(seed), db, "seed");
    sqlite3_reset(seed);
  }
  check(sqlite3_exec(db, "COMMIT", 0, 0, 0), db, "commit");
  /* Journal format 2: an on-chain id as 32 bytes + its log index's digits, a transfer without
   * payload, the hash as its 32 bytes. */
  sqlite3_stmt *byId = prepare(db, "SELECT seq, payload FROM entries WHERE idempotency_id = ?");
  sqlite3_stmt *read = prepare(db, "SELECT amount, last_entry FROM balances WHERE account_id = ? AND asset = ?");
  sqlite3_stmt *upsert = prepare(db,
      "INSERT INTO balances (account_id, asset, amount, last_entry) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (account_id, asset) DO UPDATE SET amount = excluded.amount, last_entry = excluded.last_entry");
  sqlite3_stmt *entry = prepare(db,
      "INSERT INTO entries (seq, idempotency_id, kind, asset, payload, height, time, hash)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  sqlite3_stmt *posting = prepare(db,
      "INSERT INTO postings (entry_seq, posting_index, asset, from_account, to_account, amount, from_previous, "
      "to_previous) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  static long long balance[ACCOUNTS + 1], last[ACCOUNTS + 1];
  static int cached[ACCOUNTS + 1], dirty[ACCOUNTS + 1];
  unsigned long long state = 42, ids = 7;
  char id[80], hash[65];
  memset(hash, 'a', 64);
  hash[64] = 0;
  double start = now();
  for (long n = 0; n < count; n++) {
    if (n % batch == 0) {
      check(sqlite3_exec(db, "BEGIN IMMEDIATE", 0, 0, 0), db, "begin");
      memset(cached, 0, sizeof cached);
    }
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    int from = 1 + (state >> 33) % ACCOUNTS, to = 1 + (state >> 13) % ACCOUNTS;
    if (to == from) to = 1 + to % ACCOUNTS;
    long long amount = 1 + (long long)((state >> 40) % 1000);
    long long seq = n + 1;
    /* The stored id: "0x%064lx:0" as the hash's 32 bytes (big-endian n) and the digit 0;
     * --ids random: the hash's bytes from the generator (a transaction hash). */
    memset(id, 0, 32);
    if (random_ids) {
      for (int k = 0; k < 4; k++) {
        ids = ids * 6364136223846793005ULL + 1442695040888963407ULL;
        memcpy(id + 8 * k, &ids, 8);
      }
    } else {
      for (int k = 0; k < 8; k++) id[31 - k] = (char)((unsigned long long)n >> (8 * k));
    }
    id[32] = '0';
    sqlite3_bind_blob(byId, 1, id, 33, SQLITE_STATIC);
    if (sqlite3_step(byId) != SQLITE_DONE) { fprintf(stderr, "duplicate id\n"); return 1; }
    sqlite3_reset(byId);
    int sides[2] = {from, to};
    long long previous[2];
    for (int side = 0; side < 2; side++) {
      int a = sides[side];
      if (!cached[a]) {
        sqlite3_bind_int(read, 1, a);
        sqlite3_bind_text(read, 2, "TAO", -1, SQLITE_STATIC);
        check(sqlite3_step(read), db, "read");
        balance[a] = atoll((const char *)sqlite3_column_text(read, 0));
        last[a] = sqlite3_column_int64(read, 1);
        sqlite3_reset(read);
        cached[a] = 1;
      }
      previous[side] = last[a];
    }
    if (balance[from] < amount) { fprintf(stderr, "insufficient\n"); return 1; }
    balance[from] -= amount;
    balance[to] += amount;
    last[from] = last[to] = seq;
    dirty[from] = dirty[to] = 1;
    sqlite3_bind_int64(entry, 1, seq);
    sqlite3_bind_blob(entry, 2, id, 33, SQLITE_STATIC);
    sqlite3_bind_text(entry, 3, "transfer", -1, SQLITE_STATIC);
    sqlite3_bind_text(entry, 4, "TAO", -1, SQLITE_STATIC);
    sqlite3_bind_null(entry, 5);
    sqlite3_bind_null(entry, 6);
    sqlite3_bind_null(entry, 7);
    sqlite3_bind_blob(entry, 8, hash, 32, SQLITE_STATIC);
    check(sqlite3_step(entry), db, "entry");
    sqlite3_reset(entry);
    snprintf(text, sizeof text, "%lld", amount);
    sqlite3_bind_int64(posting, 1, seq);
    sqlite3_bind_int(posting, 2, 0);
    sqlite3_bind_text(posting, 3, "TAO", -1, SQLITE_STATIC);
    sqlite3_bind_int(posting, 4, from);
    sqlite3_bind_int(posting, 5, to);
    sqlite3_bind_text(posting, 6, text, -1, SQLITE_STATIC);
    sqlite3_bind_int64(posting, 7, previous[0]);
    sqlite3_bind_int64(posting, 8, previous[1]);
    check(sqlite3_step(posting), db, "posting");
    sqlite3_reset(posting);
    if ((n + 1) % batch == 0 || n + 1 == count) {
      for (int a = 1; a <= ACCOUNTS; a++) {
        if (!dirty[a]) continue;
        snprintf(text, sizeof text, "%lld", balance[a]);
        sqlite3_bind_int(upsert, 1, a);
        sqlite3_bind_text(upsert, 2, "TAO", -1, SQLITE_STATIC);
        sqlite3_bind_text(upsert, 3, text, -1, SQLITE_STATIC);
        sqlite3_bind_int64(upsert, 4, last[a]);
        check(sqlite3_step(upsert), db, "upsert");
        sqlite3_reset(upsert);
        dirty[a] = 0;
      }
      check(sqlite3_exec(db, "COMMIT", 0, 0, 0), db, "commit");
    }
  }
  double elapsed = now() - start;
  printf("{\"mode\":\"%s\",\"count\":%ld,\"seconds\":%.4f,\"perSecond\":%.0f}\n", argv[1], count, elapsed,
         count / elapsed);
  sqlite3_close(db);
  return 0;
}

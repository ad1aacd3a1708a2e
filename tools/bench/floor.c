/* The floor: the SQLite work of a ledger transfer with nothing else. Per transfer one journal
 * insert and two read-check-update balance writes, amounts as decimal TEXT like the ledger's,
 * WAL, the same pragmas. Modes:
 *   batch N COUNT      COUNT transfers, a commit every N (synchronous=NORMAL)
 *   durable COUNT      COUNT transfers, one per transaction (synchronous=FULL), latencies
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

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: floor batch N COUNT PATH | floor durable COUNT PATH\n");
    return 2;
  }
  int durable = strcmp(argv[1], "durable") == 0;
  long batch = durable ? 1 : atol(argv[2]);
  long count = atol(argv[durable ? 2 : 3]);
  const char *path = argv[durable ? 3 : 4];
  remove(path);
  sqlite3 *db;
  check(sqlite3_open(path, &db), db, "open");
  check(sqlite3_exec(db, "PRAGMA journal_mode=WAL", 0, 0, 0), db, "wal");
  check(sqlite3_exec(db, durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL", 0, 0, 0), db, "sync");
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
    snprintf(id, sizeof id, "0x%064ld:%ld", n, n % 7);
    snprintf(payload, sizeof payload,
        "{\"amount\":\"%lld\",\"asset\":\"TAO\",\"from\":\"acct%05d\",\"op\":\"transfer\",\"to\":\"acct%05d\"}",
        amount, from, to);
    sqlite3_bind_int64(insert, 1, n + 1);
    sqlite3_bind_text(insert, 2, id, -1, SQLITE_TRANSIENT);
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

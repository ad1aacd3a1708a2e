/* The PostgreSQL floor: the PostgreSQL work of a ledger transfer with nothing else, through
 * libpq. Per transfer one journal INSERT (a random 32-byte transaction hash as its unique id,
 * amount as decimal TEXT like the ledger's) and two read-check-UPDATEs of balances (read the
 * amount, check it covers the transfer, write it back), prepared statements, 10,000 accounts.
 * Modes:
 *   batch N COUNT URL    COUNT transfers, a commit every N
 *   durable COUNT URL    COUNT transfers, one per transaction (synchronous_commit on), latencies
 *   writers K COUNT URL  K processes on their own connections, COUNT durable transfers each, at
 *                        once; balances read FOR UPDATE in account order (no lost update, no
 *                        deadlock). With K = 1 it is the one-writer rate the K-writer rate is
 *                        compared with: what the machine allows many writers without one chain
 * URL is a libpq connection string; the tables are made in schema floor_bench (dropped first).
 * gcc -O2 -o pg_floor tools/bench/pg_floor.c -I/usr/include/postgresql -lpq
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ACCOUNTS 10000

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static PGresult *check(PGresult *result, PGconn *db, const char *what) {
  ExecStatusType status = PQresultStatus(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    fprintf(stderr, "%s: %s\n", what, PQerrorMessage(db));
    exit(1);
  }
  return result;
}

static void run(PGconn *db, const char *sql) { PQclear(check(PQexec(db, sql), db, sql)); }

static unsigned long long state = 42;
static unsigned long long next(void) {
  unsigned long long z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

static int compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Moves amount from one balance to another: read, check, write, twice. */
static int forUpdate = 0;

static void transfer(PGconn *db, long seq) {
  char id[80], amount[32], seqText[32], from[16], to[16], balance[48];
  unsigned long long hash[4] = {next(), next(), next(), next()};
  snprintf(id, sizeof id, "0x%016llx%016llx%016llx%016llx:0", hash[0], hash[1], hash[2], hash[3]);
  int f = next() % ACCOUNTS, t = (f + 1 + next() % (ACCOUNTS - 1)) % ACCOUNTS;
  unsigned long long value = next() % 10000000000ULL + 1;
  snprintf(amount, sizeof amount, "%llu", value);
  snprintf(seqText, sizeof seqText, "%ld", seq);
  snprintf(from, sizeof from, "%d", f);
  snprintf(to, sizeof to, "%d", t);
  const char *entry[3] = {seqText, id, amount};
  PQclear(check(PQexecPrepared(db, "entry", 3, entry, NULL, NULL, 0), db, "entry"));
  const char *side[2] = {from, to};
  if (forUpdate) {
    /* Lock both rows in account order first; the reads below then see the locked values. */
    const char *first = f < t ? from : to, *second = f < t ? to : from;
    const char *keys[2] = {first, second};
    PQclear(check(PQexecPrepared(db, "lock", 2, keys, NULL, NULL, 0), db, "lock"));
  }
  for (int s = 0; s < 2; s++) {
    const char *key[1] = {side[s]};
    PGresult *read = check(PQexecPrepared(db, "read", 1, key, NULL, NULL, 0), db, "read");
    unsigned long long current = strtoull(PQgetvalue(read, 0, 0), NULL, 10);
    PQclear(read);
    if (s == 0 && current < value) { fprintf(stderr, "insufficient balance\n"); exit(1); }
    snprintf(balance, sizeof balance, "%llu", s == 0 ? current - value : current + value);
    const char *write[2] = {balance, side[s]};
    PQclear(check(PQexecPrepared(db, "write", 2, write, NULL, NULL, 0), db, "write"));
  }
}

static PGconn *connect(const char *url) {
  PGconn *db = PQconnectdb(url);
  if (PQstatus(db) != CONNECTION_OK) { fprintf(stderr, "%s", PQerrorMessage(db)); exit(1); }
  run(db, "SET client_min_messages = warning; SET search_path TO floor_bench;"
          " SET synchronous_commit = on");
  return db;
}

static void prepare(PGconn *db) {
  PQclear(check(PQprepare(db, "entry", "INSERT INTO entries VALUES ($1, $2, $3)", 3, NULL), db, "p"));
  PQclear(check(PQprepare(db, "read", "SELECT amount FROM balances WHERE account = $1::int", 1,
                          NULL), db, "p"));
  PQclear(check(PQprepare(db, "write", "UPDATE balances SET amount = $1 WHERE account = $2::int",
                          2, NULL), db, "p"));
  PQclear(check(PQprepare(db, "lock", "SELECT 1 FROM balances WHERE account IN ($1::int, $2::int)"
                          " ORDER BY account FOR UPDATE", 2, NULL), db, "p"));
}

/* COUNT transfers with sequence numbers from FIRST, a commit every PER; fills latencies. */
static void transfers(PGconn *db, long first, long count, long per, double *latencies) {
  for (long i = 0; i < count; i += per) {
    double began = now();
    run(db, "BEGIN");
    for (long j = i; j < i + per && j < count; j++) transfer(db, first + j);
    run(db, "COMMIT");
    latencies[i / per] = now() - began;
  }
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: pg_floor batch N COUNT URL | durable COUNT URL | writers K COUNT URL\n");
    return 2;
  }
  int durable = strcmp(argv[1], "durable") == 0, writers = strcmp(argv[1], "writers") == 0;
  long per = writers ? 1 : durable ? 1 : atol(argv[2]);
  long processes = writers ? atol(argv[2]) : 1;
  long count = atol(argv[durable ? 2 : 3]);
  const char *url = argv[durable ? 3 : 4];
  PGconn *db = PQconnectdb(url);
  if (PQstatus(db) != CONNECTION_OK) { fprintf(stderr, "%s", PQerrorMessage(db)); return 1; }
  run(db, "SET client_min_messages = warning; DROP SCHEMA IF EXISTS floor_bench CASCADE;"
          " CREATE SCHEMA floor_bench; SET search_path TO floor_bench; SET synchronous_commit = on");
  run(db, "CREATE TABLE entries (seq BIGINT PRIMARY KEY, id TEXT COLLATE \"C\" UNIQUE NOT NULL,"
          " amount TEXT NOT NULL); CREATE TABLE balances (account INTEGER PRIMARY KEY,"
          " amount TEXT NOT NULL)");
  run(db, "INSERT INTO balances SELECT g, '1000000000000000000' FROM generate_series(0, 9999) g");
  double *latencies = malloc(sizeof(double) * (count + 1));
  double started = now();
  if (writers) {
    forUpdate = 1;
    for (long k = 0; k < processes; k++) {
      if (fork() == 0) {
        state = 42 + 1000003 * (unsigned long long)(k + 1);
        PGconn *own = connect(url);
        prepare(own);
        transfers(own, 1 + k * count, count, 1, latencies);
        PQfinish(own);
        _exit(0);
      }
    }
    int status, failed = 0;
    while (wait(&status) > 0) failed |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    if (failed) { fprintf(stderr, "a writer failed\n"); return 1; }
    double elapsed = now() - started;
    printf("{\"workload\":\"pg floor writers\",\"writers\":%ld,\"count\":%ld,\"seconds\":%.3f,"
           "\"perSecond\":%d}\n", processes, processes * count, elapsed,
           (int)(processes * count / elapsed));
    run(db, "DROP SCHEMA floor_bench CASCADE");
    PQfinish(db);
    return 0;
  }
  prepare(db);
  transfers(db, 1, count, per, latencies);
  double elapsed = now() - started;
  long commits = (count + per - 1) / per;
  qsort(latencies, commits, sizeof(double), compare);
  PGresult *size = check(PQexec(db, "SELECT pg_total_relation_size('entries')"), db, "size");
  long long bytes = atoll(PQgetvalue(size, 0, 0));
  PQclear(size);
  printf("{\"workload\":\"pg floor %s\",\"count\":%ld,\"seconds\":%.3f,\"perSecond\":%d,"
         "\"p50Microseconds\":%d,\"p99Microseconds\":%d,\"entryBytes\":%lld}\n",
         argv[1], count, elapsed, (int)(count / elapsed), (int)(latencies[commits / 2] * 1e6),
         (int)(latencies[commits * 99 / 100] * 1e6), bytes);
  run(db, "DROP SCHEMA floor_bench CASCADE");
  PQfinish(db);
  return 0;
}

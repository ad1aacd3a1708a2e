#!/usr/bin/env python3
"""The benchmark suite: builds in release mode, generates deterministic workloads (seeded,
10,000 accounts, Zipf-skewed), and prints one table: workload, size, wall seconds, operations
per second, peak memory, and the ratio to the raw-SQLite floor measured in the same run. The
table is also written as JSON (--json, default bench-results.json).

python3 tools/bench/run.py                      # sizes 10k and 100k
python3 tools/bench/run.py --sizes 10000 100000 1000000
python3 tools/bench/run.py --peers              # hledger / ledger / beancount when installed
python3 tools/bench/run.py --engine postgres     # the PostgreSQL engine beside its floor and SQLite
"""
import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
RELEASE = os.path.join(ROOT, ".build", "release")


def timed(command, discard=False, **kwargs):
    """Runs a command under /usr/bin/time -v; returns (seconds, peak MB, stdout). With
    `discard`, stdout goes to /dev/null (an export of ten million lines is not held here)."""
    wrapper = ["/usr/bin/time", "-v"] if os.path.exists("/usr/bin/time") else []
    started = time.time()
    if discard:
        result = subprocess.run(wrapper + command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                **kwargs)
    else:
        result = subprocess.run(wrapper + command, capture_output=True, text=True, **kwargs)
    elapsed = time.time() - started
    if result.returncode not in (0, 1):
        sys.exit("failed: %s\n%s" % (" ".join(command), result.stderr[-2000:]))
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
    return elapsed, (int(peak.group(1)) / 1024 if peak else float("nan")), result.stdout


def build(workdir):
    subprocess.run(["swift", "build", "-c", "release"], cwd=ROOT, check=True, capture_output=True)
    floor = os.path.join(workdir, "floor")
    subprocess.run(["gcc", "-O2", "-o", floor, os.path.join(ROOT, "tools", "bench", "floor.c"), "-lsqlite3"], check=True)
    return floor


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--durable", type=int, default=10000)
    parser.add_argument("--reward-delegators", type=int, default=100000)
    parser.add_argument("--liability-holders", type=int, default=100000,
                        help="holders of the proof-of-liabilities workload (0 to skip)")
    parser.add_argument("--validators", type=int, nargs="*", default=[1000, 10000],
                        help="validator counts of the audit/validators/report workload (none to skip)")
    parser.add_argument("--peers", action="store_true")
    parser.add_argument("--core", action="store_true",
                        help="only the rows whose cost per entry must stay flat (for 10,000,000): the floors, "
                             "apply with random ids, audit, replay and balance --at")
    parser.add_argument("--no-dedup", action="store_true",
                        help="with --core: skip the dedup floor (a 10,000,000 run then fits in an hour)")
    parser.add_argument("--json", default="bench-results.json")
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite",
                        help="postgres: the PostgreSQL rows only (a throwaway server from tools/pg-test.sh), "
                             "beside the PostgreSQL floor and the same workloads on SQLite, in one run")
    parser.add_argument("--pg-size", type=int, default=20000, help="transfers of the batched PostgreSQL rows")
    parser.add_argument("--pg-durable", type=int, default=2000, help="single commits of the durable rows")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="tokenledger-bench-")
    floor = build(workdir)
    cli = os.path.join(RELEASE, "tokenledger")
    library = os.path.join(RELEASE, "TokenLedgerBench")
    rows = []

    def row(workload, size, seconds, peak, floor_rate=None, extra=""):
        rate = size / seconds if seconds > 0 else float("inf")
        rows.append({"workload": workload, "size": size, "seconds": round(seconds, 3), "perSecond": int(rate),
                     "peakMB": round(peak, 1), "ratioToFloor": round(rate / floor_rate, 3) if floor_rate else None,
                     "note": extra})
        # Each row as it is measured too (stderr), so that a failure later keeps what was done.
        print("measured: %s" % json.dumps(rows[-1]), file=sys.stderr, flush=True)

    if args.engine == "postgres":
        postgres_rows(args, workdir, floor, library, row)
        print_table(rows, args.json)
        shutil.rmtree(workdir)
        return

    durable_floor = json.loads(subprocess.run([floor, "durable", str(args.durable), os.path.join(workdir, "fd.sqlite")],
                                              capture_output=True, text=True, check=True).stdout)
    seconds, peak, out = timed([library, "durable", str(args.durable), os.path.join(workdir, "d.sqlite")])
    durable = json.loads(out)
    row("floor: durable single commits", args.durable, durable_floor["seconds"], float("nan"),
        extra="p50 %d us, p99 %d us" % (durable_floor["p50Microseconds"], durable_floor["p99Microseconds"]))
    row("library: durable single commits", args.durable, durable["seconds"], peak, durable_floor["perSecond"],
        "p50 %d us, p99 %d us" % (durable["p50Microseconds"], durable["p99Microseconds"]))
    seconds, peak, out = timed([library, "reward", str(args.reward_delegators), os.path.join(workdir, "r.sqlite")])
    row("library: reward epoch (one reward)", args.reward_delegators, json.loads(out)["seconds"], peak,
        extra="delegators paid per second")

    if args.liability_holders:
        holders = args.liability_holders
        db = os.path.join(workdir, "pol.sqlite")
        seconds, peak, out = timed([library, "liabilities", str(holders), db])
        result = json.loads(out)
        bundle = os.path.join(db + ".pol", "proofs.jsonl")
        size = os.path.getsize(bundle) + os.path.getsize(os.path.join(db + ".pol", "proofs.index"))
        # The floor: the same number of bytes written to one new file, one write per 1 MiB,
        # then fsync: what writing the bundle costs the disk alone.
        floor_path = os.path.join(workdir, "pol-floor.bin")
        chunk = b"x" * (1 << 20)
        started = time.monotonic()
        handle = os.open(floor_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        left = size
        while left > 0:
            left -= os.write(handle, chunk[:min(left, len(chunk))])
        os.fsync(handle)
        os.close(handle)
        floor_seconds = time.monotonic() - started
        os.unlink(floor_path)
        count = holders + 10000
        row("floor: write the bundle's bytes, 1 MiB a write", count, floor_seconds, float("nan"),
            extra="%.0f MB" % (size / 1e6))
        row("library: liabilities, root and bundle", count, result["seconds"], peak, count / floor_seconds,
            "root in %.2f s, depth %d, %d bytes a proof" % (result["buildSeconds"], result.get("depth", 0),
                                                              size // count))
        started = time.monotonic()
        extract = subprocess.run([cli, "liability-proof", "--bundle", db + ".pol", "--account",
                                  "customer%d" % (holders // 2)], capture_output=True)
        row("tokenledger liability-proof (one of the bundle)", 1, time.monotonic() - started, float("nan"),
            extra="exit %d" % extract.returncode)
        shutil.rmtree(db + ".pol")

    # Per-validator work must stay flat: 10x the validators should cost about 10x, not 100x.
    for count in args.validators:
        seconds, peak, out = timed([library, "validators", str(count), os.path.join(workdir, "v.sqlite")])
        result = json.loads(out)
        for name, key in (("audit", "auditSeconds"), ("validators", "validatorsSeconds"),
                          ("report", "reportSeconds")):
            row("library: %s, %d validators" % (name, count), count, result[key], peak,
                extra="validators per second")

    def core(size, floor_result):
        """Apply with random ids, then audit, replay, export and balance --at: the flatness rows."""
        dedup = {"perSecond": None}
        if not args.no_dedup:
            dedup = json.loads(subprocess.run([floor, "dedup", "1000", str(size),
                                               os.path.join(workdir, "fd.sqlite")],
                                              capture_output=True, text=True, check=True).stdout)
            os.remove(os.path.join(workdir, "fd.sqlite"))
            row("floor: transfers + random 32-byte key (dedup)", size, dedup["seconds"], float("nan"),
                dedup["perSecond"])
        ops = os.path.join(workdir, "ops-core-%d.jsonl" % size)
        with open(ops, "w") as handle:
            subprocess.run([sys.executable, os.path.join(ROOT, "tools", "bench", "gen-transfers.py"), "--n", str(size),
                            "--ids", "random"], stdout=handle, check=True)
        operations = size + 10001
        db = os.path.join(workdir, "core-%d.sqlite" % size)
        subprocess.run([cli, "init", "--db", db], check=True, capture_output=True)
        seconds, peak, _ = timed([cli, "apply", "--db", db, "--batch", "1000", "--fast-commits", "--quiet", ops])
        os.remove(ops)
        row("cli: apply, random ids, batch 1000", operations, seconds, peak, dedup["perSecond"],
            "%d bytes per operation; ratio to the dedup floor; %.2f us per operation"
            % (os.path.getsize(db) // operations, seconds * 1e6 / operations))
        for command in (["audit"], ["replay"], ["export"], ["balance", "--at", str(operations // 2)]):
            seconds, peak, _ = timed([cli] + command + ["--db", db, "--quiet"], discard=True)
            row("cli: " + command[0] + (" --at (deep history)" if command[0] == "balance" else ""), operations,
                seconds, peak, extra="%.2f x the floor's time; %.2f us per entry"
                % (seconds / floor_result["seconds"], seconds * 1e6 / operations))
        os.remove(db)

    for size in args.sizes:
        floor_result = json.loads(subprocess.run([floor, "batch", "1000", str(size), os.path.join(workdir, "f.sqlite")],
                                                 capture_output=True, text=True, check=True).stdout)
        floor_rate = floor_result["perSecond"]
        row("floor: transfers, batch 1000", size, floor_result["seconds"], float("nan"), floor_rate)
        os.remove(os.path.join(workdir, "f.sqlite"))
        if args.core:
            core(size, floor_result)
            continue
        # The ledger's own SQL on its own schema, without the library: the ceiling for apply.
        schema_files = sorted(os.path.join(ROOT, "schema", name) for name in os.listdir(os.path.join(ROOT, "schema"))
                              if name.endswith(".sql"))
        schema_result = json.loads(subprocess.run([floor, "schema", "1000", str(size), os.path.join(workdir, "fs.sqlite")]
                                                  + schema_files, capture_output=True, text=True, check=True).stdout)
        row("floor: the ledger's SQL, batch 1000", size, schema_result["seconds"], float("nan"), floor_rate)
        random_schema = json.loads(subprocess.run([floor, "schema-random", "1000", str(size),
                                                   os.path.join(workdir, "fr.sqlite")] + schema_files,
                                                  capture_output=True, text=True, check=True).stdout)
        seconds, peak, out = timed([library, "apply", str(size), os.path.join(workdir, "lib.sqlite")])
        library_seconds = json.loads(out)["seconds"]
        row("library: apply transfers, batch 1000", size, library_seconds, peak, floor_rate,
            "%.2f of the ledger's SQL floor" % (schema_result["seconds"] / library_seconds))
        # Transaction hashes arrive in random order: the default workload. The dedup floor pays
        # the same price for a unique random key; increasing ids are the id index's best case.
        dedup_result = json.loads(subprocess.run([floor, "dedup", "1000", str(size), os.path.join(workdir, "fd.sqlite")],
                                                 capture_output=True, text=True, check=True).stdout)
        dedup_rate = dedup_result["perSecond"]
        row("floor: transfers + random 32-byte key (dedup)", size, dedup_result["seconds"], float("nan"), dedup_rate)
        row("floor: the ledger's SQL, random ids", size, random_schema["seconds"], float("nan"), dedup_rate,
            "ratio to the dedup floor")
        operations = size + 10001

        def generate(ids):
            path = os.path.join(workdir, "ops-%s-%d.jsonl" % (ids, size))
            with open(path, "w") as handle:
                subprocess.run([sys.executable, os.path.join(ROOT, "tools", "bench", "gen-transfers.py"), "--n", str(size),
                                "--ids", ids], stdout=handle, check=True)
            return path

        increasing = generate("increasing")
        db = os.path.join(workdir, "cli-increasing-%d.sqlite" % size)
        subprocess.run([cli, "init", "--db", db], check=True, capture_output=True)
        seconds, peak, _ = timed([cli, "apply", "--db", db, "--batch", "1000", "--fast-commits", increasing])
        row("cli: apply, increasing ids, batch 1000", operations, seconds, peak, floor_rate,
            "%d bytes per operation" % (os.path.getsize(db) // operations))
        os.remove(increasing)
        os.remove(db)
        ops = generate("random")
        db = os.path.join(workdir, "cli-atomic-%d.sqlite" % size)
        subprocess.run([cli, "init", "--db", db], check=True, capture_output=True)
        seconds, peak, _ = timed([cli, "apply", "--db", db, "--fast-commits", ops])
        atomic_rate = operations / seconds
        os.remove(db)
        db = os.path.join(workdir, "cli-%d.sqlite" % size)
        subprocess.run([cli, "init", "--db", db], check=True, capture_output=True)
        seconds, peak, _ = timed([cli, "apply", "--db", db, "--batch", "1000", "--fast-commits", ops])
        batched_rate = operations / seconds
        row("cli: apply, random ids, batch 1000", operations, seconds, peak, dedup_rate,
            "%d bytes per operation; ratio to the dedup floor" % (os.path.getsize(db) // operations))
        row("cli: apply, random ids, atomic", operations, operations / atomic_rate, peak, dedup_rate,
            "%.2f of batched" % (atomic_rate / batched_rate))
        for command in (["audit"], ["replay"], ["export"], ["balance", "--at", str(operations // 2)]):
            seconds, peak, _ = timed([cli] + command + ["--db", db])
            row("cli: " + " ".join(command[:1]) + (" --at (deep history)" if command[0] == "balance" else ""),
                operations, seconds, peak, extra="%.2f x the floor's time" % (seconds / floor_result["seconds"]))
        # A reconcile source of every transfer, in ethereum-etl token_transfers form.
        source = os.path.join(workdir, "source-%d.csv" % size)
        with open(ops) as lines, open(source, "w") as out_csv:
            out_csv.write("token_address,from_address,to_address,value,transaction_hash,log_index,block_number\n")
            for number, line in enumerate(lines):
                record = json.loads(line)
                if record["op"] != "transfer":
                    continue
                whole, _, fraction = record["amount"].partition(".")
                value = int(whole) * 10**9 + int((fraction + "000000000")[:9])
                tx, index = record["id"].split(":")
                # A block number is required of a transfer record; 100 transfers a block.
                out_csv.write("0x00000000000000000000000000000000000000aa,%s,%s,%d,%s,%s,%d\n"
                              % (record["from"], record["to"], value, tx, index, 1 + number // 100))
        seconds, peak, _ = timed([cli, "reconcile", "--db", db, "--kind", "etl-transfers", "--asset", "TAO", source])
        row("cli: reconcile etl-transfers", size, seconds, peak)

    if args.peers:
        peers = os.path.join(ROOT, "..", "shared", "peers", "run_peers.py")
        peer_sizes = [str(size) for size in args.sizes if size >= 100000]
        if not os.path.exists(peers):
            print("peers: ../shared/peers is absent")
        elif peer_sizes:
            # Our audit on exactly the transfers the peers check (their generator, same seed),
            # after checking that our balances equal its closing assertions.
            for size in peer_sizes:
                lines = os.path.join(workdir, "peers-%s.jsonl" % size)
                with open(lines, "w") as handle:
                    subprocess.run([sys.executable, os.path.join(ROOT, "tools", "bench", "peers_ledger.py"), "--n", size],
                                   stdout=handle, check=True)
                db = os.path.join(workdir, "peers-%s.sqlite" % size)
                subprocess.run([cli, "init", "--db", db], check=True, capture_output=True)
                subprocess.run([cli, "apply", "--db", db, "--batch", "10000", "--fast-commits", lines], check=True,
                               capture_output=True)
                check = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "bench", "peers_ledger.py"), "--n",
                                        size, "--check", db], capture_output=True, text=True)
                seconds, peak, _ = timed([cli, "audit", "--db", db])
                row("cli: audit of the peers' ledger", int(size), seconds, peak, extra=check.stdout.strip())
                os.remove(lines)
            result = subprocess.run([sys.executable, peers, "--n"] + peer_sizes, capture_output=True, text=True)
            print(result.stdout)

    print_table(rows, args.json)
    shutil.rmtree(workdir)


def print_table(rows, path):
    print("%-46s %9s %9s %11s %8s %8s  %s" % ("workload", "size", "seconds", "ops/s", "peak MB", "floor x", "note"))
    for item in rows:
        ratio = "%.2f" % item["ratioToFloor"] if item["ratioToFloor"] else "-"
        print("%-46s %9d %9.3f %11d %8.1f %8s  %s" % (item["workload"], item["size"], item["seconds"], item["perSecond"],
                                                    item["peakMB"], ratio, item["note"]))
    with open(path, "w") as handle:
        json.dump(rows, handle, indent=2)


def postgres_cpu_seconds():
    """CPU seconds used so far by the PostgreSQL server's processes on this machine, including
    the backends that have exited (their postmaster's children's times)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % pid) as handle:
                text = handle.read()
        except OSError:
            continue
        name, fields = text[text.index("(") + 1:text.rindex(")")], text[text.rindex(")") + 2:].split()
        if name == "postgres":
            total += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return total / ticks


def children_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def postgres_rows(args, workdir, floor, library, row):
    """The PostgreSQL engine in one run beside its floor (tools/bench/pg_floor.c: one INSERT and two
    read-check-UPDATEs per transfer through libpq) and the same workloads on SQLite and its floor:
    batches of 1,000, durable single commits, four concurrent writers against one, bytes per
    transfer. Ids are random transaction hashes. "floor x" is the ratio to the floor of the same
    engine, or, for four writers, to one writer's durable rate."""
    pg_floor = os.path.join(workdir, "pg_floor")
    subprocess.run(["gcc", "-O2", "-o", pg_floor, os.path.join(ROOT, "tools", "bench", "pg_floor.c"),
                    "-I/usr/include/postgresql", "-lpq"], check=True)
    script = os.path.join(ROOT, "tools", "pg-test.sh")
    url = subprocess.run([script, "start", str(os.getpid())], capture_output=True, text=True,
                         check=True).stdout.strip()
    try:
        n, d = args.pg_size, args.pg_durable

        def run_json(command):
            return json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)

        def ledger(name):
            return url + "&ledger=" + name

        latency = lambda r: "p50 %d us, p99 %d us" % (r["p50Microseconds"], r["p99Microseconds"])
        fb = run_json([pg_floor, "batch", "1000", str(n), url])
        row("pg floor: batches of 1,000", n, fb["seconds"], float("nan"))
        fd = run_json([pg_floor, "durable", str(d), url])
        row("pg floor: durable single commits", d, fd["seconds"], float("nan"), extra=latency(fd))
        seconds, peak, out = timed([library, "apply-random", str(n), ledger("bench_apply")])
        lb = json.loads(out)
        size = subprocess.run(["psql", url, "-tAc",
                               "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace s"
                               " ON s.oid = c.relnamespace WHERE s.nspname = 'bench_apply' AND c.relkind = 'r'"
                               " AND c.relname IN ('entries', 'postings')"],
                              capture_output=True, text=True, check=True).stdout.strip()
        row("postgres: batches of 1,000", n, lb["seconds"], peak, fb["perSecond"],
            "journal %d bytes a transfer (entries and postings with their indexes; pg floor %d)"
            % (int(size) // (n + 10001), fb["entryBytes"] // n))
        seconds, peak, out = timed([library, "durable-random", str(d), ledger("bench_durable")])
        ld = json.loads(out)
        row("postgres: durable single commits", d, ld["seconds"], peak, fd["perSecond"], latency(ld))
        # One writer and four, three times in turn: this machine's speed drifts within minutes
        # (its disk flushes and CPU), so each ratio compares neighbours, and the medians are
        # reported with every round's ratio.
        rounds = 3
        floor_rounds = []
        for _ in range(rounds):
            f1 = run_json([pg_floor, "writers", "1", str(d), url])
            f4 = run_json([pg_floor, "writers", "4", str(d), url])
            floor_rounds.append((f1["perSecond"], f4["seconds"]))
        f1_rate = statistics.median(r[0] for r in floor_rounds)
        row("pg floor: 4 writers, durable (x = to one)", 4 * d, statistics.median(r[1] for r in floor_rounds),
            float("nan"), f1_rate, "row locks, no chain: what the machine allows four writers; rounds %s"
            % ", ".join("%.2f" % (4 * d / r[1] / r[0]) for r in floor_rounds))
        run_json([library, "setup", "0", ledger("bench_writers")])
        separate = ["bench_writer%d" % k for k in range(4)]
        for name in separate:
            run_json([library, "setup", "0", ledger(name)])

        def four(names, seed):
            """Four writer processes at once, on these ledgers: (seconds, lock-first retries,
            server and client CPU microseconds an operation)."""
            server, client = postgres_cpu_seconds(), children_cpu_seconds()
            started = time.time()
            writers = [subprocess.Popen([library, "writer", str(d), ledger(name), str(seed + k)],
                                        stdout=subprocess.PIPE, text=True) for k, name in enumerate(names)]
            for writer in writers:
                if writer.wait() != 0:
                    sys.exit("a writer failed")
            elapsed = time.time() - started
            time.sleep(0.3)  # the backends' exits reach the postmaster's children's times
            cpu = ((postgres_cpu_seconds() - server) * 1e6 / (4 * d),
                   (children_cpu_seconds() - client) * 1e6 / (4 * d))
            return elapsed, sum(json.loads(w.stdout.read()).get("lockLateRetries", 0) for w in writers), cpu

        # Each round: one writer; four on one ledger (one chain, one write lock); four on four
        # separate ledgers of the same database (nothing shared but the server and the machine:
        # the ceiling for four writers here, whatever one ledger's serialization costs).
        ledger_rounds, separate_rounds, retries = [], [], 0
        for index in range(rounds):
            server, client = postgres_cpu_seconds(), children_cpu_seconds()
            one = run_json([library, "writer", str(d), ledger("bench_writers"), str(10 * index + 1)])
            time.sleep(0.3)
            one_cpu = ((postgres_cpu_seconds() - server) * 1e6 / d, (children_cpu_seconds() - client) * 1e6 / d)
            elapsed, retried, cpu = four(["bench_writers"] * 4, 10 * index + 2)
            ledger_rounds.append((one, elapsed, one_cpu, cpu))
            retries += retried
            elapsed, retried, cpu = four(separate, 100 * index + 7)
            separate_rounds.append((one, elapsed, one_cpu, cpu))
            retries += retried
        cpu_text = lambda cpus: "server %d, client %d" % (statistics.median(c[0] for c in cpus),
                                                        statistics.median(c[1] for c in cpus))
        one = sorted((r[0] for r in ledger_rounds), key=lambda r: r["perSecond"])[rounds // 2]
        row("postgres: one writer, durable", d, one["seconds"], float("nan"),
            extra=latency(one) + "; CPU us an op: " + cpu_text([r[2] for r in ledger_rounds]))
        ratios = lambda rs: ", ".join("%.2f" % (4 * d / r[1] / r[0]["perSecond"]) for r in rs)
        row("postgres: 4 writers, durable (x = to one)", 4 * d, statistics.median(r[1] for r in ledger_rounds),
            float("nan"), one["perSecond"],
            "one ledger, one chain; rounds %s; CPU us an op: %s"
            % (ratios(ledger_rounds), cpu_text([r[3] for r in ledger_rounds])))
        row("postgres: 4 writers, 4 ledgers (x = to one)", 4 * d,
            statistics.median(r[1] for r in separate_rounds), float("nan"), one["perSecond"],
            "nothing shared but the server: the machine's ceiling for four writers; rounds %s; "
            "CPU us an op: %s; %d of %d took the lock before their entry (all four-writer runs)"
            % (ratios(separate_rounds), cpu_text([r[3] for r in separate_rounds]), retries,
               rounds * 8 * d))
        sb = run_json([floor, "batch", "1000", str(n), os.path.join(workdir, "f.sqlite")])
        row("sqlite floor: batches of 1,000", n, sb["seconds"], float("nan"))
        seconds, peak, out = timed([library, "apply-random", str(n), os.path.join(workdir, "a.sqlite")])
        row("sqlite: batches of 1,000", n, json.loads(out)["seconds"], peak, sb["perSecond"])
        sd = run_json([floor, "durable", str(d), os.path.join(workdir, "fd.sqlite")])
        row("sqlite floor: durable single commits", d, sd["seconds"], float("nan"), extra=latency(sd))
        seconds, peak, out = timed([library, "durable-random", str(d), os.path.join(workdir, "d.sqlite")])
        sl = json.loads(out)
        row("sqlite: durable single commits", d, sl["seconds"], peak, sd["perSecond"], latency(sl))
    finally:
        subprocess.run([script, "stop", url], capture_output=True)


if __name__ == "__main__":
    main()

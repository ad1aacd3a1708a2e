#!/usr/bin/env python3
"""The long reliability runs that do not fit in `swift test`:

  crash        SIGKILL `tokenledger apply --batch N` at seeded random moments (default 200
               times); after each kill: audit clean, the journal a prefix of the stream, and
               every commit that apply had reported present.
  concurrency  4 processes applying --per-writer operations each (default 25,000: 100,000 in
               all) to one file while audit and balance read: all present exactly once, no
               read fails, audit clean.
  fuzz         libFuzzer on tools/fuzz's four targets for a bounded time each, then the
               property-based fuzzers of the test suite with many more inputs.

python3 tools/torture/torture.py [crash|concurrency|fuzz|all] [--kills 200] [--seed 1]
Exits non-zero on any failure and prints the seed that replays it.
"""
import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def binary():
    for candidate in (".build/release/tokenledger", ".build/debug/tokenledger"):
        path = os.path.join(ROOT, candidate)
        if os.path.exists(path):
            return path
    sys.exit("build first: swift build")


def run(args, **kwargs):
    return subprocess.run([binary()] + args, capture_output=True, text=True, **kwargs)


def stream(path, count, seed):
    rng = random.Random(seed)
    lines = ['{"op":"defineAsset","symbol":"TAO","decimals":9,"addressScheme":"any","id":"asset"}']
    for index in range(20):
        lines.append('{"op":"mint","asset":"TAO","to":"a%d","amount":"1000000","id":"mint-%d"}' % (index, index))
    for index in range(count):
        lines.append('{"op":"transfer","asset":"TAO","from":"a%d","to":"a%d","amount":"%d.%03d","id":"t-%d"}'
                     % (rng.randrange(20), rng.randrange(20), rng.randrange(50), rng.randrange(1000), index))
    with open(path, "w") as handle:
        handle.write("\n".join(lines) + "\n")
    return [json.loads(line)["id"] for line in lines]


def crash(kills, seed, operations):
    workdir = tempfile.mkdtemp(prefix="tokenledger-crash-")
    ops = os.path.join(workdir, "ops.jsonl")
    ids = stream(ops, operations, seed)
    rng = random.Random(seed)
    survived = 0
    interrupted = 0
    commit_line = re.compile(r"committed through line (\d+): (\d+) operations, last entry (\d+), last id (\S+)")
    started = time.time()
    for kill in range(kills):
        db = os.path.join(workdir, "ledger-%d.sqlite" % kill)
        run(["init", "--db", db])
        process = subprocess.Popen([binary(), "apply", "--db", db, "--batch", "25", ops],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(rng.uniform(0.02, 0.9))
        process.send_signal(signal.SIGKILL)
        output, _ = process.communicate()
        reported = [commit_line.match(line) for line in output.splitlines()]
        reported = [m for m in reported if m]
        audit = run(["audit", "--db", db, "--format", "json"])
        report = json.loads(audit.stdout) if audit.stdout else {}
        exported = run(["export", "--db", db]).stdout.splitlines()
        exported_ids = [json.loads(line).get("id") for line in exported]
        problems = []
        if audit.returncode != 0:
            problems.append("audit exit %d: %s" % (audit.returncode, audit.stderr.strip()[:300]))
        if exported_ids != ids[:len(exported_ids)]:
            problems.append("the journal is not a prefix of the stream")
        if reported:
            last = reported[-1]
            if report.get("entries", 0) < int(last.group(3)):
                problems.append("commit through entry %s was reported but the ledger has %s entries"
                                % (last.group(3), report.get("entries")))
        if problems:
            print("kill %d (seed %d) FAILED: %s" % (kill, seed, "; ".join(problems)))
            return False
        survived += 1
        if report.get("entries", 0) < len(ids):
            interrupted += 1
        os.remove(db)
        for suffix in ("-wal", "-shm"):
            if os.path.exists(db + suffix):
                os.remove(db + suffix)
    shutil.rmtree(workdir)
    print("crash: %d of %d kills survived, %d of them mid-stream (seed %d, %d operations, %.0f s)"
          % (survived, kills, interrupted, seed, operations, time.time() - started))
    return survived == kills


def concurrency(writers, per_writer):
    workdir = tempfile.mkdtemp(prefix="tokenledger-concurrency-")
    db = os.path.join(workdir, "shared.sqlite")
    run(["init", "--db", db])
    setup = subprocess.run([binary(), "apply", "--db", db, "-"], input='{"op":"defineAsset","symbol":"T","decimals":2,"addressScheme":"any"}\n',
                           capture_output=True, text=True)
    assert setup.returncode == 0, setup.stderr
    processes = []
    started = time.time()
    for writer in range(writers):
        path = os.path.join(workdir, "w%d.jsonl" % writer)
        with open(path, "w") as handle:
            for index in range(per_writer):
                handle.write('{"op":"mint","asset":"T","to":"w%d","amount":"1","id":"w%d-%d"}\n' % (writer, writer, index))
        processes.append(subprocess.Popen([binary(), "apply", "--db", db, "--batch", "100", path],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True))
    reads = 0
    read_failures = []
    while any(p.poll() is None for p in processes):
        for command in (["audit"], ["balance"]):
            result = run(command + ["--db", db, "--format", "json"])
            reads += 1
            if result.returncode != 0:
                read_failures.append(result.stderr.strip()[:200])
    errors = [p.stderr.read() for p in processes if p.wait() != 0]
    audit = json.loads(run(["audit", "--db", db, "--format", "json"]).stdout)
    lost = writers * per_writer + 1 - audit["entries"]
    ok = not errors and not read_failures and audit["ok"] and lost == 0
    print("concurrency: %d writers x %d operations in %.1f s, %d reads meanwhile, operations lost %d, audit %s%s"
          % (writers, per_writer, time.time() - started, reads, lost, "clean" if audit["ok"] else "FAILED",
             "" if ok else "; errors: %s %s" % (errors[:2], read_failures[:2])))
    shutil.rmtree(workdir)
    return ok


def fuzz(iterations, seconds):
    """libFuzzer on the four targets of tools/fuzz (amounts, addresses, operation lines, every
    reader) for `seconds` each, then the property-based fuzzers of the test suite with
    `iterations` inputs each."""
    ok = True
    scratch = os.path.join(ROOT, ".build-fuzz")
    build = subprocess.run(["swift", "build", "-c", "release", "--package-path", os.path.join(ROOT, "tools", "fuzz"),
                            "--scratch-path", scratch, "-Xswiftc", "-sanitize=fuzzer", "-Xswiftc", "-parse-as-library",
                            "-Xswiftc", "-use-ld=lld"], capture_output=True, text=True)
    if build.returncode != 0:
        print("fuzz: the libFuzzer build failed\n" + build.stdout[-2000:] + build.stderr[-2000:])
        ok = False
    else:
        for target in ("FuzzAmount", "FuzzAddress", "FuzzOperation", "FuzzReaders"):
            corpus = tempfile.mkdtemp(prefix="fuzz-%s-" % target)
            result = subprocess.run([os.path.join(scratch, "release", target), corpus, "-max_total_time=%d" % seconds,
                                     "-max_len=4096", "-print_final_stats=1"], capture_output=True, text=True)
            runs = re.findall(r"stat::number_of_executed_units:\s*(\d+)", result.stderr)
            crashed = result.returncode != 0
            print("fuzz %s (libFuzzer): %s executions in %d s, %s"
                  % (target, runs[-1] if runs else "?", seconds, "CRASH" if crashed else "no crash"))
            if crashed:
                print(result.stderr[-3000:])
                ok = False
            shutil.rmtree(corpus)
    started = time.time()
    env = dict(os.environ, TOKENLEDGER_FUZZ_ITERATIONS=str(iterations))
    result = subprocess.run(["swift", "test", "--filter", "FuzzTests"], cwd=ROOT, env=env, capture_output=True, text=True)
    failed = result.returncode != 0 or "\u2718" in result.stdout
    print("fuzz (property-based): 4 targets x %d inputs = %d executions in %.0f s, %s"
          % (iterations, 4 * iterations, time.time() - started, "FAILURES" if failed else "no crash, no failure"))
    if failed:
        print(result.stdout[-4000:] + result.stderr[-2000:])
    return ok and not failed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("what", nargs="?", default="all", choices=["crash", "concurrency", "fuzz", "all"])
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--operations", type=int, default=20000)
    parser.add_argument("--per-writer", type=int, default=25000)
    parser.add_argument("--fuzz-iterations", type=int, default=20000)
    parser.add_argument("--fuzz-seconds", type=int, default=60)
    args = parser.parse_args()
    ok = True
    if args.what in ("crash", "all"):
        ok = crash(args.kills, args.seed, args.operations) and ok
    if args.what in ("concurrency", "all"):
        ok = concurrency(4, args.per_writer) and ok
    if args.what in ("fuzz", "all"):
        ok = fuzz(args.fuzz_iterations, args.fuzz_seconds) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The measuring half of scripts/bench-clients.sh (stdlib only; run that script, not this).

Starts nginx as a fake Umami v3 on 127.0.0.1, measures its ceiling with wrk, runs every client
against it RUNS times (scenarios interleaved, so drifting load hits them all alike), checks in
nginx's access logs that every event arrived, and writes the Markdown report.

Nothing here talks to any address but 127.0.0.1.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
HOST = "127.0.0.1"
USER_AGENT = "Mozilla/5.0 umami-rs/0.1.0"
# A v3-shaped cache token (a JWT of website, session and visit ids; the signature is fake).
CACHE_TOKEN = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ3ZWJzaXRlSWQiOiI5Nzg0MzVlMi03YmExLTQzMzctOTg2MC1lYz"
    "MxZWNlMmRiNjAiLCJzZXNzaW9uSWQiOiJkNmQ0ZjE5ZS0zYjYyLTU3NGQtOTNiMy1iOTRhMDFmYmIyYzEiLCJ2aXNp"
    "dElkIjoiNDZmYzNjZmYtOGE4Zi01Yzc0LTg4NjctZDkyYTZkZWQ5ZmE2IiwiaWF0IjoxNzY0MjA4MDAwfQ."
    "c2lnbmF0dXJlLW5vdC1jaGVja2Vk")


def log(msg):
    print(f"[bench {datetime.datetime.now(datetime.timezone.utc):%H:%M:%S}] {msg}", flush=True)


def sh(cmd, **kw):
    """Output of a short command (stdout and stderr together), '' when it fails."""
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60, **kw)
        return (p.stdout + p.stderr).strip()
    except (OSError, subprocess.SubprocessError):
        return ""


# --------------------------------------------------------------------------------------------
# The receiver


class Receiver:
    def __init__(self, prefix, port, workers, item_len):
        self.prefix = prefix
        self.port = port
        self.sink_port = port + 1
        self.workers = workers
        self.item_len = item_len
        self.proc = None
        self.send_log = os.path.join(prefix, "send.log")
        self.batch_log = os.path.join(prefix, "batch.log")

    @property
    def url(self):
        return f"http://{HOST}:{self.port}"

    def start(self):
        shutil.rmtree(self.prefix, ignore_errors=True)
        os.makedirs(self.prefix)
        with open(os.path.join(HERE, "nginx.conf")) as f:
            conf = f.read()
        for key, value in {
            "@PREFIX@": self.prefix,
            "@PORT@": str(self.port),
            "@SINK_PORT@": str(self.sink_port),
            "@WORKERS@": str(self.workers),
            "@ITEM_MAP@": "\n".join(f"        {n * (self.item_len + 1) + 1} {n};"
                                     for n in range(1, 501)),
            "@CACHE@": CACHE_TOKEN,
        }.items():
            conf = conf.replace(key, value)
        conf_path = os.path.join(self.prefix, "nginx.conf")
        with open(conf_path, "w") as f:
            f.write(conf)
        for port in (self.port, self.sink_port):
            if port_open(port):
                raise SystemExit(f"port {port} on {HOST} is taken; pass --port")
        self.proc = subprocess.Popen(
            ["nginx", "-p", self.prefix, "-c", conf_path, "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=open(os.path.join(self.prefix, "nginx.stderr"), "w"),
        )
        deadline = time.time() + 10
        while not port_open(self.port):
            if self.proc.poll() is not None or time.time() > deadline:
                raise SystemExit(
                    "nginx did not start: " + read(os.path.join(self.prefix, "nginx.stderr"))
                    + read(os.path.join(self.prefix, "error.log"))
                )
            time.sleep(0.05)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def offsets(self):
        return {p: size(p) for p in (self.send_log, self.batch_log)}

    def count_since(self, offsets):
        """Events the receiver answered with 200 since `offsets`: one per /api/send line, one per
        item in each /api/batch body. Also the non-200 lines, and the number of requests."""
        sends = other = batch_requests = batch_items = batch_items_by_length = 0
        connections = set()
        with open(self.send_log, "rb") as f:
            f.seek(offsets[self.send_log])
            for line in f:
                parts = line.split()
                if len(parts) >= 5:
                    connections.add(parts[4])
                if len(parts) >= 3 and parts[2] == b"200":
                    sends += 1
                else:
                    other += 1
        with open(self.batch_log, "rb") as f:
            f.seek(offsets[self.batch_log])
            for line in f:
                parts = line.split(b" ", 5)
                if len(parts) >= 5:
                    connections.add(parts[4])
                if len(parts) >= 4 and parts[2] == b"200":
                    batch_requests += 1
                    # escape=json writes the body's quotes as \" ; every item has one "payload".
                    batch_items += line.count(b'\\"payload\\"')
                    batch_items_by_length += int(parts[3])
                else:
                    other += 1
        return {"sends": sends, "batch_requests": batch_requests, "batch_items": batch_items,
                "batch_items_by_length": batch_items_by_length, "not_200": other,
                "connections": len(connections)}

    def wait_count(self, offsets, expected):
        """nginx writes its logs in buffers flushed every 100 ms: poll until the count reaches
        `expected` or stops changing."""
        last, stable_since, deadline = None, time.time(), time.time() + 5
        while True:
            c = self.count_since(offsets)
            events = c["sends"] + c["batch_items"]
            if expected is not None and events >= expected:
                time.sleep(0.3)  # anything past the expected count would show up now
                return self.count_since(offsets)
            if c != last:
                last, stable_since = c, time.time()
            elif time.time() - stable_since > 1.0 or time.time() > deadline:
                return c
            time.sleep(0.1)


def port_open(port):
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex((HOST, port)) == 0


def size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


# --------------------------------------------------------------------------------------------
# Payload check: every client sends the same event


def payload_check(port, commands):
    """Runs each client once against a capturing server on 127.0.0.1 and returns, per client,
    the set of (parsed body, byte length) it sent and its header names."""
    import http.server
    import threading

    captured = []

    class Capture(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            captured.append((self.headers.get("user-agent", ""), sorted(
                k.lower() for k in self.headers.keys()), body))
            out = ('{"cache":"' + CACHE_TOKEN + '","sessionId":"s","visitId":"v"}').encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer((HOST, port), Capture)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    seen = {}
    try:
        for name, cmd, cwd in commands:
            captured.clear()
            p = subprocess.run(cmd + [f"http://{HOST}:{port}"], cwd=cwd, capture_output=True,
                               text=True, timeout=120)
            if p.returncode != 0:
                raise SystemExit(f"payload check: {name} failed:\n{p.stdout}\n{p.stderr}")
            seen[name] = {
                "bodies": sorted({json.dumps(json.loads(b), sort_keys=True) for _, _, b in captured}),
                "lengths": sorted({len(b) for _, _, b in captured}),
                "headers": captured[0][1] if captured else [],
                "user_agent": captured[0][0] if captured else "",
            }
    finally:
        server.shutdown()
        server.server_close()
    return seen


# --------------------------------------------------------------------------------------------
# Scenarios


class Scenario:
    def __init__(self, key, client, mode, in_flight, n, cmd=None, cwd=None, kind="client"):
        self.key, self.client, self.mode, self.in_flight, self.n = key, client, mode, in_flight, n
        self.cmd, self.cwd, self.kind = cmd, cwd, kind
        self.results = []


def run_client(sc, receiver, clk_tck, scratch):
    offsets = receiver.offsets()
    time_file = os.path.join(scratch, "time.out")
    cmd = ["/usr/bin/time", "-f", "%U %S %e", "-o", time_file] + sc.cmd
    t0 = time.perf_counter()
    p = subprocess.run(cmd, cwd=sc.cwd, capture_output=True, text=True, timeout=900)
    outer_wall = time.perf_counter() - t0
    lines = [l for l in p.stdout.splitlines() if l.startswith("{")]
    if not lines:
        raise SystemExit(f"{sc.key}: no result (exit {p.returncode})\n{p.stdout}\n{p.stderr}")
    r = json.loads(lines[-1])
    if "cpu_ticks" in r:
        # Rust: /proc/self/stat counts in clock ticks (10 ms); the threads' schedstat in ns.
        # Use the fine one, keep the coarse one as a cross-check in the raw data.
        r["cpu_ticks_s"] = r.pop("cpu_ticks") / clk_tck
        r["cpu_user_s"] = r.pop("cpu_threads_ns") / 1e9
        r["cpu_sys_s"] = 0.0
    u, s, e = (float(x) for x in read(time_file).split()[-3:])
    r["process_cpu_s"] = u + s
    r["process_wall_s"] = e
    r["outer_wall_s"] = outer_wall
    r["stderr"] = p.stderr.strip()[-500:]
    r["exit"] = p.returncode
    expected = r["warmup"] + r["n"]
    got = receiver.wait_count(offsets, expected)
    r["receiver"] = got
    r["expected_at_receiver"] = expected
    received = got["sends"] + got["batch_items"]
    r["check_ok"] = (
        p.returncode == 0
        and r["ok"] == r["n"]
        and r["errors"] == 0
        and r.get("warmup_errors", 0) == 0
        and received == expected
        and got["not_200"] == 0
        and got["batch_items"] == got["batch_items_by_length"]
    )
    r["events_per_s"] = r["n"] / r["wall_s"]
    r["cpu_per_1000"] = (r["cpu_user_s"] + r["cpu_sys_s"]) / r["n"] * 1000
    return r


def run_wrk(sc, receiver, body_file, seconds, threads, scratch):
    offsets = receiver.offsets()
    env = dict(os.environ, BENCH_BODY_FILE=body_file, BENCH_USER_AGENT=USER_AGENT)
    cmd = ["wrk", "-t", str(threads), "-c", str(sc.in_flight), "-d", f"{seconds}s",
           "-s", os.path.join(HERE, "wrk_post.lua"), receiver.url + "/api/send"]
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=seconds + 60)
    out = p.stdout
    m = re.search(r"(\d+) requests in ([\d.]+)(m?s)", out)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not m or not rps:
        raise SystemExit(f"wrk failed:\n{out}\n{p.stderr}")
    requests = int(m.group(1))
    got = receiver.wait_count(offsets, requests)
    # wrk counts the answers it read; nginx also logs the requests still in flight when wrk
    # stopped (at most one per connection).
    received = got["sends"]
    return {
        "client": "wrk", "mode": sc.mode, "n": requests, "concurrency": sc.in_flight,
        "threads": threads, "events_per_s": float(rps.group(1)), "receiver": got,
        "non_2xx": "Non-2xx" in out,
        "check_ok": p.returncode == 0 and "Non-2xx" not in out and got["not_200"] == 0
        and requests <= received <= requests + sc.in_flight,
        "raw": out.strip(),
    }


# --------------------------------------------------------------------------------------------
# Report


def med(values):
    return statistics.median(values) if values else float("nan")


def fmt_num(x, digits=None):
    if x != x:  # NaN
        return "–"
    if digits is None:
        digits = 0 if x >= 100 else 1 if x >= 10 else 2 if x >= 1 else 3
    return f"{x:,.{digits}f}"


def fmt_cpu(x):
    if x != x:
        return "–"
    if x >= 10:
        return f"{x:,.1f}"
    if x >= 1:
        return f"{x:.2f}"
    if x >= 0.01:
        return f"{x:.3f}"
    return f"{x:.4f}"


def spread(values, f):
    if not values:
        return "–"
    return f"{f(med(values))} ({f(min(values))}–{f(max(values))})"


def ratio(a, b):
    if not a or not b or a != a or b != b:
        return "–"
    r = a / b
    if r >= 100:
        return f"{r:,.0f}×"
    if r >= 10:
        return f"{r:.1f}×"
    return f"{r:.2f}×"


METHOD_NOTES = [
    "The receiver answers at once and stores nothing, so these rows measure the clients: "
    "building and serializing the event, HTTP, and reading the answer. A real Umami is far "
    "slower (a real Umami 3.1 with PostgreSQL stored about 72 events/s on a 2-core box); "
    "there the client's CPU per event is what a service pays, and the dispatcher's batching "
    "saves requests and connections, not the server's time.",
    "Python `umami-analytics` builds a new HTTP client per call (`httpx.post(...)`, "
    "`async with httpx.AsyncClient()`): a new connection per event, and a new SSL context "
    "that loads the CA bundle (`load_verify_locations`) even for a plain-http URL — in a "
    "cProfile of 20 calls on this machine, 83% of the time. The async variant pays the same "
    "per call, so 64 in flight cannot help on 2 cores.",
    "`@umami/node` calls the global `fetch` (undici) with keep-alive, one connection per "
    "request in flight. The runner reads every answer's JSON, as umami-rs and the Python "
    "client do.",
    "umami-rs: one `Client` (one connection pool), tokio's multi-thread runtime with its "
    "default worker count (one per core), `--release`. Every send validates the event, "
    "serializes it, and parses and checks the answer (bot filter, cache token).",
    "With 1 in flight every client waits for each answer before sending the next event, so "
    "the rate is bound by the loopback round trip (wrk on 1 connection shows the bound), and "
    "the CPU per event includes waking up after each answer: it is higher than with 64 in "
    "flight for the same work.",
    "The bare `reqwest` rows send the same bytes with the same headers and connection "
    "settings, with none of umami-rs's per-event work (building, validating, serializing, "
    "reading the answer): the floor of any client built on reqwest, hyper and tokio. Where "
    "umami-rs is close to it, the rest of the gap to wrk is the HTTP stack and the runtime, "
    "not this crate.",
    "The dispatcher row counts from the first `track` to the end of `flush()`: queueing, "
    "batching, sending and reading the batch answers. Its queue is sized to hold the run, so "
    "no event is refused.",
    "CPU on loopback: part of the kernel's TCP work for both ends is charged to whichever "
    "process is running when it happens, for every client alike.",
    "wrk sends the same body and headers as umami-rs (`Content-Type`, `User-Agent`, `Accept`), "
    "from a Lua script, over keep-alive connections; it parses nothing, so its requests/s is "
    "the receiver's ceiling on this machine rather than a client to compare with.",
]


def machine_facts(args):
    cpu_model = ""
    for line in read("/proc/cpuinfo").splitlines():
        if line.startswith("model name"):
            cpu_model = line.split(":", 1)[1].strip()
            break
    mem_kb = 0
    for line in read("/proc/meminfo").splitlines():
        if line.startswith("MemTotal:"):
            mem_kb = int(line.split()[1])
    os_name = ""
    for line in read("/etc/os-release").splitlines():
        if line.startswith("PRETTY_NAME="):
            os_name = line.split("=", 1)[1].strip('"')
    py = args.python
    return {
        "nproc": sh(["nproc"]),
        "cpu": cpu_model,
        "memory": f"{mem_kb / 1024 / 1024:.0f} GiB",
        "os": os_name,
        "kernel": platform.release(),
        "rustc": sh(["rustc", "--version"]),
        "umami-rs": sh(["git", "-C", args.root, "rev-parse", "--short", "HEAD"])
        + (" (with uncommitted changes)" if sh(["git", "-C", args.root, "status", "--porcelain",
                                                "--untracked-files=no"]) else ""),
        "python": sh([py, "-c", "import sys; print(sys.version.split()[0])"]),
        "umami-analytics": sh([py, "-c", "import importlib.metadata as m; "
                                         "print(m.version('umami-analytics'))"]),
        "httpx2": sh([py, "-c", "import importlib.metadata as m; print(m.version('httpx2'))"]),
        "node": sh([args.node, "--version"]),
        "@umami/node": json.loads(read(os.path.join(
            args.node_dir, "node_modules", "@umami", "node", "package.json")) or "{}").get(
            "version", "?"),
        "nginx": sh(["nginx", "-v"]).replace("nginx version: ", ""),
        "wrk": sh(["wrk", "--version"]).split(" Copyright")[0],
    }


def kept_sections(path):
    """Sections other scripts own (between `<!-- NAME:start ... -->` and `<!-- NAME:end -->`
    markers, e.g. scripts/bench-web.sh's), carried over from the file being replaced."""
    try:
        with open(path) as f:
            old = f.read()
    except OSError:
        return ""
    pattern = re.compile(r"\n<!-- ([\w-]+):start.*?<!-- \1:end -->\n", re.S)
    return "".join(m.group(0) for m in pattern.finditer(old))


def write_report(args, scenarios, facts, load_before, load_after, started, finished,
                 top_before, extra_notes, sweep, payloads):
    by = {sc.key: sc for sc in scenarios}

    def eps(key):
        sc = by.get(key)
        return med([r["events_per_s"] for r in sc.results]) if sc and sc.results else None

    def cpu(key):
        sc = by.get(key)
        return med([r["cpu_per_1000"] for r in sc.results]) if sc and sc.results else None

    L = []
    L.append("# Benchmarks: umami-rs side by side with the Python and Node clients\n")
    L.append(
        "Generated by `scripts/bench-clients.sh` (do not edit by hand; rerun the script). Every "
        "client sends the same event — `Purchase-Course` at `/checkout` with custom data "
        "`{\"plan\": \"pro\"}` — to the same local receiver (nginx answering like Umami v3 on "
        f"127.0.0.1), in one run, {args.runs} runs per row, rows interleaved run by run. "
        "Each row's count was checked against nginx's access log (warm-up included).\n")
    L.append(f"Run: {started:%Y-%m-%d %H:%M} – {finished:%H:%M} UTC.\n")

    L.append("## Results\n")
    L.append("Median of the runs, (min–max) in brackets. *events/s* = N ÷ wall time of the "
             "measured window; *connections* = distinct connections nginx saw in the run (warm-up included): keep-alive at work or not. *CPU s per 1,000 events* (= ms per event) = the client process's user + system CPU in "
             "that window (Python: `getrusage`; Node: `process.cpuUsage()`; Rust: the sum of its threads' `/proc/self/task/*/schedstat`, cross-checked with `/proc/self/stat`), ÷ N × 1,000. Interpreter start, imports and warm-up are outside the window "
             "(`process CPU` in the raw data has them).\n")
    L.append("| client | mode | in flight | N per run | events/s | CPU s per 1,000 events "
             "| connections opened per run | receiver got every event |")
    L.append("|---|---|---:|---:|---:|---:|---:|---|")
    for sc in scenarios:
        if sc.kind == "wrk":
            continue
        if sc.kind == "skipped":
            L.append(f"| {sc.client} | {sc.mode} | {sc.in_flight} | – | {sc.cmd} | – | – | – |")
            continue
        rs = sc.results
        checks = sum(1 for r in rs if r["check_ok"])
        L.append(
            f"| {sc.client} | {sc.mode} | {sc.in_flight} | {sc.n:,} | "
            f"{spread([r['events_per_s'] for r in rs], fmt_num)} | "
            f"{spread([r['cpu_per_1000'] for r in rs], fmt_cpu)} | "
            f"{fmt_num(med([r['receiver']['connections'] for r in rs]), 0)} | "
            f"{'yes' if checks == len(rs) else f'NO ({checks}/{len(rs)} runs)'} |")
    L.append("")

    L.append("### The receiver's ceiling (wrk, same body and headers as the Rust client)\n")
    L.append("| connections | wrk threads | seconds | requests/s | log count matches |")
    L.append("|---:|---:|---:|---:|---|")
    for sc in scenarios:
        if sc.kind != "wrk":
            continue
        rs = sc.results
        checks = sum(1 for r in rs if r["check_ok"])
        L.append(f"| {sc.in_flight} | {rs[0]['threads'] if rs else '–'} | {args.wrk_seconds} | "
                 f"{spread([r['events_per_s'] for r in rs], fmt_num)} | "
                 f"{'yes' if checks == len(rs) else f'NO ({checks}/{len(rs)})'} |")
    L.append("")

    if sweep:
        groups = {}
        for r in sweep:
            groups.setdefault((r["batch_size"], r["requests_in_flight"]), []).append(r)
        runs = max(len(g) for g in groups.values())
        L.append(f"### Dispatcher tuning (after the main runs; median of {runs}, (min–max))\n")
        L.append(f"{args.n_dispatch:,} events per run; *batch* = `max_batch_size`, *requests* = "
                 "`max_concurrent_requests` (the defaults are the row of the table above).\n")
        L.append("| batch | requests | events/s | CPU µs per event | batch requests per run | "
                 "receiver got every event |")
        L.append("|---:|---:|---:|---:|---:|---|")
        for (batch, requests), rs in groups.items():
            ok = all(r["check_ok"] for r in rs)
            L.append(f"| {batch} | {requests} | "
                     f"{spread([r['events_per_s'] for r in rs], fmt_num)} | "
                     f"{spread([r['cpu_per_1000'] * 1000 for r in rs], lambda x: f'{x:.2f}')} | "
                     f"{rs[0]['receiver']['batch_requests']:,} | {'yes' if ok else 'NO'} |")
        L.append("")

    L.append("## Ratios (medians)\n")
    L.append("Throughput ratio = umami-rs events/s ÷ the other's; CPU ratio = the other's CPU "
             "per event ÷ umami-rs's (higher is better for umami-rs in both).\n")
    L.append("| umami-rs mode | vs Python sync | vs Python async (64) | vs Node sequential "
             "| vs Node 64 | share of receiver ceiling |")
    L.append("|---|---|---|---|---|---|")
    pairs = [("rust-direct-1", "wrk-1"), ("rust-direct-64", "wrk-64"),
             ("rust-typed-1", "wrk-1"), ("rust-typed-64", "wrk-64"),
             ("rust-dispatch", "wrk-64")]
    for key, ceiling in pairs:
        sc = by.get(key)
        if not sc or not sc.results:
            continue
        cells = []
        for peer in ("python-sync", "python-async", "node-1", "node-64"):
            cells.append(f"{ratio(eps(key), eps(peer))} faster, "
                         f"{ratio(cpu(peer), cpu(key))} less CPU")
        if key == "rust-dispatch":
            reqs = med([r["extra"]["requests"] for r in sc.results])
            share = f"– (batched: {sc.n / reqs:,.0f} events per request)"
            label = sc.mode
        else:
            share = f"{eps(key) / eps(ceiling) * 100:.0f}% of wrk at {by[ceiling].in_flight}"
            label = f"{sc.mode}, {sc.in_flight} in flight"
        L.append(f"| {label} | " + " | ".join(cells) + f" | {share} |")
    L.append("")

    if eps("reqwest-1") or eps("reqwest-64"):
        L.append("### umami-rs over bare reqwest\n")
        L.append("What the crate adds to the HTTP stack it is built on (building, validating and "
                 "serializing the event, checking the answer), against a bare `reqwest` POST of "
                 "the same body with the same headers and connection settings.\n")
        L.append("| in flight | umami-rs events/s ÷ reqwest's | CPU per event: umami-rs − reqwest |")
        L.append("|---:|---:|---:|")
        for key, floor in (("rust-direct-1", "reqwest-1"), ("rust-direct-64", "reqwest-64")):
            if eps(key) and eps(floor):
                extra_us = (cpu(key) - cpu(floor)) * 1000
                L.append(f"| {by[key].in_flight} | {eps(key) / eps(floor) * 100:.0f}% | "
                         f"{extra_us:+.1f} µs |")
        L.append("")

    L.append("## Goals of issue 7\n")
    L.append("| goal | measured | met |")
    L.append("|---|---|---|")

    def goal_ratio(a, b):
        return a / b if a and b else float("nan")

    def goal(text, measured, ok):
        L.append(f"| {text} | {measured} | {'–' if ok is None else 'yes' if ok else '**no**'} |")

    for key in ("rust-direct-1", "rust-direct-64"):
        if eps(key) and cpu("python-sync"):
            r = goal_ratio(cpu("python-sync"), cpu(key))
            goal(f"direct ({by[key].in_flight} in flight): CPU per event ≤ 1/100 of Python's "
                 "(sync)", f"1/{r:,.0f}", r >= 100)
        if eps(key) and cpu("python-async"):
            r = goal_ratio(cpu("python-async"), cpu(key))
            goal(f"direct ({by[key].in_flight} in flight): CPU per event ≤ 1/100 of Python's "
                 "(async)", f"1/{r:,.0f}", r >= 100)
        for peer in ("node-1", "node-64"):
            if eps(key) and cpu(peer):
                r = goal_ratio(cpu(peer), cpu(key))
                goal(f"direct ({by[key].in_flight} in flight): CPU per event ≤ 1/10 of "
                     f"@umami/node's ({by[peer].in_flight} in flight)", f"1/{r:,.1f}", r >= 10)
    if eps("rust-direct-64") and eps("wrk-64"):
        s = eps("rust-direct-64") / eps("wrk-64")
        floor = (f" (bare reqwest, same request: {eps('reqwest-64') / eps('wrk-64') * 100:.0f}%)"
                 if eps("reqwest-64") else "")
        goal("direct, 64 in flight: ≥ 80% of the receiver's ceiling (wrk, 64 connections)",
             f"{s * 100:.0f}%{floor}", s >= 0.8)
    if eps("rust-dispatch") and eps("rust-direct-64"):
        r = eps("rust-dispatch") / eps("rust-direct-64")
        goal("dispatcher: ≥ 5× the events/s of direct sends (64 in flight)", f"{r:.1f}×", r >= 5)
        us = cpu("rust-dispatch") * 1000
        goal("dispatcher: ≤ 10 µs of client CPU per event", f"{us:.1f} µs", us <= 10)
    elif "rust-dispatch" in by and by["rust-dispatch"].kind == "skipped":
        goal("dispatcher: ≥ 5× direct events/s, ≤ 10 µs CPU per event", by["rust-dispatch"].cmd,
             None)
    goal("typed event payload build ≤ 1.1× a hand-written `json!`",
         "criterion micro-benchmark, not this script", None)
    L.append("")

    L.append("## Machine and versions\n")
    L.append("| | |")
    L.append("|---|---|")
    for k, v in facts.items():
        L.append(f"| {k} | {v} |")
    L.append(f"| receiver | nginx, {args.nginx_workers} worker process(es), access log buffered "
             "(flushed every 100 ms), keep-alive on |")
    L.append("| Rust build | `--release`, tokio multi-thread runtime (default: one worker per "
             "core), the crate's default `reqwest` client |")
    L.append("")
    L.append("### Load on the machine\n")
    L.append("The clients, the receiver and wrk share the machine's cores; anything else running "
             "disturbs the numbers. `uptime` before and after the run:\n")
    L.append("```text")
    L.append(f"before: {load_before}")
    L.append(f"after:  {load_after}")
    L.append("```\n")
    L.append("Busiest other processes when the run started (`ps`, %CPU since their start):\n")
    L.append("```text")
    L.extend(top_before)
    L.append("```\n")
    L.append("## The same event from every client\n")
    L.append("Checked at the start of the run: each client sent the benchmark event once to a "
             "capturing server on 127.0.0.1; the JSON bodies are equal (key order aside):\n")
    L.append("```json")
    L.append(next(iter(payloads.values()))["bodies"][0])
    L.append("```\n")
    L.append("| client | body bytes | User-Agent | header names |")
    L.append("|---|---:|---|---|")
    for name, p in payloads.items():
        L.append(f"| {name} | {', '.join(map(str, p['lengths']))} | `{p['user_agent']}` | "
                 f"{', '.join(p['headers'])} |")
    L.append("")

    L.append("## How to read this\n")
    for note in METHOD_NOTES + extra_notes:
        L.append(f"- {note}")
    L.append("")

    L.append("## Raw runs\n")
    L.append("<details><summary>every run (events/s, CPU s per 1,000 events, process CPU s "
             "incl. start-up and warm-up, receiver count)</summary>\n")
    L.append("| row | run | events/s | CPU s / 1,000 | process CPU s | receiver count | check |")
    L.append("|---|---:|---:|---:|---:|---|---|")
    for sc in scenarios:
        for i, r in enumerate(sc.results, 1):
            rc = r["receiver"]
            if sc.kind == "wrk":
                count = f"{rc['sends']:,} logged, wrk read {r['n']:,}"
                L.append(f"| {sc.key} | {i} | {fmt_num(r['events_per_s'])} | – | – | {count} | "
                         f"{'ok' if r['check_ok'] else 'FAILED'} |")
                continue
            count = f"{rc['sends'] + rc['batch_items']:,} of {r['expected_at_receiver']:,}"
            if rc["batch_requests"]:
                count += f" ({rc['batch_requests']:,} batch requests)"
            L.append(f"| {sc.key} | {i} | {fmt_num(r['events_per_s'])} | "
                     f"{fmt_cpu(r['cpu_per_1000'])} | {r['process_cpu_s']:.2f} | {count} | "
                     f"{'ok' if r['check_ok'] else 'FAILED'} |")
    L.append("\n</details>\n")
    return "\n".join(L)


# --------------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--root", required=True)
    ap.add_argument("--scratch", required=True)
    ap.add_argument("--rust-bin", required=True)
    ap.add_argument("--rust-modes", default="direct", help="comma list: direct,typed,dispatch")
    ap.add_argument("--skip-note", action="append", default=[],
                    help="mode=reason for a umami-rs mode that is not measured")
    ap.add_argument("--python", required=True, help="the venv's python")
    ap.add_argument("--node", default="node")
    ap.add_argument("--node-dir", required=True, help="folder with node_modules/@umami/node")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--n-python", type=int, default=300)
    ap.add_argument("--n-python-async", type=int, default=300)
    ap.add_argument("--n-node", type=int, default=3000)
    ap.add_argument("--n-rust", type=int, default=50000)
    ap.add_argument("--n-rust-64", type=int, default=100000)
    ap.add_argument("--n-dispatch", type=int, default=200000)
    ap.add_argument("--in-flight", type=int, default=64)
    ap.add_argument("--wrk-seconds", type=int, default=5)
    ap.add_argument("--port", type=int, default=18080)
    ap.add_argument("--nginx-workers", type=int, default=1)
    ap.add_argument("--out", required=True)
    ap.add_argument("--note", action="append", default=[])
    ap.add_argument("--dispatch-sweep", default="50:2,100:1,100:2,100:4,250:2,500:1,500:2,500:4",
                    help="batch:requests pairs measured once each after the main runs")
    args = ap.parse_args()

    started = datetime.datetime.now(datetime.timezone.utc)
    load_before = sh(["uptime"])
    top_before = sh(["ps", "-eo", "pcpu,etime,comm", "--sort=-pcpu", "--no-headers"]).splitlines()[:6]
    clk_tck = os.sysconf("SC_CLK_TCK")
    os.makedirs(args.scratch, exist_ok=True)
    k = args.in_flight
    url = f"http://{HOST}:{args.port}"
    body_file = os.path.join(args.scratch, "body.json")
    body = subprocess.run([args.rust_bin, "body", url], capture_output=True, text=True,
                          check=True).stdout.strip()
    receiver = Receiver(os.path.join(args.scratch, "nginx"), args.port, args.nginx_workers,
                        len(body.encode()))
    with open(body_file, "w") as f:
        f.write(body)

    rust = args.rust_bin
    rust_modes = set(m for m in args.rust_modes.split(",") if m)
    skip = dict(s.split("=", 1) for s in args.skip_note)
    py_peer = os.path.join(HERE, "peer_python.py")
    node_peer = os.path.join(args.node_dir, "peer_node.mjs")
    shutil.copyfile(os.path.join(HERE, "peer_node.mjs"), node_peer)

    scenarios = [
        Scenario("wrk-64", "wrk (receiver ceiling)", "keep-alive", k, None, kind="wrk"),
        Scenario("wrk-1", "wrk (receiver ceiling)", "keep-alive", 1, None, kind="wrk"),
        Scenario("python-sync", "Python umami-analytics", "`new_event` (sync)", 1, args.n_python,
                 [args.python, py_peer, "sync", str(args.n_python), "1", url]),
        Scenario("python-async", "Python umami-analytics", "`new_event_async` + gather", k,
                 args.n_python_async,
                 [args.python, py_peer, "async", str(args.n_python_async), str(k), url]),
        Scenario("node-1", "@umami/node", "`track`", 1, args.n_node,
                 [args.node, node_peer, str(args.n_node), "1", url], cwd=args.node_dir),
        Scenario("node-64", "@umami/node", "`track`", k, args.n_node,
                 [args.node, node_peer, str(args.n_node), str(k), url], cwd=args.node_dir),
    ]
    rust_rows = [
        ("direct", "rust-direct-1", "`new_event().send()`", 1, args.n_rust),
        ("direct", "rust-direct-64", "`new_event().send()`", k, args.n_rust_64),
        ("typed", "rust-typed-1", "typed `send(&client)`", 1, args.n_rust),
        ("typed", "rust-typed-64", "typed `send(&client)`", k, args.n_rust_64),
        ("dispatch", "rust-dispatch", "`Dispatcher::track` + `flush` (batched, defaults)",
         "batched", args.n_dispatch),
        ("reqwest", "reqwest-1", "bare `reqwest` POST (reference)", 1, args.n_rust),
        ("reqwest", "reqwest-64", "bare `reqwest` POST (reference)", k, args.n_rust_64),
    ]
    for mode, key, label, in_flight, n in rust_rows:
        if mode in rust_modes:
            conc = 0 if in_flight == "batched" else in_flight  # 0: the dispatcher's default
            who = "reqwest 0.13 alone" if mode == "reqwest" else "umami-rs"
            scenarios.append(Scenario(key, who, label, in_flight, n,
                                      [rust, mode, str(n), str(conc), url]))
        else:
            if mode == "reqwest":
                continue
            sc = Scenario(key, "umami-rs", label, in_flight, None, kind="skipped")
            sc.cmd = skip.get(mode, "not measured")
            if key.endswith("-64") and mode == "typed":
                continue  # one "not measured" line per mode is enough
            scenarios.append(sc)

    checks = [("Python umami-analytics", [args.python, py_peer, "sync", "1", "1"], None),
              ("@umami/node", [args.node, node_peer, "1", "1"], args.node_dir)]
    for mode in ("direct", "typed"):
        if mode in rust_modes:
            checks.append((f"umami-rs {mode}", [rust, mode, "1", "1"], None))
    payloads = payload_check(args.port + 2, checks)
    distinct = {b for p in payloads.values() for b in p["bodies"]}
    if len(distinct) != 1:
        raise SystemExit("the clients do not send the same payload:\n"
                         + json.dumps(payloads, indent=1))
    log(f"payload check: {len(payloads)} clients send the same JSON "
        f"({', '.join(str(l) for p in payloads.values() for l in p['lengths'])} bytes)")

    log(f"receiver on {url} ({args.nginx_workers} nginx worker(s))")
    receiver.start()
    try:
        # Self-test of the receiver: one hit and one batch of 3, answered and counted.
        offsets = receiver.offsets()
        for path, data, key, want in (("/api/send", body, "sessionId", None),
                                      ("/api/batch", f"[{body},{body},{body}]", "size", 3)):
            with urllib.request.urlopen(urllib.request.Request(
                    url + path, data=data.encode(), method="POST",
                    headers={"Content-Type": "application/json", "User-Agent": USER_AGENT})) as r:
                answer = json.loads(r.read())
            if not answer.get(key) or (want is not None and answer[key] != want):
                raise SystemExit(f"the receiver's answer to {path} is wrong: {answer}")
        got = receiver.wait_count(offsets, 4)
        if (got["sends"], got["batch_items"], got["batch_items_by_length"]) != (1, 3, 3):
            raise SystemExit(f"the receiver's access logs do not count right: {got}")
        for run in range(1, args.runs + 1):
            for sc in scenarios:
                if sc.kind == "skipped":
                    continue
                if sc.kind == "wrk":
                    threads = 1 if sc.in_flight == 1 else 2
                    r = run_wrk(sc, receiver, body_file, args.wrk_seconds, threads, args.scratch)
                else:
                    r = run_client(sc, receiver, clk_tck, args.scratch)
                sc.results.append(r)
                cpu = f", {fmt_cpu(r['cpu_per_1000'])} CPU-s/1000" if "cpu_per_1000" in r else ""
                log(f"run {run}/{args.runs} {sc.key:15} {fmt_num(r['events_per_s']):>10} /s{cpu}"
                    f"  check {'ok' if r['check_ok'] else 'FAILED ' + json.dumps(r['receiver'])}")
                if not r["check_ok"] and r.get("stderr"):
                    log(f"  stderr: {r['stderr']}")
        sweep = []
        combos = [c.split(":") for c in args.dispatch_sweep.split(",") if c]
        if "dispatch" not in rust_modes:
            combos = []
        for run in range(1, min(3, args.runs) + 1):
            for batch, requests in combos:
                sc = Scenario(f"dispatch-b{batch}-r{requests}", "umami-rs", "dispatcher", requests,
                              args.n_dispatch, [rust, "dispatch", str(args.n_dispatch), requests,
                                                url])
                os.environ["BENCH_BATCH_SIZE"] = batch
                try:
                    r = run_client(sc, receiver, clk_tck, args.scratch)
                finally:
                    del os.environ["BENCH_BATCH_SIZE"]
                r["batch_size"], r["requests_in_flight"] = int(batch), int(requests)
                sweep.append(r)
                log(f"sweep {run} batch {batch:>3} requests {requests}: "
                    f"{fmt_num(r['events_per_s']):>10} /s, "
                    f"{r['cpu_per_1000'] * 1000:.2f} µs CPU/event"
                    f"  check {'ok' if r['check_ok'] else 'FAILED'}")
    finally:
        receiver.stop()
    finished = datetime.datetime.now(datetime.timezone.utc)
    load_after = sh(["uptime"])

    facts = machine_facts(args)
    raw_path = os.path.join(args.scratch, f"results-{started:%Y%m%dT%H%M%S}.json")
    with open(raw_path, "w") as f:
        json.dump({"facts": facts, "load_before": load_before, "load_after": load_after,
                   "scenarios": {sc.key: sc.results for sc in scenarios}, "sweep": sweep},
                  f, indent=1)
    report = write_report(args, scenarios, facts, load_before, load_after, started, finished,
                          top_before, args.note, sweep, payloads)
    report += kept_sections(args.out)
    with open(args.out, "w") as f:
        f.write(report)
    log(f"wrote {args.out} (raw runs: {raw_path})")
    failed = [sc.key for sc in scenarios for r in sc.results if not r["check_ok"]]
    failed += [f"sweep b{r['batch_size']} r{r['requests_in_flight']}" for r in sweep
               if not r["check_ok"]]
    if failed:
        log(f"CHECK FAILED for: {', '.join(sorted(set(failed)))}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

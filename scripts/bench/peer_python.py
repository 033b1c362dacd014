"""Python peer of scripts/bench-clients.sh: the `umami-analytics` client from PyPI.

    python peer_python.py <sync|async> <n> <concurrency> <url>

sync:  umami.new_event(...) n times, one after another (concurrency must be 1).
async: umami.new_event_async(...) n times, `concurrency` in flight (asyncio.gather with a
       semaphore).
Prints one JSON line: counts, wall time and the CPU time of the measured window
(getrusage(RUSAGE_SELF), so interpreter start and imports are not counted).
Only talks to the URL it is given (the script passes a 127.0.0.1 receiver).
"""

import asyncio
import json
import resource
import sys
import time

import umami

WEBSITE_ID = "978435e2-7ba1-4337-9860-ec31ece2db60"
EVENT = dict(event_name="Purchase-Course", url="/checkout", custom_data={"plan": "pro"})


def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime, r.ru_stime


class Counter:
    def __init__(self):
        self.ok = 0
        self.errors = 0

    def record(self, resp=None, err=None):
        if err is None and isinstance(resp, dict) and resp.get("cache"):
            self.ok += 1
            return
        if self.errors == 0:
            print(f"peer_python: first error: {err or resp!r}", file=sys.stderr)
        self.errors += 1


def run_sync(n, counter):
    for _ in range(n):
        try:
            counter.record(umami.new_event(**EVENT))
        except Exception as e:  # noqa: BLE001 - every failure is counted and reported
            counter.record(err=e)


async def run_async(n, concurrency, counter):
    sem = asyncio.Semaphore(concurrency)

    async def one():
        async with sem:
            try:
                counter.record(await umami.new_event_async(**EVENT))
            except Exception as e:  # noqa: BLE001
                counter.record(err=e)

    await asyncio.gather(*(one() for _ in range(n)))


def main():
    if len(sys.argv) != 5 or sys.argv[1] not in ("sync", "async"):
        print(__doc__, file=sys.stderr)
        return 2
    mode, n, concurrency, url = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    umami.set_url_base(url)
    umami.set_website_id(WEBSITE_ID)
    umami.set_hostname("example.com")

    warmup = 3
    warm = Counter()
    measured = Counter()
    if mode == "sync":
        run_sync(warmup, warm)
        u0, s0 = cpu()
        t0 = time.perf_counter()
        run_sync(n, measured)
    else:
        asyncio.run(run_async(warmup, concurrency, warm))
        u0, s0 = cpu()
        t0 = time.perf_counter()
        asyncio.run(run_async(n, concurrency, measured))
    wall = time.perf_counter() - t0
    u1, s1 = cpu()
    print(json.dumps({
        "client": "python",
        "mode": mode,
        "n": n,
        "concurrency": concurrency,
        "warmup": warmup,
        "warmup_ok": warm.ok,
        "warmup_errors": warm.errors,
        "ok": measured.ok,
        "errors": measured.errors,
        "wall_s": wall,
        "cpu_user_s": u1 - u0,
        "cpu_sys_s": s1 - s0,
    }))
    return 0 if measured.errors == 0 and warm.errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

// Node peer of scripts/bench-clients.sh: `@umami/node` from npm.
//
//   node peer_node.mjs <n> <concurrency> <url>
//
// umami.track(...) n times, `concurrency` in flight (1 = one after another). Each answer is read
// and checked, as a caller that wants to know the hit was stored must do. Prints one JSON line:
// counts, wall time and the CPU time of the measured window (process.cpuUsage()).
// The runner copies this file next to the scratch node_modules so that the import resolves.
// Only talks to the URL it is given (the script passes a 127.0.0.1 receiver).
import { Umami } from '@umami/node';

const WEBSITE_ID = '978435e2-7ba1-4337-9860-ec31ece2db60';
// The same payload keys as the Python and Rust clients send.
const EVENT = {
  hostname: 'example.com',
  language: 'en-US',
  referrer: '',
  screen: '1920x1080',
  title: 'Purchase-Course',
  url: '/checkout',
  name: 'Purchase-Course',
  data: { plan: 'pro' },
};

async function run(umami, n, concurrency, counter) {
  let next = 0;
  async function worker() {
    while (next < n) {
      next += 1;
      try {
        const res = await umami.track(EVENT);
        const body = await res.json();
        if (res.ok && body.cache) {
          counter.ok += 1;
          continue;
        }
        throw new Error(`status ${res.status}: ${JSON.stringify(body)}`);
      } catch (e) {
        if (counter.errors === 0) console.error(`peer_node: first error: ${e}`);
        counter.errors += 1;
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
}

const [n, concurrency] = [Number(process.argv[2]), Number(process.argv[3])];
const url = process.argv[4];
if (!Number.isInteger(n) || !Number.isInteger(concurrency) || !url) {
  console.error('usage: node peer_node.mjs <n> <concurrency> <url>');
  process.exit(2);
}
const umami = new Umami({ hostUrl: url, websiteId: WEBSITE_ID });
const warmup = Math.max(concurrency, 10);
const warm = { ok: 0, errors: 0 };
await run(umami, warmup, concurrency, warm);
const measured = { ok: 0, errors: 0 };
const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
await run(umami, n, concurrency, measured);
const wall = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(cpu0);
console.log(JSON.stringify({
  client: 'node',
  mode: concurrency > 1 ? 'concurrent' : 'sequential',
  n,
  concurrency,
  warmup,
  warmup_ok: warm.ok,
  warmup_errors: warm.errors,
  ok: measured.ok,
  errors: measured.errors,
  wall_s: wall,
  cpu_user_s: cpu.user / 1e6,
  cpu_sys_s: cpu.system / 1e6,
}));
process.exitCode = measured.errors === 0 && warm.errors === 0 ? 0 : 1;

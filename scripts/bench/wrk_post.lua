-- wrk script: POSTs the exact body the Rust client sends, with the same headers.
-- The body is read from the file named by BENCH_BODY_FILE.
local path = os.getenv("BENCH_BODY_FILE")
local f = assert(io.open(path, "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["User-Agent"] = os.getenv("BENCH_USER_AGENT") or "Mozilla/5.0 umami-rs/0.1.0"
wrk.headers["Accept"] = "*/*"

#!/usr/bin/env python3
"""Writes umami/README.md (the crates.io page and the crate's front page on docs.rs) from the
repository's README.md: the same sections, less those about the repository itself (its
commands, its own test suites, benchmarks, layout). `integration/tests/it/readme.rs` fails when
the two differ in a section they share."""
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
REPO_ONLY = {
    "Two commands",
    "The `umami` command line",
    "Testing your own code: `umami_test`",
    "Testing against a real Umami",
    "Benchmarks",
    "Workspace",
}
TESTING = """## Testing your own code: `umami_test`

`cargo add --dev umami-analytics-test`: its `umami_test::Collector` is an Umami-compatible
server on `127.0.0.1` that validates hits with Umami 3.1's rules, answers exactly as Umami
does and lets a test read back what it stored. See the
[`umami-analytics-test` documentation](https://docs.rs/umami-analytics-test).

"""

text = (ROOT / "README.md").read_text()
parts = re.split(r"(?m)^(?=## )", text)
out = [parts[0].replace("# umami-rs\n", "# umami-analytics\n", 1)]
for part in parts[1:]:
    title = part.splitlines()[0][3:].strip()
    if title == "Testing your own code: `umami_test`":
        out.append(TESTING)
    elif title not in REPO_ONLY:
        out.append(part)
(ROOT / "umami" / "README.md").write_text("".join(out))

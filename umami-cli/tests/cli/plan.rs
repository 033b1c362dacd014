//! `umami plan show|check`: a plan exported from the types with `Plan::to_json`, shown and
//! checked against the collector; exit 0 clean, 2 drift, 1 error.

use std::path::{Path, PathBuf};

use umami::UmamiEvent;
use umami::plan::Plan;

use crate::common::*;

#[derive(UmamiEvent)]
#[umami(name = "Signup", url = "/signup")]
struct Signup {
    plan: String,
    seats: u32,
    coupon: Option<String>,
}

fn plan() -> Plan {
    Plan::new().event::<Signup>().expect("a plan")
}

fn plan_file(home: &Path) -> PathBuf {
    let file = home.join("plan.json");
    std::fs::write(&file, plan().to_json().to_string()).unwrap();
    file
}

fn reader(home: &Path, url: &str) -> std::process::Command {
    let mut command = umami_at(home, url);
    command
        .env("UMAMI_USERNAME", umami_test::DEFAULT_USERNAME)
        .env("UMAMI_PASSWORD", umami_test::DEFAULT_PASSWORD);
    command
}

#[test]
fn show_prints_the_plans_markdown() {
    let home = scratch("plan-show");
    let file = plan_file(&home);
    let (code, out, err) = run(umami(&home).args(["plan", "show"]).arg(&file));
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(out, plan().to_markdown());
}

#[test]
fn check_exits_0_when_clean_and_2_on_drift() {
    let server = Server::start();
    let home = scratch("plan-check");
    let file = plan_file(&home);
    let (code, _, err) = run(umami_at(&home, server.url()).args([
        "send", "event", "Signup", "--data", "plan=pro", "--data", "seats=3",
    ]));
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(reader(&home, server.url())
        .args(["plan", "check"])
        .arg(&file)
        .args(["--range", "1h"]));
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    assert_eq!(
        out,
        "no drift: every stored event and key is planned, with its planned kind\n"
    );

    let (code, _, _) = run(umami_at(&home, server.url()).args([
        "send",
        "event",
        "Signup",
        "--data",
        "plan=pro",
        "--data",
        "seats=many",
    ]));
    assert_eq!(code, 0);
    let (code, _, _) = run(umami_at(&home, server.url()).args(["send", "event", "Unplanned"]));
    assert_eq!(code, 0);
    let (code, out, err) = run(reader(&home, server.url())
        .args(["plan", "check"])
        .arg(&file)
        .args(["--range", "1h"]));
    assert_eq!((code, err.as_str()), (2, ""), "{out}");
    assert!(
        out.starts_with("the plan and what Umami stored differ (2 findings)\n"),
        "{out}"
    );
    assert!(out.contains("  - Unplanned (1 stored)\n"), "{out}");
    assert!(out.contains("Signup.seats"), "{out}");

    let (code, out, _) = run(reader(&home, server.url())
        .args(["plan", "check"])
        .arg(&file)
        .args(["--range", "1h", "--json"]));
    assert_eq!(code, 2);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["unplanned_events"][0]["name"], "Unplanned");
    assert_eq!(report["kind_mismatches"][0]["key"], "seats");
}

#[test]
fn check_errors_exit_1() {
    let home = scratch("plan-errors");
    let file = home.join("plan.json");
    std::fs::write(
        &file,
        r#"{"events":[{"name":"A","keys":[{"key":"k","kind":"colour"}]}]}"#,
    )
    .unwrap();
    let (code, _, err) = run(umami(&home).args(["plan", "check"]).arg(&file));
    assert_eq!(code, 1);
    assert_eq!(
        err,
        format!(
            "error: failed: {}: not a tracking plan: event \"A\", key \"k\": kind \"colour\" is not \
             string, number, boolean, date, array or unknown\n",
            file.display()
        )
    );
    let good = plan_file(&home);
    let (code, _, err) = run(reader(&home, "http://127.0.0.1:9")
        .args(["plan", "check"])
        .arg(&good)
        .args(["--range", "soon"]));
    assert_eq!(code, 1, "a bad range is an error: 1, as ampli status");
    assert!(
        err.starts_with("error: usage: --range \"soon\" is not a range"),
        "{err}"
    );
    let (code, _, err) = run(umami(&home).args(["plan", "show", "missing.json"]));
    assert_eq!(code, 1);
    assert!(
        err.starts_with("error: failed: cannot read missing.json: "),
        "{err}"
    );
}

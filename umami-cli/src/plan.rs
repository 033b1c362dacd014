//! `umami plan show|check PLAN.json`: a tracking plan exported with
//! `umami::plan::Plan::to_json`, shown as Markdown or checked against what Umami stored with
//! the library's drift check. `check` exits like `ampli status`: 0 clean, 2 drift, 1 on any
//! error.

use std::path::Path;
use std::time::SystemTime;

use umami::plan::Plan;

use crate::api;
use crate::cli::PlanCommand;
use crate::config::Settings;
use crate::exit::{CliError, CliResult, code};
use crate::range;

fn load(path: &Path) -> CliResult<Plan> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::failed(format!("cannot read {}: {e}", path.display())))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| CliError::failed(format!("{} is not JSON: {e}", path.display())))?;
    Plan::from_json(&value).map_err(|e| CliError::failed(format!("{}: {e}", path.display())))
}

/// Runs `umami plan ...` and returns its exit code (errors printed here: `check` maps every
/// error to 1).
pub(crate) fn run(settings: &Settings, command: PlanCommand) -> u8 {
    let result = match command {
        PlanCommand::Show { plan } => load(&plan).map(|plan| {
            print!("{}", plan.to_markdown());
            code::OK
        }),
        PlanCommand::Check {
            plan,
            range,
            timezone,
            json,
        } => check(settings, &plan, &range, timezone.as_deref(), json),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("{error}");
            code::FAILED
        }
    }
}

fn check(
    settings: &Settings,
    path: &Path,
    range_text: &str,
    timezone: Option<&str>,
    json: bool,
) -> CliResult<u8> {
    let plan = load(path)?;
    let zone = range::timezone(timezone)?;
    let range = range::parse(range_text, &zone, SystemTime::now())?;
    settings.require_website_id()?;
    let (client, runtime) = crate::read::connect(settings)?;
    let report = runtime.block_on(api::drift(&client, &plan, range.start, range.end))?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report.to_json()).unwrap_or_default()
        );
    } else {
        print!("{report}");
    }
    Ok(if report.is_clean() {
        code::OK
    } else {
        code::DRIFT
    })
}

//! `umami send`: one hit, sent directly (`/api/send`), with the answer's exit code.

use serde_json::{Map, Value};

use crate::cli::{DataArgs, HitArgs, SendCommand};
use crate::config::Settings;
use crate::exit::{CliError, CliResult};
use crate::hit::{HitFields, HitKind, insert_pair, parse_time};

/// Runs `umami send ...`.
pub(crate) fn run(settings: &Settings, command: SendCommand) -> CliResult {
    let (fields, hit) = fields_of(command)?;
    let client = settings.send_client()?;
    let what = describe(&fields);
    let prepared = fields.prepare(&client)?;
    let runtime = crate::runtime()?;
    let answer = runtime.block_on(client.send_hit(&prepared))?;
    if hit.json {
        println!("{}", answer.json());
    } else {
        match answer.session_id() {
            Some(session) => println!("stored {what} (session {session})"),
            None => println!("stored {what}"),
        }
    }
    Ok(())
}

/// What was stored, for the one-line answer.
fn describe(fields: &HitFields) -> String {
    match fields.resolved_kind() {
        HitKind::Event => format!("event {:?}", fields.name.as_deref().unwrap_or_default()),
        HitKind::Revenue => format!(
            "revenue event {:?}",
            fields.name.as_deref().unwrap_or("revenue")
        ),
        HitKind::PageView => format!("page view of {}", fields.url.as_deref().unwrap_or("/")),
        HitKind::Identify => format!("identify of {:?}", fields.id.as_deref().unwrap_or_default()),
        HitKind::Performance => "performance hit".to_owned(),
    }
}

fn fields_of(command: SendCommand) -> CliResult<(HitFields, HitArgs)> {
    let (mut fields, hit, data) = match command {
        SendCommand::Event {
            name,
            url,
            hit,
            data,
        } => (
            HitFields {
                kind: Some(HitKind::Event),
                name: Some(name),
                url,
                ..HitFields::default()
            },
            hit,
            Some(data),
        ),
        SendCommand::Pageview { url, hit } => (
            HitFields {
                kind: Some(HitKind::PageView),
                url: Some(url),
                ..HitFields::default()
            },
            hit,
            None,
        ),
        SendCommand::Revenue {
            amount,
            currency,
            name,
            url,
            hit,
            data,
        } => (
            HitFields {
                kind: Some(HitKind::Revenue),
                name: Some(name),
                revenue: Some(amount),
                currency: Some(currency),
                url,
                ..HitFields::default()
            },
            hit,
            Some(data),
        ),
        SendCommand::Identify {
            user,
            url,
            hit,
            data,
        } => {
            if hit.distinct_id.is_some() {
                return Err(CliError::usage(
                    "identify takes the user's id as its argument, not --id",
                ));
            }
            (
                HitFields {
                    kind: Some(HitKind::Identify),
                    id: Some(user),
                    url,
                    ..HitFields::default()
                },
                hit,
                Some(data),
            )
        }
    };
    if let Some(data) = data {
        fields.data = data_of(&data)?;
    }
    fields.title = hit.title.clone();
    if hit.distinct_id.is_some() {
        fields.id = hit.distinct_id.clone();
    }
    fields.referrer = hit.referrer.clone();
    fields.tag = hit.tag.clone();
    fields.language = hit.language.clone();
    fields.screen = hit.screen.clone();
    fields.ip = hit.ip.clone();
    fields.user_agent = hit.user_agent.clone();
    if let Some(text) = &hit.timestamp {
        fields.timestamp = Some(parse_time(text).map_err(CliError::usage)?);
    }
    Ok((fields, hit))
}

/// `--data-json`, then every `--data` pair over it.
fn data_of(args: &DataArgs) -> CliResult<Option<Map<String, Value>>> {
    let mut data = match &args.data_json {
        None => None,
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(map)) => Some(map),
            Ok(_) => return Err(CliError::usage("--data-json must be a JSON object")),
            Err(e) => {
                return Err(CliError::usage(format!(
                    "--data-json is not valid JSON: {e}"
                )));
            }
        },
    };
    for pair in &args.pairs {
        insert_pair(data.get_or_insert_with(Map::new), pair).map_err(CliError::usage)?;
    }
    Ok(data)
}

//! CSV: a header line names each column's field (the flat JSON Lines keys, or `data.KEY`);
//! `--map column=field` renames, `--map column=-` ignores. Every column must map to a
//! field: a typo is an error naming the column, not a silently dropped value.

use std::collections::BTreeMap;

use serde_json::Map;

use crate::hit::{HitFields, HitKind, parse_time, typed_value};

/// The fields a column can hold.
pub(crate) const FIELDS: &[&str] = &[
    "type",
    "name",
    "url",
    "title",
    "referrer",
    "hostname",
    "language",
    "screen",
    "tag",
    "id",
    "ip",
    "userAgent",
    "timestamp",
    "website",
    "revenue",
    "currency",
    "browser",
    "os",
    "device",
    "lcp",
    "inp",
    "cls",
    "fcp",
    "ttfb",
];

/// What one column holds.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Field(&'static str),
    Data(String),
    Ignored,
}

/// The columns' targets, from the header and `--map`.
#[derive(Debug, Clone)]
pub(crate) struct Mapping {
    columns: Vec<(String, Target)>,
}

/// `userAgent`, `user_agent` and `UserAgent` are one name.
fn normalized(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_' && *c != '-' && !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

fn target_of(name: &str) -> Option<Target> {
    let name = name.trim();
    if name == "-" {
        return Some(Target::Ignored);
    }
    if let Some(key) = name.strip_prefix("data.") {
        if !key.is_empty() {
            return Some(Target::Data(key.to_owned()));
        }
    }
    let wanted = normalized(name);
    FIELDS
        .iter()
        .find(|f| normalized(f) == wanted)
        .map(|f| Target::Field(f))
}

/// Parses `--map` entries: `COLUMN=FIELD`.
pub(crate) fn parse_maps(maps: &[String]) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for entry in maps {
        let Some((column, field)) = entry.split_once('=') else {
            return Err(format!("--map {entry:?} is not COLUMN=FIELD"));
        };
        if target_of(field).is_none() {
            return Err(format!(
                "--map {entry:?}: {field:?} is not a field ({}, data.KEY, or - to ignore)",
                FIELDS.join(", ")
            ));
        }
        out.insert(column.to_owned(), field.to_owned());
    }
    Ok(out)
}

impl Mapping {
    /// The mapping of a header.
    pub(crate) fn new(
        header: &[String],
        maps: &BTreeMap<String, String>,
    ) -> Result<Mapping, String> {
        let mut columns = Vec::with_capacity(header.len());
        let mut unknown = Vec::new();
        for name in header {
            let target = match maps.get(name) {
                Some(field) => target_of(field),
                None => target_of(name),
            };
            match target {
                Some(target) => columns.push((name.clone(), target)),
                None => unknown.push(name.clone()),
            }
        }
        if !unknown.is_empty() {
            let names: Vec<String> = unknown.iter().map(|n| format!("{n:?}")).collect();
            return Err(format!(
                "unknown column{} {}: map {} with --map COLUMN=FIELD (fields: {}, data.KEY), or \
                 ignore with --map COLUMN=-",
                if unknown.len() > 1 { "s" } else { "" },
                names.join(", "),
                if unknown.len() > 1 { "each" } else { "it" },
                FIELDS.join(", ")
            ));
        }
        for column in maps.keys() {
            if !header.contains(column) {
                return Err(format!(
                    "--map names a column the header does not have: {column:?}"
                ));
            }
        }
        Ok(Mapping { columns })
    }

    /// The hit of one row.
    pub(crate) fn hit(&self, row: &[&[u8]]) -> Result<HitFields, String> {
        if row.len() != self.columns.len() {
            return Err(format!(
                "{} fields where the header has {}",
                row.len(),
                self.columns.len()
            ));
        }
        let mut hit = HitFields::default();
        let mut data: Option<Map<String, serde_json::Value>> = None;
        for ((column, target), cell) in self.columns.iter().zip(row) {
            let text = std::str::from_utf8(cell)
                .map_err(|_| format!("column {column:?} is not valid UTF-8"))?;
            if text.is_empty() {
                continue;
            }
            let number = || {
                text.trim()
                    .parse::<f64>()
                    .map_err(|_| format!("column {column:?}: {text:?} is not a number"))
            };
            let s = || Some(text.to_owned());
            match target {
                Target::Ignored => {}
                Target::Data(key) => {
                    data.get_or_insert_with(Map::new)
                        .insert(key.clone(), typed_value(text));
                }
                Target::Field(field) => match *field {
                    "type" => {
                        hit.kind = Some(HitKind::from_name(text.trim()).ok_or_else(|| {
                            format!(
                                "column {column:?}: type {text:?} is not event, pageview, \
                                 revenue, identify or performance"
                            )
                        })?);
                    }
                    "name" => hit.name = s(),
                    "url" => hit.url = s(),
                    "title" => hit.title = s(),
                    "referrer" => hit.referrer = s(),
                    "hostname" => hit.hostname = s(),
                    "language" => hit.language = s(),
                    "screen" => hit.screen = s(),
                    "tag" => hit.tag = s(),
                    "id" => hit.id = s(),
                    "ip" => hit.ip = s(),
                    "userAgent" => hit.user_agent = s(),
                    "timestamp" => {
                        hit.timestamp =
                            Some(parse_time(text).map_err(|e| format!("column {column:?}: {e}"))?);
                    }
                    "website" => hit.website = s(),
                    "revenue" => hit.revenue = Some(number()?),
                    "currency" => hit.currency = s(),
                    "browser" => hit.browser = s(),
                    "os" => hit.os = s(),
                    "device" => hit.device = s(),
                    "lcp" => hit.lcp = Some(number()?),
                    "inp" => hit.inp = Some(number()?),
                    "cls" => hit.cls = Some(number()?),
                    "fcp" => hit.fcp = Some(number()?),
                    "ttfb" => hit.ttfb = Some(number()?),
                    _ => {}
                },
            }
        }
        hit.data = data;
        Ok(hit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn columns_map_to_fields_and_data() {
        let maps = parse_maps(&["event=name".to_owned(), "junk=-".to_owned()]).unwrap();
        let mapping = Mapping::new(
            &header(&["event", "user_agent", "data.seats", "junk"]),
            &maps,
        )
        .unwrap();
        let hit = mapping
            .hit(&[b"Signup", b"Mozilla/5.0", b"3", b"x"])
            .unwrap();
        assert_eq!(hit.name.as_deref(), Some("Signup"));
        assert_eq!(hit.user_agent.as_deref(), Some("Mozilla/5.0"));
        assert_eq!(hit.data.unwrap()["seats"], serde_json::json!(3));
    }

    #[test]
    fn unknown_columns_are_named() {
        let err = Mapping::new(&header(&["name", "plan", "colour"]), &BTreeMap::new()).unwrap_err();
        assert!(
            err.starts_with("unknown columns \"plan\", \"colour\": map each"),
            "{err}"
        );
    }
}

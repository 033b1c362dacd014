//! `umami/README.md` (the crates.io page and the crate's front page) is the repository's
//! README less its repository-only sections, written by `scripts/crate-readme.py`: every
//! section they share must be the same text, so the two cannot drift apart.

use std::collections::BTreeMap;
use std::path::Path;

/// The `## ` sections of a Markdown text, by title.
fn sections(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut title = String::new();
    let mut body = String::new();
    for line in text.lines() {
        if let Some(next) = line.strip_prefix("## ") {
            out.insert(std::mem::take(&mut title), std::mem::take(&mut body));
            title = next.to_owned();
        }
        body.push_str(line);
        body.push('\n');
    }
    out.insert(title, body);
    out
}

fn read(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_crate_readme_is_the_repository_readme_less_its_repository_sections() {
    let repo = sections(&read("../README.md"));
    let krate = sections(&read("../umami/README.md"));
    let rewritten = ["", "Testing your own code: `umami_test`"];
    for (title, body) in &krate {
        if rewritten.contains(&title.as_str()) {
            continue;
        }
        let Some(same) = repo.get(title) else {
            panic!("umami/README.md has a section {title:?} the README lacks");
        };
        assert_eq!(
            body, same,
            "section {title:?} differs: run scripts/crate-readme.py"
        );
    }
    for title in [
        "Install",
        "The first thing to try",
        "Feature flags",
        "License",
    ] {
        assert!(krate.contains_key(title), "umami/README.md lacks {title:?}");
    }
}

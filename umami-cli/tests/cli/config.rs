//! Settings: flags over variables over the config file; help texts; secrets never printed;
//! shell completions.

use std::path::Path;

use crate::common::*;

fn config(home: &Path, text: &str) -> std::path::PathBuf {
    let file = home.join("umami.toml");
    std::fs::write(&file, text).unwrap();
    file
}

#[test]
fn the_config_file_gives_defaults_that_variables_and_flags_override() {
    let server = Server::start();
    let home = scratch("config-layers");
    let file = config(
        &home,
        &format!(
            "url = \"{}\"\nwebsite_id = \"{WEBSITE}\"\nhostname = \"file.example\"\n",
            server.url()
        ),
    );
    let (code, _, err) = run(umami(&home)
        .arg("--config")
        .arg(&file)
        .args(["send", "event", "A"]));
    assert_eq!(code, 0, "{err}");
    let (code, _, _) = run(umami(&home)
        .env("UMAMI_CONFIG", &file)
        .env("UMAMI_HOSTNAME", "variable.example")
        .args(["send", "event", "B"]));
    assert_eq!(code, 0);
    let (code, _, _) = run(umami(&home)
        .env("UMAMI_CONFIG", &file)
        .env("UMAMI_HOSTNAME", "variable.example")
        .args(["send", "event", "C", "--hostname", "flag.example"]));
    assert_eq!(code, 0);
    let hostnames: Vec<_> = server
        .collector
        .hits()
        .iter()
        .map(|h| h.hostname().unwrap().to_owned())
        .collect();
    assert_eq!(
        hostnames,
        ["file.example", "variable.example", "flag.example"]
    );
}

#[test]
fn the_default_config_file_is_read_when_it_exists() {
    let server = Server::start();
    let home = scratch("config-default");
    std::fs::create_dir_all(home.join("config/umami")).unwrap();
    std::fs::write(
        home.join("config/umami/config.toml"),
        format!(
            "url = \"{}\"\nwebsite_id = \"{WEBSITE}\"\nhostname = \"default.example\"\n",
            server.url()
        ),
    )
    .unwrap();
    let (code, _, err) = run(umami(&home).args(["send", "event", "A"]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        server.collector.hits()[0].hostname(),
        Some("default.example")
    );
}

#[test]
fn a_bad_config_file_names_the_key() {
    let home = scratch("config-bad");
    let file = config(&home, "urll = \"http://x\"\n");
    let (code, _, err) = run(umami(&home)
        .arg("--config")
        .arg(&file)
        .args(["send", "event", "A"]));
    assert_eq!(code, 3);
    assert!(
        err.starts_with(&format!(
            "error: usage: the config file {} is not valid: unknown field `urll`, expected one of",
            file.display()
        )),
        "{err}"
    );
}

#[test]
fn secrets_are_never_printed() {
    let home = scratch("config-secrets");
    let file = config(
        &home,
        "password = \"file-secret-1\"\napi_key = \"api_file-secret-2\"\n",
    );
    for args in [
        vec!["--help"],
        vec!["send", "event", "--help"],
        vec!["stats", "--help"],
    ] {
        let (code, out, err) = run(umami(&home)
            .env("UMAMI_PASSWORD", "env-secret-3")
            .env("UMAMI_API_KEY", "api_env-secret-4")
            .arg("--config")
            .arg(&file)
            .args(&args));
        assert_eq!(code, 0);
        for secret in ["secret-1", "secret-2", "secret-3", "secret-4"] {
            assert!(
                !out.contains(secret) && !err.contains(secret),
                "{args:?} printed {secret}"
            );
        }
    }
    // A failing read with a Cloud key and a password: the error names neither.
    let (code, out, err) = run(umami(&home)
        .env("UMAMI_API_KEY", "api_env-secret-4")
        .env("UMAMI_WEBSITE_ID", WEBSITE)
        .env("UMAMI_USERNAME", "admin")
        .env("UMAMI_PASSWORD", "env-secret-3")
        .env("UMAMI_URL", "http://127.0.0.1:9")
        .arg("stats"));
    assert_eq!(code, 8, "{err}");
    for secret in ["secret-3", "secret-4"] {
        assert!(!out.contains(secret) && !err.contains(secret), "{err}");
    }
}

#[test]
fn help_names_every_variable_and_exit_code() {
    let home = scratch("config-help");
    let (code, out, _) = run(umami(&home).arg("--help"));
    assert_eq!(code, 0);
    for needle in [
        "UMAMI_URL",
        "UMAMI_WEBSITE_ID",
        "UMAMI_HOSTNAME",
        "UMAMI_API_KEY",
        "UMAMI_USERNAME",
        "UMAMI_PASSWORD",
        "UMAMI_CONFIG",
        "~/.config/umami/config.toml",
        "130  interrupted",
    ] {
        assert!(out.contains(needle), "--help lacks {needle}");
    }
    let (code, out, _) = run(umami(&home).args(["import", "--help"]));
    assert_eq!(code, 0);
    for needle in [
        "jsonl",
        "csv",
        "combined",
        "--resume",
        "--map",
        "--dry-run",
        "UMAMI_URL",
    ] {
        assert!(out.contains(needle), "import --help lacks {needle}");
    }
    let (code, _, err) = run(umami(&home).args(["send", "event"]));
    assert_eq!(code, 3, "a bad command line is a usage error");
    assert!(err.contains("<NAME>"), "{err}");
}

#[test]
fn completions_for_three_shells() {
    let home = scratch("config-completions");
    for (shell, marker) in [
        ("bash", "_umami()"),
        ("zsh", "#compdef umami"),
        ("fish", "complete -c umami"),
    ] {
        let (code, out, _) = run(umami(&home).args(["completions", shell]));
        assert_eq!(code, 0);
        assert!(
            out.contains(marker),
            "{shell}: {}",
            &out[..out.len().min(200)]
        );
        assert!(out.contains("import"), "{shell} completes subcommands");
    }
}

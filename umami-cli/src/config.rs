//! Settings from flags, environment variables and an optional TOML file (in that order of
//! precedence), and the clients built from them. Secrets (API key, password) come from the
//! environment or the file only, and are never printed.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::cli::GlobalArgs;
use crate::exit::{CliError, CliResult};

/// A value that must never be printed.
#[derive(Clone, Default, Deserialize)]
#[serde(transparent)]
pub(crate) struct Secret(String);

impl Secret {
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// The config file's keys.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    url: Option<String>,
    website_id: Option<String>,
    hostname: Option<String>,
    api_key: Option<Secret>,
    username: Option<String>,
    password: Option<Secret>,
    cloud_region: Option<String>,
}

/// The settings in force.
#[derive(Debug, Clone, Default)]
pub(crate) struct Settings {
    pub(crate) url: Option<String>,
    pub(crate) website_id: Option<String>,
    pub(crate) hostname: Option<String>,
    pub(crate) api_key: Option<Secret>,
    pub(crate) username: Option<String>,
    pub(crate) password: Option<Secret>,
    pub(crate) cloud_region: Option<umami::CloudRegion>,
    /// The config file read, if any.
    pub(crate) file: Option<PathBuf>,
}

/// Reads a variable; blank counts as unset.
fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The default config file: `$XDG_CONFIG_HOME/umami/config.toml`, else
/// `~/.config/umami/config.toml`.
pub(crate) fn default_config_path() -> Option<PathBuf> {
    let base = var("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| var("HOME").map(|home| Path::new(&home).join(".config")))?;
    Some(base.join("umami").join("config.toml"))
}

impl Settings {
    /// Flags, then variables, then the file.
    pub(crate) fn load(flags: &GlobalArgs) -> CliResult<Settings> {
        let explicit = flags
            .config
            .clone()
            .or_else(|| var("UMAMI_CONFIG").map(PathBuf::from));
        let (file, path) = match explicit {
            Some(path) => (read_file(&path)?, Some(path)),
            None => match default_config_path().filter(|p| p.is_file()) {
                Some(path) => (read_file(&path)?, Some(path)),
                None => (FileSettings::default(), None),
            },
        };
        let cloud_region = match var("UMAMI_CLOUD_REGION").or(file.cloud_region) {
            None => None,
            Some(region) => Some(match region.to_ascii_lowercase().as_str() {
                "us" => umami::CloudRegion::Us,
                "eu" => umami::CloudRegion::Eu,
                other => {
                    return Err(CliError::usage(format!(
                        "cloud_region {other:?} is not us or eu"
                    )));
                }
            }),
        };
        Ok(Settings {
            url: flags
                .server
                .clone()
                .or_else(|| var("UMAMI_URL"))
                .or(file.url),
            website_id: flags
                .website_id
                .clone()
                .or_else(|| var("UMAMI_WEBSITE_ID"))
                .or(file.website_id),
            hostname: flags
                .hostname
                .clone()
                .or_else(|| var("UMAMI_HOSTNAME"))
                .or(file.hostname),
            api_key: var("UMAMI_API_KEY").map(Secret).or(file.api_key),
            username: flags
                .username
                .clone()
                .or_else(|| var("UMAMI_USERNAME"))
                .or(file.username),
            password: var("UMAMI_PASSWORD").map(Secret).or(file.password),
            cloud_region,
            file: path,
        })
    }

    /// Where a missing setting may be given, for error messages.
    fn where_to(&self, flag: Option<&str>, variable: &str, key: &str) -> String {
        let file = match &self.file {
            Some(path) => format!("`{key}` in {}", path.display()),
            None => format!("`{key}` in the config file"),
        };
        match flag {
            Some(flag) => format!("pass {flag}, set {variable}, or put {file}"),
            None => format!("set {variable}, or put {file}"),
        }
    }

    /// The website id, required.
    pub(crate) fn require_website_id(&self) -> CliResult<&str> {
        self.website_id.as_deref().ok_or_else(|| {
            CliError::usage(format!(
                "no website id: {}",
                self.where_to(Some("--website-id"), "UMAMI_WEBSITE_ID", "website_id")
            ))
        })
    }

    /// The hostname, required.
    pub(crate) fn require_hostname(&self) -> CliResult<&str> {
        self.hostname.as_deref().ok_or_else(|| {
            CliError::usage(format!(
                "no hostname: {}",
                self.where_to(Some("--hostname"), "UMAMI_HOSTNAME", "hostname")
            ))
        })
    }

    /// A client builder for the server in force (self-hosted URL or Umami Cloud key).
    fn builder(&self) -> CliResult<umami::ClientBuilder> {
        let mut builder = umami::Client::builder();
        match (&self.url, &self.api_key) {
            (Some(url), _) => builder = builder.url_base(url.clone()),
            (None, Some(key)) => {
                builder = builder.cloud_api_key(key.expose());
                if let Some(region) = self.cloud_region {
                    builder = builder.cloud_region(region);
                }
            }
            (None, None) => {
                return Err(CliError::usage(format!(
                    "no Umami server: {} (or UMAMI_API_KEY for Umami Cloud)",
                    self.where_to(Some("--server"), "UMAMI_URL", "url")
                )));
            }
        }
        if let Some(website) = &self.website_id {
            builder = builder.website_id(website.clone());
        }
        if let Some(hostname) = &self.hostname {
            builder = builder.hostname(hostname.clone());
        }
        Ok(builder)
    }

    /// A client for sending: server, website id and hostname required.
    pub(crate) fn send_client(&self) -> CliResult<umami::Client> {
        let builder = self.builder()?;
        self.require_website_id()?;
        self.require_hostname()?;
        builder
            .build()
            .map_err(|e| CliError::from(e).context("the settings"))
    }

    /// A client for checking hits without a server (`import --dry-run`): the website id and
    /// hostname are required as for sending, the server is not.
    pub(crate) fn offline_client(&self) -> CliResult<umami::Client> {
        self.require_website_id()?;
        self.require_hostname()?;
        let mut builder = umami::Client::builder().url_base(
            self.url
                .clone()
                .unwrap_or_else(|| "http://localhost".to_owned()),
        );
        if let Some(website) = &self.website_id {
            builder = builder.website_id(website.clone());
        }
        if let Some(hostname) = &self.hostname {
            builder = builder.hostname(hostname.clone());
        }
        builder
            .build()
            .map_err(|e| CliError::from(e).context("the settings"))
    }

    /// A client for reads, and the credentials to log in with (none on Umami Cloud).
    pub(crate) fn read_client(&self) -> CliResult<(umami::Client, Option<(String, Secret)>)> {
        let client = self
            .builder()?
            .build()
            .map_err(|e| CliError::from(e).context("the settings"))?;
        if self.url.is_none() {
            return Ok((client, None));
        }
        let username = self.username.clone().ok_or_else(|| {
            CliError::usage(format!(
                "no username for reads: {}",
                self.where_to(Some("--username"), "UMAMI_USERNAME", "username")
            ))
        })?;
        let password = self.password.clone().ok_or_else(|| {
            CliError::usage(format!(
                "no password for reads: {}",
                self.where_to(None, "UMAMI_PASSWORD", "password")
            ))
        })?;
        Ok((client, Some((username, password))))
    }
}

fn read_file(path: &Path) -> CliResult<FileSettings> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        CliError::usage(format!(
            "cannot read the config file {}: {e}",
            path.display()
        ))
    })?;
    let settings: FileSettings = toml::from_str(&text).map_err(|e| {
        CliError::usage(format!(
            "the config file {} is not valid: {}",
            path.display(),
            e.message()
        ))
    })?;
    warn_if_readable_by_others(path, &settings);
    Ok(settings)
}

/// A config file holding a secret should be readable by its owner only.
#[cfg(unix)]
fn warn_if_readable_by_others(path: &Path, settings: &FileSettings) {
    use std::os::unix::fs::PermissionsExt;
    if settings.password.is_none() && settings.api_key.is_none() {
        return;
    }
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.permissions().mode() & 0o077 != 0 {
            eprintln!(
                "warning: {} holds a secret and other users may read it: chmod 600 it",
                path.display()
            );
        }
    }
}

#[cfg(not(unix))]
fn warn_if_readable_by_others(_path: &Path, _settings: &FileSettings) {}

//! The one wire type of a hit: `{"type": ..., "payload": {...}}` as `/api/send` receives it
//! and as every `/api/batch` item is, in the protocol's key names.
//!
//! Borrowed ([`Cow::Borrowed`]) when a builder sends at once, so that nothing is copied;
//! owned when a [`PreparedHit`](super::PreparedHit) keeps it. Serialized once either way.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::ValidationError;
use crate::validate;

/// One hit on the wire.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Envelope<'a> {
    #[serde(rename = "type")]
    pub(crate) kind: &'static str,
    pub(crate) payload: Payload<'a>,
}

/// The payload keys of `/api/send` (Umami 3.1), in the protocol's names. Absent keys are left
/// out of the JSON, never sent as `null`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub(crate) struct Payload<'a> {
    pub(crate) website: Cow<'a, str>,
    pub(crate) hostname: Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) language: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) screen: Option<Cow<'a, str>>,
    pub(crate) url: Cow<'a, str>,
    pub(crate) referrer: Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) title: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) data: Option<Cow<'a, Map<String, Value>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) tag: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) id: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) ip: Option<Cow<'a, str>>,
    #[serde(rename = "userAgent", skip_serializing_if = "Option::is_none")]
    pub(crate) user_agent: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) timestamp: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) browser: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) os: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) device: Option<Cow<'a, str>>,
    /// Web vitals of a `performance` hit (Umami 3.1+), in milliseconds; `cls` is unitless.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) lcp: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) inp: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) cls: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) fcp: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) ttfb: Option<f64>,
}

impl Envelope<'_> {
    /// The JSON bytes, exactly sized (a queued hit keeps them for its whole life).
    pub(crate) fn to_bytes(&self) -> Box<[u8]> {
        serde_json::to_vec(self)
            .expect("a payload of strings, numbers and JSON values serializes")
            .into_boxed_slice()
    }

    /// The same hit, owning every string.
    pub(crate) fn into_owned(self) -> Envelope<'static> {
        Envelope {
            kind: self.kind,
            payload: self.payload.into_owned(),
        }
    }
}

impl Payload<'_> {
    /// Checks every field as the server would (see [`validate`]): the one check of a hit,
    /// whichever way it was built. `data_field` names the custom data in errors.
    pub(crate) fn check(&self, data_field: &'static str) -> Result<(), ValidationError> {
        validate::uuid("website_id", &self.website)?;
        validate::not_blank("hostname", &self.hostname)?;
        validate::max_chars("hostname", &self.hostname, validate::MAX_HOSTNAME)?;
        if let Some(name) = &self.name {
            validate::event_name("event_name", name, validate::MAX_NAME)?;
        }
        validate::url_or_path("url", &self.url)?;
        validate::url_query_params("url", &self.url)?;
        validate::url_or_path("referrer", &self.referrer)?;
        if let Some(language) = &self.language {
            validate::max_chars("language", language, validate::MAX_LANGUAGE)?;
        }
        if let Some(screen) = &self.screen {
            validate::max_chars("screen", screen, validate::MAX_SCREEN)?;
        }
        if let Some(tag) = &self.tag {
            validate::event_name("tag", tag, validate::MAX_TAG)?;
        }
        if let Some(id) = &self.id {
            validate::distinct_id("distinct_id", id)?;
        }
        if let Some(ip) = &self.ip {
            validate::ip_address("ip_address", ip)?;
        }
        if let Some(timestamp) = self.timestamp {
            validate::timestamp_secs("timestamp", timestamp)?;
        }
        for (field, value) in [
            ("browser", &self.browser),
            ("os", &self.os),
            ("device", &self.device),
        ] {
            if let Some(value) = value {
                validate::session_field(field, value)?;
            }
        }
        if let Some(data) = &self.data {
            validate::custom_data(data_field, data)?;
        }
        let vitals = [
            ("lcp", self.lcp),
            ("inp", self.inp),
            ("fcp", self.fcp),
            ("ttfb", self.ttfb),
        ];
        for (field, value) in vitals {
            if let Some(value) = value {
                validate::web_vital_ms(field, value)?;
            }
        }
        if let Some(cls) = self.cls {
            validate::cls("cls", cls)?;
        }
        Ok(())
    }

    fn into_owned(self) -> Payload<'static> {
        fn own(s: Option<Cow<'_, str>>) -> Option<Cow<'static, str>> {
            s.map(|s| Cow::Owned(s.into_owned()))
        }
        Payload {
            website: Cow::Owned(self.website.into_owned()),
            hostname: Cow::Owned(self.hostname.into_owned()),
            language: own(self.language),
            screen: own(self.screen),
            url: Cow::Owned(self.url.into_owned()),
            referrer: Cow::Owned(self.referrer.into_owned()),
            title: own(self.title),
            name: own(self.name),
            data: self.data.map(|d| Cow::Owned(d.into_owned())),
            tag: own(self.tag),
            id: own(self.id),
            ip: own(self.ip),
            user_agent: own(self.user_agent),
            timestamp: self.timestamp,
            browser: own(self.browser),
            os: own(self.os),
            device: own(self.device),
            lcp: self.lcp,
            inp: self.inp,
            cls: self.cls,
            fcp: self.fcp,
            ttfb: self.ttfb,
        }
    }
}

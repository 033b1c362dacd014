//! Cache tokens: shaped like Umami's (an HS256 JWT over the cache claims), signed with the
//! collector's own random key.

use std::hash::{BuildHasher, Hasher};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub(super) struct CacheClaims {
    pub(super) website: String,
    pub(super) visit_id: String,
    pub(super) iat: u64,
}

/// A token shaped like Umami's (a HS256 JWT over the cache claims), signed with this
/// collector's key; only the collector that issued it accepts it back.
pub(super) fn cache_token(
    key: Uuid,
    website: &str,
    session_id: &str,
    visit_id: &str,
    iat: u64,
) -> String {
    const HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Claims<'a> {
        website_id: &'a str,
        session_id: &'a str,
        visit_id: &'a str,
        iat: u64,
        #[serde(rename = "type")]
        kind: &'a str,
    }
    let claims = Claims {
        website_id: website,
        session_id,
        visit_id,
        iat,
        kind: "cache",
    };
    let claims = serde_json::to_vec(&claims).expect("claims serialize");
    let unsigned = format!("{}.{}", base64url(HEADER.as_bytes()), base64url(&claims));
    let first = Uuid::new_v5(&key, unsigned.as_bytes());
    let second = Uuid::new_v5(&first, unsigned.as_bytes());
    let mut signature = [0_u8; 32];
    signature[..16].copy_from_slice(first.as_bytes());
    signature[16..].copy_from_slice(second.as_bytes());
    format!("{unsigned}.{}", base64url(&signature))
}

fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0_u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

/// A random UUID from the standard library's randomly seeded hasher (no extra dependency).
pub(super) fn random_uuid() -> Uuid {
    let state = std::collections::hash_map::RandomState::new();
    let mut high = state.build_hasher();
    high.write_u64(unix_secs(SystemTime::now()));
    let mut low = state.build_hasher();
    low.write_u64(u64::from(std::process::id()));
    Uuid::from_u64_pair(high.finish(), low.finish())
}

/// Seconds since the Unix epoch (0 before it).
pub(super) fn unix_secs(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_matches_the_rfc_vectors() {
        assert_eq!(base64url(b""), "");
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(b"foob"), "Zm9vYg");
        assert_eq!(base64url(b"\xfb\xff"), "-_8");
        assert_eq!(
            base64url(br#"{"alg":"HS256","typ":"JWT"}"#),
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
        );
    }

    #[test]
    fn cache_tokens_look_like_jwts() {
        let token = cache_token(random_uuid(), "w", "s", "v", 1);
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0], "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9");
        assert_eq!(parts[2].len(), 43);
    }
}

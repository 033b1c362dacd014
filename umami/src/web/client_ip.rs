//! The visitor's IP address: the socket peer by default, proxy headers only from trusted
//! proxies.

use std::fmt;
use std::net::{IpAddr, SocketAddr};

use http::HeaderMap;
use http::header::HeaderName;

use crate::error::ValidationError;

/// The most entries of a list header (`X-Forwarded-For`, `Forwarded`) examined, from the
/// right: a visitor's entry is found within them or the peer address is used. Entries to the
/// left of the visitor's are never looked at, so whatever a visitor prepends (64 entries or
/// 10,000, one header line or several) costs nothing and changes nothing.
pub const MAX_PROXY_HOPS: usize = 64;

/// The socket address of the connection's peer, as a request extension.
///
/// axum's `ConnectInfo<SocketAddr>` is read too (feature `axum`); with plain hyper or tower,
/// insert this one per connection (see [`crate::web`]).
///
/// ```
/// use umami::web::PeerAddr;
///
/// let mut request = http::Request::new(());
/// request.extensions_mut().insert(PeerAddr("203.0.113.7:51234".parse().unwrap()));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerAddr(pub SocketAddr);

/// A network in CIDR notation, e.g. `10.0.0.0/8` or `2001:db8::/32` (a bare address is a /32
/// or /128).
///
/// An IPv4-mapped IPv6 network (`::ffff:a.b.c.d/p`) is the IPv4 network it maps: with a
/// prefix of 96 or more, `::ffff:10.0.0.0/104` is `10.0.0.0/8`. A mapped address with a
/// prefix under 96 is refused (a [`ValidationError`]): such a network reaches beyond the
/// mapped range into plain IPv6 addresses, which is almost certainly not what was meant;
/// write the IPv4 network, or the IPv6 one (`::/80`) if that is really it.
///
/// ```
/// let net: umami::web::IpNet = "10.0.0.0/8".parse()?;
/// assert!(net.contains("10.1.2.3".parse()?));
/// let mapped: umami::web::IpNet = "::ffff:10.0.0.0/104".parse()?;
/// assert_eq!(mapped, net);
/// assert!("::ffff:10.0.0.0/80".parse::<umami::web::IpNet>().is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

impl IpNet {
    /// The network of `addr` with `prefix` leading bits. An IPv4-mapped IPv6 address
    /// (`::ffff:a.b.c.d`) with a prefix of 96 to 128 is the IPv4 network of `a.b.c.d` with
    /// `prefix - 96` bits (see the type's docs).
    ///
    /// ```
    /// use umami::web::IpNet;
    ///
    /// let mapped = IpNet::new("::ffff:192.0.2.0".parse()?, 120)?;
    /// assert_eq!(mapped.to_string(), "192.0.2.0/24");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// A [`ValidationError`] on `trusted_proxies` when `prefix` is longer than the address,
    /// or shorter than 96 bits for an IPv4-mapped address.
    pub fn new(addr: IpAddr, prefix: u8) -> Result<IpNet, ValidationError> {
        let (addr, prefix) = match addr {
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) if (96..=128).contains(&prefix) => (IpAddr::V4(v4), prefix - 96),
                Some(v4) if prefix < 96 => {
                    return Err(ValidationError::new(
                        "trusted_proxies",
                        format!(
                            "prefix /{prefix} of the IPv4-mapped address {v6} is shorter than \
                             96 bits: the network would reach beyond ::ffff:0:0/96 into plain \
                             IPv6 addresses; write an IPv4 network ({v4}/8 is ::ffff:{v4}/104) \
                             or an IPv6 one"
                        ),
                    ));
                }
                _ => (addr, prefix),
            },
            IpAddr::V4(_) => (addr, prefix),
        };
        let max = if addr.is_ipv4() { 32 } else { 128 };
        if prefix > max {
            return Err(ValidationError::new(
                "trusted_proxies",
                format!("prefix /{prefix} of {addr} is longer than {max} bits"),
            ));
        }
        Ok(IpNet { addr, prefix })
    }

    /// Whether `ip` (IPv4-mapped IPv6 counts as IPv4) is in the network.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl fmt::Debug for IpNet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

impl fmt::Display for IpNet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

impl std::str::FromStr for IpNet {
    type Err = ValidationError;

    fn from_str(s: &str) -> Result<IpNet, ValidationError> {
        let s = s.trim();
        let bad = |why: &str| {
            ValidationError::new(
                "trusted_proxies",
                format!("{s:?} is not a network in CIDR notation (e.g. 10.0.0.0/8): {why}"),
            )
        };
        let (addr, prefix) = match s.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (s, None),
        };
        let addr: IpAddr = addr.parse().map_err(|_| bad("bad address"))?;
        let prefix = match prefix {
            Some(p) => p.parse::<u8>().map_err(|_| bad("bad prefix length"))?,
            // A bare IPv4-mapped address is its /128, the IPv4 address's /32.
            None if addr.is_ipv4() => 32,
            None => 128,
        };
        IpNet::new(addr, prefix)
    }
}

/// The proxy header a trusted proxy sets (one per deployment: the one your proxy writes).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProxyHeader {
    /// `X-Forwarded-For: client, proxy1, proxy2` (the default): read from the right.
    XForwardedFor,
    /// RFC 7239 `Forwarded: for=client;proto=https, for="[2001:db8::1]:4711"`: read from the
    /// right. An obfuscated port (`for="192.0.2.43:_p1"`, RFC 7239 §6.3) still gives the
    /// address; an obfuscated or `unknown` node does not.
    Forwarded,
    /// `X-Real-IP` (nginx), one address.
    XRealIp,
    /// `CF-Connecting-IP` (Cloudflare), one address.
    CfConnectingIp,
    /// `True-Client-IP` (Akamai, Cloudflare Enterprise), one address.
    TrueClientIp,
    /// `Fly-Client-IP` (Fly.io), one address.
    FlyClientIp,
    /// Any other header holding one address.
    Single(HeaderName),
}

impl ProxyHeader {
    fn name(&self) -> HeaderName {
        match self {
            ProxyHeader::XForwardedFor => HeaderName::from_static("x-forwarded-for"),
            ProxyHeader::Forwarded => http::header::FORWARDED,
            ProxyHeader::XRealIp => HeaderName::from_static("x-real-ip"),
            ProxyHeader::CfConnectingIp => HeaderName::from_static("cf-connecting-ip"),
            ProxyHeader::TrueClientIp => HeaderName::from_static("true-client-ip"),
            ProxyHeader::FlyClientIp => HeaderName::from_static("fly-client-ip"),
            ProxyHeader::Single(name) => name.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Trust {
    None,
    Networks(Vec<IpNet>),
    Hops(usize),
}

/// Where the visitor's IP comes from.
///
/// By default, the socket peer address only ([`PeerAddr`], or axum's `ConnectInfo`): no
/// header is trusted, so a visitor cannot choose the IP recorded for it by sending
/// `X-Forwarded-For`. Behind a proxy, say which peers are proxies
/// ([`trust_networks`](Self::trust_networks)) or how many stand in front of the service
/// ([`trust_hops`](Self::trust_hops)), and which header they write
/// ([`header`](Self::header), default `X-Forwarded-For`).
///
/// With trusted networks, a proxy header is read only when the peer is in one of them; a
/// list header (`X-Forwarded-For`, `Forwarded`) is walked from the right, skipping trusted
/// addresses, and the first untrusted one is the visitor's. Several header lines are one
/// list, joined in order (RFC 7230); empty elements are ignored. Only the entries from the
/// right up to the visitor's are read: whatever the visitor wrote to the left of it (any
/// number of entries, garbage, non-ASCII bytes, on the same line or earlier ones) is never
/// parsed and cannot change the result. Anything malformed on the way (garbage, an
/// `unknown` or obfuscated node, a zone id), or no untrusted entry among the right-most
/// [`MAX_PROXY_HOPS`], means the header cannot be relied on: the peer address is used.
///
/// ```
/// use umami::web::{ClientIpConfig, ProxyHeader};
///
/// // Behind a load balancer in 10.0.0.0/8 writing X-Forwarded-For:
/// let behind_lb = ClientIpConfig::default().trust_networks(["10.0.0.0/8"])?;
/// // On Fly.io:
/// let fly = ClientIpConfig::default().trust_hops(1).header(ProxyHeader::FlyClientIp);
/// # Ok::<(), umami::ValidationError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientIpConfig {
    trust: Trust,
    header: ProxyHeader,
}

impl Default for ClientIpConfig {
    fn default() -> Self {
        ClientIpConfig {
            trust: Trust::None,
            header: ProxyHeader::XForwardedFor,
        }
    }
}

impl ClientIpConfig {
    /// Trust the proxy header from peers in these networks (CIDR strings), and skip addresses
    /// in them when walking a list header from the right.
    ///
    /// ```
    /// let config = umami::web::ClientIpConfig::default()
    ///     .trust_networks(["10.0.0.0/8", "fd00::/8", "192.0.2.1"])?;
    /// # Ok::<(), umami::ValidationError>(())
    /// ```
    ///
    /// # Errors
    /// A [`ValidationError`] on `trusted_proxies` naming the first string that is not a
    /// network.
    pub fn trust_networks<I, S>(mut self, networks: I) -> Result<Self, ValidationError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let nets = networks
            .into_iter()
            .map(|n| n.as_ref().parse())
            .collect::<Result<Vec<IpNet>, _>>()?;
        self.trust = Trust::Networks(nets);
        Ok(self)
    }

    /// Trust exactly `hops` proxies in front of the service, whatever the peer: the visitor
    /// is the `hops`-th address from the right of a list header (or the single header's
    /// address). Use it only when nothing but the proxies can reach the service. `0` trusts
    /// no header. The entries right of the visitor's are counted, not parsed; with more than
    /// [`MAX_PROXY_HOPS`] hops the visitor's entry is never reached and the peer is used.
    ///
    /// ```
    /// let config = umami::web::ClientIpConfig::default().trust_hops(2);
    /// ```
    pub fn trust_hops(mut self, hops: usize) -> Self {
        self.trust = if hops == 0 {
            Trust::None
        } else {
            Trust::Hops(hops)
        };
        self
    }

    /// The header the trusted proxies write; default [`ProxyHeader::XForwardedFor`].
    ///
    /// ```
    /// use umami::web::{ClientIpConfig, ProxyHeader};
    /// let config = ClientIpConfig::default().trust_hops(1).header(ProxyHeader::CfConnectingIp);
    /// ```
    pub fn header(mut self, header: ProxyHeader) -> Self {
        self.header = header;
        self
    }

    fn trusted(&self, ip: IpAddr) -> bool {
        match &self.trust {
            Trust::Networks(nets) => nets.iter().any(|n| n.contains(ip)),
            _ => false,
        }
    }

    /// The visitor's IP for a request from `peer` with these headers (see the type's docs).
    /// `None` only when there is no peer address and no trusted header.
    ///
    /// ```
    /// use umami::web::ClientIpConfig;
    ///
    /// let mut headers = http::HeaderMap::new();
    /// headers.insert("x-forwarded-for", "198.51.100.9, 10.0.0.2".parse()?);
    /// let peer = Some("10.0.0.1".parse()?);
    ///
    /// // Untrusted by default: the header is ignored.
    /// assert_eq!(ClientIpConfig::default().resolve(peer, &headers), peer);
    /// // From a trusted proxy: the right-most untrusted address.
    /// let trusted = ClientIpConfig::default().trust_networks(["10.0.0.0/8"])?;
    /// assert_eq!(trusted.resolve(peer, &headers), Some("198.51.100.9".parse()?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn resolve(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        let peer = peer.map(|p| p.to_canonical());
        let hops = match &self.trust {
            Trust::None => return peer,
            Trust::Networks(_) => {
                if !peer.is_some_and(|p| self.trusted(p)) {
                    return peer;
                }
                None
            }
            Trust::Hops(n) => Some(*n),
        };
        let name = self.header.name();
        let list = matches!(
            self.header,
            ProxyHeader::XForwardedFor | ProxyHeader::Forwarded
        );
        if !list {
            // A single-address header: exactly one line, one address.
            let mut values = headers.get_all(&name).iter();
            let (Some(value), None) = (values.next(), values.next()) else {
                return peer;
            };
            return value
                .to_str()
                .ok()
                .and_then(parse_node)
                .or(peer)
                .map(|ip| ip.to_canonical());
        }
        let forwarded = matches!(self.header, ProxyHeader::Forwarded);
        let ip_of = |element: &[u8]| {
            // Only the elements examined are parsed: a non-ASCII byte or garbage to the left
            // of the visitor's entry (where the visitor writes) is never looked at.
            let text = std::str::from_utf8(element).ok()?;
            let ip = if forwarded {
                forwarded_for(text)
            } else {
                parse_node(text)
            };
            ip.map(|ip| ip.to_canonical())
        };
        let mut elements = list_elements(headers, &name);
        // Non-empty elements seen, and the last trusted address (Networks).
        let mut seen = 0;
        let mut last_trusted = None;
        for element in elements.by_ref().take(MAX_PROXY_HOPS) {
            if element.trim_ascii().is_empty() {
                // RFC 7230 §7: empty list elements are ignored.
                continue;
            }
            seen += 1;
            match hops {
                // Written by the trusted proxies: skipped, not parsed.
                Some(n) if seen < n => {}
                Some(_) => return ip_of(element).or(peer),
                None => {
                    let Some(ip) = ip_of(element) else {
                        return peer;
                    };
                    if !self.trusted(ip) {
                        return Some(ip);
                    }
                    last_trusted = Some(ip);
                }
            }
        }
        if elements.next().is_some() {
            // MAX_PROXY_HOPS elements examined and the visitor's is not among them.
            return peer;
        }
        match hops {
            // Fewer entries than proxies: the header is not what the proxies write.
            Some(_) => peer,
            // Every hop is a trusted proxy: the left-most one is as far as we can see.
            None => last_trusted.or(peer),
        }
    }
}

/// The elements of a list header from the right: the last line's last element first, as if
/// the lines were one, joined with commas in order (RFC 7230 §3.2.2). Lazy: an element is
/// split off only when asked for, so the part of a long header left of the elements
/// examined is never scanned.
fn list_elements<'h>(
    headers: &'h HeaderMap,
    name: &HeaderName,
) -> impl Iterator<Item = &'h [u8]> + 'h {
    headers
        .get_all(name)
        .into_iter()
        .rev()
        .flat_map(|line| line.as_bytes().rsplit(|&b| b == b','))
}

/// The `for=` node of one `Forwarded` element, if it is an address (its port, if any, may
/// be obfuscated: RFC 7239 §6.3).
fn forwarded_for(element: &str) -> Option<IpAddr> {
    element.split(';').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        if key.trim().eq_ignore_ascii_case("for") {
            node(value, node_port)
        } else {
            None
        }
    })
}

/// One address as proxies write it: `1.2.3.4`, `1.2.3.4:80`, `2001:db8::1`,
/// `[2001:db8::1]`, `[2001:db8::1]:443`, optionally in double quotes. Zone ids, `unknown`
/// and obfuscated nodes are not addresses.
fn parse_node(text: &str) -> Option<IpAddr> {
    node(text, port)
}

/// [`parse_node`], with the ports `port_ok` accepts.
fn node(text: &str, port_ok: fn(&str) -> bool) -> Option<IpAddr> {
    let mut s = text.trim();
    if let Some(inner) = s.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        s = inner.trim();
    }
    // Longer than any address with a port: not worth parsing.
    if s.is_empty() || s.len() > 128 {
        return None;
    }
    if let Some(rest) = s.strip_prefix('[') {
        let (addr, after) = rest.split_once(']')?;
        if !(after.is_empty() || port_ok(after.strip_prefix(':')?)) {
            return None;
        }
        return addr.parse::<std::net::Ipv6Addr>().ok().map(IpAddr::V6);
    }
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(ip);
    }
    // `v4:port` (a bare IPv6 has more than one colon and was handled above).
    let (addr, p) = s.split_once(':')?;
    if port_ok(p) {
        addr.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
    } else {
        None
    }
}

/// `port = 1*5DIGIT`.
fn port(p: &str) -> bool {
    !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit())
}

/// RFC 7239 §6: `node-port = port / obfport`, `obfport = "_" 1*(ALPHA / DIGIT / "." / "_" /
/// "-")`. An obfuscated port hides the port, not the address: the address is still known.
fn node_port(p: &str) -> bool {
    let obfport = p.strip_prefix('_').is_some_and(|rest| {
        !rest.is_empty()
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    });
    obfport || port(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        h
    }

    #[test]
    fn nodes_parse_with_ports_brackets_and_quotes() {
        assert_eq!(parse_node(" 1.2.3.4 "), Some(ip("1.2.3.4")));
        assert_eq!(parse_node("1.2.3.4:8080"), Some(ip("1.2.3.4")));
        assert_eq!(parse_node("2001:db8::1"), Some(ip("2001:db8::1")));
        assert_eq!(parse_node("[2001:db8::1]:443"), Some(ip("2001:db8::1")));
        assert_eq!(parse_node("\"[2001:db8::1]\""), Some(ip("2001:db8::1")));
        for bad in [
            "",
            "unknown",
            "_hidden",
            "fe80::1%eth0",
            "[fe80::1%25eth0]:80",
            "1.2.3.4:",
            "1.2.3.4:99999999",
            "1.2.3.4:_p1",
            "[2001:db8::1]x",
            "999.1.1.1",
            "::ffff:1.2.3.4:80",
        ] {
            assert_eq!(parse_node(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn forwarded_nodes_may_have_obfuscated_ports() {
        let for_node = |value: &str| forwarded_for(&format!("for={value}"));
        assert_eq!(for_node("\"192.0.2.43:_p1\""), Some(ip("192.0.2.43")));
        assert_eq!(
            for_node("\"[2001:db8:cafe::17]:_x-1.y\""),
            Some(ip("2001:db8:cafe::17"))
        );
        assert_eq!(for_node("192.0.2.43:_A.b_c-9"), Some(ip("192.0.2.43")));
        assert_eq!(for_node("\"[2001:db8::1]:4711\""), Some(ip("2001:db8::1")));
        for bad in [
            // An obfport needs a character after `_`, and only ALPHA / DIGIT / . / _ / -.
            "\"192.0.2.43:_\"",
            "\"192.0.2.43:_p!\"",
            "\"192.0.2.43:_p 1\"",
            "\"[2001:db8::1]:_\"",
            "\"192.0.2.43:p1\"",
            // An obfuscated node hides the address itself.
            "_hidden",
            "\"_hidden:_p1\"",
            "unknown",
        ] {
            assert_eq!(for_node(bad), None, "{bad:?}");
        }
        // X-Forwarded-For has no obfuscated ports.
        assert_eq!(parse_node("192.0.2.43:_p1"), None);
    }

    #[test]
    fn cidr_contains_and_rejects_bad_networks() {
        let net: IpNet = "10.0.0.0/8".parse().unwrap();
        assert!(net.contains(ip("10.255.0.1")));
        assert!(net.contains(ip("::ffff:10.0.0.1")));
        assert!(!net.contains(ip("11.0.0.1")));
        let all: IpNet = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("8.8.8.8")));
        assert!(!all.contains(ip("::1")));
        let v6: IpNet = "2001:db8::/32".parse().unwrap();
        assert!(v6.contains(ip("2001:db8:1::1")));
        let err = "10.0.0.0/33".parse::<IpNet>().unwrap_err();
        assert_eq!(err.field(), "trusted_proxies");
        assert!(err.problem().contains("longer than 32 bits"), "{err}");
        assert!("nonsense".parse::<IpNet>().is_err());
    }

    #[test]
    fn ipv4_mapped_networks_are_their_ipv4_networks() {
        let net = |s: &str| s.parse::<IpNet>().unwrap();
        assert_eq!(net("::ffff:10.0.0.0/104"), net("10.0.0.0/8"));
        assert_eq!(net("::ffff:10.0.0.0/104").to_string(), "10.0.0.0/8");
        assert_eq!(net("::ffff:192.0.2.0/120"), net("192.0.2.0/24"));
        assert_eq!(net("::ffff:0:0/96"), net("0.0.0.0/0"));
        assert_eq!(net("::ffff:1.2.3.4/128"), net("1.2.3.4/32"));
        assert_eq!(net("::ffff:1.2.3.4"), net("1.2.3.4/32"));
        let mapped = net("::ffff:10.0.0.0/104");
        assert!(mapped.contains(ip("10.255.0.1")));
        assert!(mapped.contains(ip("::ffff:10.1.1.1")));
        assert!(!mapped.contains(ip("11.0.0.1")));
        assert!(
            !mapped.contains(ip("::a00:1")),
            "IPv4-compatible is not mapped"
        );
        assert_eq!(
            IpNet::new(ip("::ffff:10.0.0.0"), 104).unwrap(),
            net("10.0.0.0/8")
        );
    }

    #[test]
    fn ipv4_mapped_addresses_with_a_prefix_under_96_are_refused() {
        for text in ["::ffff:10.0.0.0/95", "::ffff:10.0.0.0/80", "::ffff:0:0/0"] {
            let err = text.parse::<IpNet>().unwrap_err();
            assert_eq!(err.field(), "trusted_proxies");
            assert!(err.problem().contains("shorter than 96 bits"), "{err}");
            assert!(err.problem().contains("IPv4-mapped"), "{err}");
        }
        let err = "::ffff:10.0.0.0/129".parse::<IpNet>().unwrap_err();
        assert!(err.problem().contains("longer than 128 bits"), "{err}");
        let err = ClientIpConfig::default()
            .trust_networks(["10.0.0.0/8", "::ffff:10.0.0.0/64"])
            .unwrap_err();
        assert!(err.problem().contains("::ffff:10.0.0.0"), "{err}");
        // Plain IPv6 networks are untouched.
        assert_eq!("::/80".parse::<IpNet>().unwrap().to_string(), "::/80");
    }

    #[test]
    fn hops_take_the_nth_entry_from_the_right() {
        let config = ClientIpConfig::default().trust_hops(2);
        let h = headers(&[
            ("x-forwarded-for", "6.6.6.6, 1.1.1.1"),
            ("x-forwarded-for", "10.0.0.9"),
        ]);
        assert_eq!(
            config.resolve(Some(ip("10.0.0.1")), &h),
            Some(ip("1.1.1.1"))
        );
        let short = headers(&[("x-forwarded-for", "1.1.1.1")]);
        assert_eq!(
            config.resolve(Some(ip("10.0.0.1")), &short),
            Some(ip("10.0.0.1"))
        );
    }

    #[test]
    fn forwarded_elements_are_read_from_the_right() {
        let config = ClientIpConfig::default()
            .trust_networks(["10.0.0.0/8"])
            .unwrap()
            .header(ProxyHeader::Forwarded);
        let h = headers(&[(
            "forwarded",
            "for=6.6.6.6, for=\"[2001:db8::7]:4711\";proto=https, For=10.0.0.3;by=10.0.0.1",
        )]);
        assert_eq!(
            config.resolve(Some(ip("10.0.0.1")), &h),
            Some(ip("2001:db8::7"))
        );
    }

    fn raw_headers(name: &str, lines: &[&[u8]]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for line in lines {
            h.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                http::HeaderValue::from_bytes(line).unwrap(),
            );
        }
        h
    }

    /// `n` entries a visitor may write: addresses (the trusted proxy's among them), garbage,
    /// `unknown`, a zone id, an unclosed bracket.
    fn visitor_prefix(n: usize) -> String {
        let kinds = [
            "6.6.6.6",
            "127.0.0.1",
            "garbage",
            "unknown",
            "fe80::1%eth0",
            "[::1",
        ];
        (0..n)
            .map(|i| kinds[i % kinds.len()])
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn loopback_trusted() -> ClientIpConfig {
        ClientIpConfig::default()
            .trust_networks(["127.0.0.1/32"])
            .unwrap()
    }

    #[test]
    fn whatever_the_visitor_prepends_the_right_most_untrusted_entry_wins() {
        let config = loopback_trusted();
        let peer = Some(ip("127.0.0.1"));
        for n in [1, 63, 64, 65, 100, 10_000] {
            let prefix = visitor_prefix(n);
            let one_line = format!("{prefix}, 1.2.3.4");
            let h = raw_headers("x-forwarded-for", &[one_line.as_bytes()]);
            assert_eq!(config.resolve(peer, &h), Some(ip("1.2.3.4")), "{n} entries");
            // The prefix on a header line of its own: the lines are one list.
            let h = raw_headers("x-forwarded-for", &[prefix.as_bytes(), b"1.2.3.4"]);
            assert_eq!(
                config.resolve(peer, &h),
                Some(ip("1.2.3.4")),
                "{n}, 2 lines"
            );
            // Then a trusted proxy's own entry: still the visitor's address.
            let h = raw_headers(
                "x-forwarded-for",
                &[prefix.as_bytes(), b"1.2.3.4, 127.0.0.1"],
            );
            assert_eq!(config.resolve(peer, &h), Some(ip("1.2.3.4")), "{n}, proxy");
        }
    }

    #[test]
    fn non_ascii_bytes_left_of_the_visitors_entry_are_never_read() {
        let config = loopback_trusted();
        let peer = Some(ip("127.0.0.1"));
        let cases: [&[&[u8]]; 4] = [
            &["\u{e9}, 1.2.3.4".as_bytes()],
            &["\u{e9}".as_bytes(), b"1.2.3.4"],
            &[b"\xff\xfe, 6.6.6.6", b"1.2.3.4, 127.0.0.1"],
            &["caf\u{e9}, 127.0.0.1, 1.2.3.4".as_bytes()],
        ];
        for lines in cases {
            let h = raw_headers("x-forwarded-for", lines);
            assert_eq!(config.resolve(peer, &h), Some(ip("1.2.3.4")), "{lines:?}");
        }
        let hops = ClientIpConfig::default().trust_hops(1);
        let h = raw_headers("x-forwarded-for", &["\u{e9}, 1.2.3.4".as_bytes()]);
        assert_eq!(hops.resolve(peer, &h), Some(ip("1.2.3.4")));
        // In an entry that is read, a non-ASCII byte is malformed: the peer.
        let h = raw_headers("x-forwarded-for", &["1.2.3.4\u{e9}".as_bytes()]);
        assert_eq!(config.resolve(peer, &h), peer);
    }

    #[test]
    fn at_most_max_proxy_hops_entries_are_examined() {
        let config = ClientIpConfig::default()
            .trust_networks(["127.0.0.0/8"])
            .unwrap();
        let peer = Some(ip("127.0.0.1"));
        let proxies = |n: usize| vec!["127.0.0.2"; n].join(", ");
        // The visitor's entry is the 64th from the right: found.
        let h = headers(&[(
            "x-forwarded-for",
            &format!("1.2.3.4, {}", proxies(MAX_PROXY_HOPS - 1)),
        )]);
        assert_eq!(config.resolve(peer, &h), Some(ip("1.2.3.4")));
        // The 65th: not looked for.
        let h = headers(&[(
            "x-forwarded-for",
            &format!("1.2.3.4, {}", proxies(MAX_PROXY_HOPS)),
        )]);
        assert_eq!(config.resolve(peer, &h), peer);
        // 64 trusted entries and nothing else: the left-most is as far as one can see.
        let h = headers(&[("x-forwarded-for", &proxies(MAX_PROXY_HOPS))]);
        assert_eq!(config.resolve(peer, &h), Some(ip("127.0.0.2")));
        // More hops than examined: the visitor's entry is never reached.
        let hops = ClientIpConfig::default().trust_hops(MAX_PROXY_HOPS + 1);
        let h = headers(&[(
            "x-forwarded-for",
            &format!("1.2.3.4, {}", proxies(MAX_PROXY_HOPS)),
        )]);
        assert_eq!(hops.resolve(peer, &h), peer);
    }

    #[test]
    fn hops_ignore_what_the_visitor_prepends() {
        let config = ClientIpConfig::default().trust_hops(2);
        let peer = Some(ip("10.0.0.1"));
        for n in [64, 100, 10_000] {
            let h = headers(&[(
                "x-forwarded-for",
                &format!("{}, 1.2.3.4, 10.0.0.9", visitor_prefix(n)),
            )]);
            assert_eq!(config.resolve(peer, &h), Some(ip("1.2.3.4")), "{n}");
        }
    }

    #[test]
    fn forwarded_ignores_what_the_visitor_prepends() {
        let config = loopback_trusted().header(ProxyHeader::Forwarded);
        let peer = Some(ip("127.0.0.1"));
        for n in [64, 100, 10_000] {
            let prefix = vec!["for=6.6.6.6;proto=http"; n].join(", ");
            let h = headers(&[("forwarded", &format!("{prefix}, for=1.2.3.4"))]);
            assert_eq!(config.resolve(peer, &h), Some(ip("1.2.3.4")), "{n}");
        }
        let h = raw_headers(
            "forwarded",
            &["for=\"\u{e9}\"".as_bytes(), b"for=\"[2001:db8::9]\""],
        );
        assert_eq!(config.resolve(peer, &h), Some(ip("2001:db8::9")));
    }

    #[test]
    fn empty_list_elements_and_lines_are_ignored() {
        let config = loopback_trusted();
        let peer = Some(ip("127.0.0.1"));
        let h = headers(&[("x-forwarded-for", "1.2.3.4, ,")]);
        assert_eq!(config.resolve(peer, &h), Some(ip("1.2.3.4")));
        let h = raw_headers("x-forwarded-for", &[b"1.2.3.4", b"", b" "]);
        assert_eq!(config.resolve(peer, &h), Some(ip("1.2.3.4")));
        let hops = ClientIpConfig::default().trust_hops(1);
        assert_eq!(hops.resolve(peer, &h), Some(ip("1.2.3.4")));
        // Nothing but empty elements: no entry, the peer.
        let h = headers(&[("x-forwarded-for", ",,,")]);
        assert_eq!(config.resolve(peer, &h), peer);
        assert_eq!(hops.resolve(peer, &h), peer);
    }

    #[test]
    fn single_headers_need_exactly_one_value() {
        let config = ClientIpConfig::default()
            .trust_hops(1)
            .header(ProxyHeader::CfConnectingIp);
        let h = headers(&[("cf-connecting-ip", "::ffff:198.51.100.1")]);
        assert_eq!(config.resolve(None, &h), Some(ip("198.51.100.1")));
        let twice = headers(&[
            ("cf-connecting-ip", "1.1.1.1"),
            ("cf-connecting-ip", "2.2.2.2"),
        ]);
        assert_eq!(
            config.resolve(Some(ip("10.0.0.1")), &twice),
            Some(ip("10.0.0.1"))
        );
    }
}

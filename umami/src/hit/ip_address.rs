//! The visitor's IP address as a hit carries it: [`IntoIpAddress`].

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

/// Values accepted by [`HitBuilder::ip_address`](crate::hit::HitBuilder::ip_address): IP address
/// types, socket addresses (their IP only: the port is not part of a visitor's identity) and
/// text (checked as an IPv4 or IPv6 address when the hit is validated).
///
/// ```
/// use std::net::SocketAddr;
/// use umami::hit::IntoIpAddress;
///
/// let peer: SocketAddr = "203.0.113.7:51234".parse().unwrap();
/// assert_eq!(peer.into_ip_address(), "203.0.113.7");
/// assert_eq!("::1".into_ip_address(), "::1");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as a visitor IP address",
    label = "expected an IP address, a socket address or a string, found `{Self}`",
    note = "pass an `IpAddr`, `Ipv4Addr`, `Ipv6Addr`, `SocketAddr` (its IP is sent) or a `&str`/`String`"
)]
pub trait IntoIpAddress {
    /// The address as sent in the payload's `ip`.
    fn into_ip_address(self) -> String;
}

impl IntoIpAddress for &str {
    fn into_ip_address(self) -> String {
        self.to_owned()
    }
}

impl IntoIpAddress for String {
    fn into_ip_address(self) -> String {
        self
    }
}

impl IntoIpAddress for &String {
    fn into_ip_address(self) -> String {
        self.clone()
    }
}

impl IntoIpAddress for IpAddr {
    fn into_ip_address(self) -> String {
        IpText::new(self).as_str().to_owned()
    }
}

/// An IP address as a payload's `ip` says it, written out without allocating (the web
/// layer does it per request). An IPv4 client seen through an IPv6 socket is the IPv4 client.
pub(crate) struct IpText {
    bytes: [u8; IpText::MAX],
    len: usize,
}

impl IpText {
    /// The longest text of an IPv6 address (`ffff:...:255.255.255.255`) is 45 bytes.
    const MAX: usize = 48;

    pub(crate) fn new(ip: IpAddr) -> IpText {
        use std::io::Write;
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
            v4 => v4,
        };
        let mut bytes = [0; IpText::MAX];
        let len = match ip {
            // Four numbers by hand: `Display` costs more than the rest of a page view's IP.
            IpAddr::V4(v4) => {
                let mut len = 0;
                for (i, octet) in v4.octets().into_iter().enumerate() {
                    if i > 0 {
                        bytes[len] = b'.';
                        len += 1;
                    }
                    let digits = [octet / 100, octet / 10 % 10, octet % 10];
                    let skip = match octet {
                        100.. => 0,
                        10.. => 1,
                        _ => 2,
                    };
                    for digit in &digits[skip..] {
                        bytes[len] = b'0' + digit;
                        len += 1;
                    }
                }
                len
            }
            IpAddr::V6(_) => {
                let mut rest = &mut bytes[..];
                // Cannot fail: every address fits.
                let _ = write!(rest, "{ip}");
                IpText::MAX - rest.len()
            }
        };
        IpText { bytes, len }
    }

    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }
}

impl IntoIpAddress for Ipv4Addr {
    fn into_ip_address(self) -> String {
        self.to_string()
    }
}

impl IntoIpAddress for Ipv6Addr {
    fn into_ip_address(self) -> String {
        IpAddr::V6(self).into_ip_address()
    }
}

impl IntoIpAddress for SocketAddr {
    fn into_ip_address(self) -> String {
        self.ip().into_ip_address()
    }
}

impl IntoIpAddress for SocketAddrV4 {
    fn into_ip_address(self) -> String {
        self.ip().to_string()
    }
}

impl IntoIpAddress for SocketAddrV6 {
    fn into_ip_address(self) -> String {
        self.ip().into_ip_address()
    }
}

macro_rules! by_reference {
    ($($t:ty)*) => {$(
        impl IntoIpAddress for &$t {
            fn into_ip_address(self) -> String {
                (*self).into_ip_address()
            }
        }
    )*};
}
by_reference!(IpAddr Ipv4Addr Ipv6Addr SocketAddr SocketAddrV4 SocketAddrV6);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socket_addresses_send_their_ip_only() {
        let v4: SocketAddr = "198.51.100.4:443".parse().unwrap();
        let v6: SocketAddr = "[2001:db8::1]:8080".parse().unwrap();
        assert_eq!(v4.into_ip_address(), "198.51.100.4");
        assert_eq!(v6.into_ip_address(), "2001:db8::1");
        assert_eq!((&v4).into_ip_address(), "198.51.100.4");
    }

    #[test]
    fn ipv4_mapped_ipv6_is_the_ipv4_address() {
        let mapped: IpAddr = "::ffff:203.0.113.9".parse().unwrap();
        assert_eq!(mapped.into_ip_address(), "203.0.113.9");
        let mapped: SocketAddr = "[::ffff:203.0.113.9]:1".parse().unwrap();
        assert_eq!(mapped.into_ip_address(), "203.0.113.9");
    }

    #[test]
    fn text_is_kept_as_given() {
        assert_eq!(" 10.0.0.1 ".into_ip_address(), " 10.0.0.1 ");
        assert_eq!(String::from("::1").into_ip_address(), "::1");
    }

    #[test]
    fn ip_text_writes_what_display_writes() {
        let mut samples: Vec<IpAddr> = ["0.0.0.0", "255.255.255.255", "10.0.0.1", "1.20.100.9"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        samples.extend((0..=255u8).map(|o| IpAddr::V4(Ipv4Addr::new(o, 255 - o, o / 3, 7))));
        samples.push("2001:db8::5".parse().unwrap());
        samples.push("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff".parse().unwrap());
        for ip in samples {
            assert_eq!(IpText::new(ip).as_str(), ip.to_string());
        }
        let mapped: IpAddr = "::ffff:198.51.100.4".parse().unwrap();
        assert_eq!(IpText::new(mapped).as_str(), "198.51.100.4");
    }
}

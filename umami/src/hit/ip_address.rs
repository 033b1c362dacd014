//! The visitor's IP address as a hit carries it: [`IntoIpAddress`].

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

/// Values accepted by [`HitBuilder::ip_address`](crate::HitBuilder::ip_address): IP address
/// types, socket addresses (their IP only: the port is not part of a visitor's identity) and
/// text (checked as an IPv4 or IPv6 address when the hit is validated).
///
/// ```
/// use std::net::SocketAddr;
/// use umami::IntoIpAddress;
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
        // An IPv4 client seen through an IPv6 socket is the IPv4 client.
        match self {
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => v4.to_string(),
                None => v6.to_string(),
            },
            IpAddr::V4(v4) => v4.to_string(),
        }
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
}

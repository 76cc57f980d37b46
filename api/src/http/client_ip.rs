//! The client's address, for per-client budgets: the peer of the TCP
//! connection, unless that peer is one of `trusted_proxies`, in which case
//! the address it reports in `client_ip_header` is believed. A header from
//! anyone else is ignored, so a client cannot pick its own budget by
//! sending `X-Forwarded-For`.
//!
//! In a list header (`X-Forwarded-For: client, proxy1, proxy2`) each proxy
//! appends the address it received from, so the client is the rightmost
//! entry that is not itself a trusted proxy. `Forwarded` (RFC 7239) is read
//! the same way through its `for=` parameters.

use std::{
    net::{IpAddr, SocketAddr},
    sync::Arc,
};

use axum::{
    extract::{ConnectInfo, Request, State},
    http::HeaderMap,
    middleware::Next,
    response::Response,
};
use ipnet::IpNet;

use crate::config::Config;

/// The address a request is charged to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// Resolves the client address from the peer and the headers.
///
/// Entries are read from the right (the one the trusted proxy appended)
/// and trusted proxies skipped; the first other entry is the client. If
/// that entry is not an address (`unknown`, garbage), nothing to its left
/// is believed either: the request is charged to the peer. Addresses are
/// compared in canonical form, so an IPv4 proxy seen by a dual-stack
/// listener as `::ffff:10.0.0.5` still matches `10.0.0.0/8`.
pub fn resolve(peer: IpAddr, headers: &HeaderMap, header: &str, trusted: &[IpNet]) -> IpAddr {
    let peer = peer.to_canonical();
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if header.is_empty() || !is_trusted(&peer) {
        return peer;
    }
    let forwarded = header.eq_ignore_ascii_case("forwarded");
    // Header bytes that are not UTF-8 are kept (lossily) as entries of their
    // own, so they cannot make the whole header vanish.
    let values: Vec<String> = headers
        .get_all(header)
        .iter()
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
        .collect();
    let entries: Vec<Option<IpAddr>> = values
        .iter()
        .flat_map(|value| value.split(','))
        .map(|entry| {
            if forwarded {
                entry.split(';').find_map(|pair| {
                    let (key, value) = pair.trim().split_once('=')?;
                    key.trim()
                        .eq_ignore_ascii_case("for")
                        .then(|| parse_address(value))
                        .flatten()
                })
            } else {
                parse_address(entry)
            }
            .map(|ip| ip.to_canonical())
        })
        .collect();
    let mut leftmost = None;
    for entry in entries.iter().rev() {
        match entry {
            Some(ip) if is_trusted(ip) => leftmost = Some(*ip),
            Some(ip) => return *ip,
            None => return peer,
        }
    }
    // Every hop is a trusted proxy: the request started inside.
    leftmost.unwrap_or(peer)
}

/// An address as proxies write it: `192.0.2.1`, `192.0.2.1:443`,
/// `[2001:db8::1]:443`, `"[2001:db8::1]"`.
fn parse_address(text: &str) -> Option<IpAddr> {
    let text = text.trim().trim_matches('"');
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Some(addr.ip());
    }
    text.strip_prefix('[')
        .and_then(|rest| rest.split(']').next())
        .and_then(|inner| inner.parse().ok())
}

/// Puts the [`ClientIp`] into the request's extensions for the handlers.
pub async fn client_ip(
    State(config): State<Arc<Config>>,
    mut req: Request,
    next: Next,
) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([127, 0, 0, 1]), |info| info.0.ip());
    let ip = resolve(
        peer,
        req.headers(),
        &config.client_ip_header,
        &config.trusted_proxies,
    );
    req.extensions_mut().insert(ClientIp(ip));
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }

    fn headers(name: &'static str, value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.append(name, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn headers_from_untrusted_peers_are_ignored() {
        let h = headers("x-forwarded-for", "198.51.100.9");
        assert_eq!(
            resolve(ip("203.0.113.5"), &h, "x-forwarded-for", &[]),
            ip("203.0.113.5")
        );
        let proxies = ["10.0.0.0/8".parse().unwrap_or_else(|_| unreachable!())];
        assert_eq!(
            resolve(ip("203.0.113.5"), &h, "x-forwarded-for", &proxies),
            ip("203.0.113.5")
        );
    }

    #[test]
    fn a_trusted_proxy_is_believed_and_spoofed_entries_skipped() {
        let proxies: Vec<IpNet> = vec![
            "10.0.0.0/8".parse().unwrap_or_else(|_| unreachable!()),
            "2001:db8::/32".parse().unwrap_or_else(|_| unreachable!()),
        ];
        // The client wrote a fake first entry; the proxy appended the real one.
        let h = headers("x-forwarded-for", "1.2.3.4, 198.51.100.9, 10.0.0.2");
        assert_eq!(
            resolve(ip("10.0.0.1"), &h, "x-forwarded-for", &proxies),
            ip("198.51.100.9")
        );
        let h = headers("x-real-ip", "198.51.100.10");
        assert_eq!(
            resolve(ip("10.0.0.1"), &h, "x-real-ip", &proxies),
            ip("198.51.100.10")
        );
        let h = headers(
            "forwarded",
            "for=192.0.2.60;proto=http, for=\"[2001:db8::7]:80\"",
        );
        assert_eq!(
            resolve(ip("10.0.0.1"), &h, "Forwarded", &proxies),
            ip("192.0.2.60")
        );
        // No usable header: the proxy itself.
        let h = headers("x-forwarded-for", "garbage");
        assert_eq!(
            resolve(ip("10.0.0.1"), &h, "x-forwarded-for", &proxies),
            ip("10.0.0.1")
        );
        // `unknown` written by the proxy: the client-written entry to its
        // left is not believed.
        let h = headers("x-forwarded-for", "198.51.100.77, unknown");
        assert_eq!(
            resolve(ip("10.0.0.1"), &h, "x-forwarded-for", &proxies),
            ip("10.0.0.1")
        );
        // A dual-stack listener sees the IPv4 proxy as ::ffff:10.0.0.1.
        let h = headers("x-forwarded-for", "198.51.100.9");
        assert_eq!(
            resolve(ip("::ffff:10.0.0.1"), &h, "x-forwarded-for", &proxies),
            ip("198.51.100.9")
        );
        // Bytes that are not UTF-8 do not hide the entry the proxy appended.
        let mut h = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_bytes(b"\xff\xfe, 198.51.100.8") {
            h.append("x-forwarded-for", value);
        }
        assert_eq!(
            resolve(ip("10.0.0.1"), &h, "x-forwarded-for", &proxies),
            ip("198.51.100.8")
        );
    }

    const PIECES: &[&str] = &[
        "198.51.100.1",
        "10.0.0.2",
        "unknown",
        "[2001:db8::1]:80",
        "for=1.2.3.4",
        "\u{fffd}",
        "",
        " ",
        ";",
        "=",
        "::ffff:10.0.0.3",
    ];

    proptest::proptest! {
        /// Whatever the header says, the answer is the peer or an address
        /// written in it, and never a trusted proxy while a client address
        /// was appended after it.
        #[test]
        fn any_header_resolves_to_the_peer_or_one_of_its_entries(
            pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..8)
        ) {
            let text = pieces.join(",");
            let proxies: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap_or_else(|_| unreachable!())];
            let mut h = HeaderMap::new();
            if let Ok(value) = HeaderValue::from_str(&text) {
                h.append("x-forwarded-for", value);
            }
            let got = resolve(ip("10.0.0.1"), &h, "x-forwarded-for", &proxies);
            let written = [ip("198.51.100.1"), ip("10.0.0.2"), ip("2001:db8::1"), ip("10.0.0.3")];
            proptest::prop_assert!(got == ip("10.0.0.1") || written.contains(&got), "{got}");
            if pieces.last() == Some(&"198.51.100.1") {
                proptest::prop_assert_eq!(got, ip("198.51.100.1"));
            }
        }
    }
}

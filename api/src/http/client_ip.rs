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

use std::net::{IpAddr, SocketAddr};

use axum::{
    extract::{ConnectInfo, Request, State},
    http::HeaderMap,
    middleware::Next,
    response::Response,
};
use ipnet::IpNet;

use super::AppState;

/// The address a request is charged to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// Resolves the client address from the peer and the headers.
pub fn resolve(peer: IpAddr, headers: &HeaderMap, header: &str, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if header.is_empty() || !is_trusted(&peer) {
        return peer;
    }
    let forwarded = header.eq_ignore_ascii_case("forwarded");
    let mut chain: Vec<IpAddr> = headers
        .get_all(header)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|entry| {
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
        })
        .collect();
    chain.reverse();
    let last = chain.last().copied();
    chain
        .into_iter()
        .find(|ip| !is_trusted(ip))
        .or(last)
        .unwrap_or(peer)
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
pub async fn client_ip(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([127, 0, 0, 1]), |info| info.0.ip());
    let ip = resolve(
        peer,
        req.headers(),
        &state.config.client_ip_header,
        &state.config.trusted_proxies,
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
    }
}

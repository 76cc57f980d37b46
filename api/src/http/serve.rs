//! The accept loop, written out rather than `axum::serve`, which sets no
//! timer (so hyper's header-read timeout never fires) and accepts any
//! number of connections: a client trickling one header byte every few
//! seconds, from thousands of sockets, would hold the server's file
//! descriptors until `accept` fails for everyone.
//!
//! Here every connection gets hyper's `header_read_timeout`
//! (`header_timeout_seconds`, also between requests on a kept-alive
//! connection), the node holds at most `max_connections` connections and
//! one client address at most `max_connections_per_ip` (IPv6 by /64;
//! trusted proxies are exempt), and over either cap a new connection is
//! closed at once. Slow request bodies are timed out by the router
//! (`body_idle_timeout_seconds`, answered 408). On shutdown the listener
//! closes, in-flight requests finish (for up to [`SHUTDOWN_GRACE`]).

use std::{
    collections::HashMap,
    future::Future,
    net::{IpAddr, SocketAddr},
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use axum::{Router, extract::ConnectInfo};
use hyper_util::{
    rt::{TokioExecutor, TokioIo, TokioTimer},
    server::{conn::auto, graceful::GracefulShutdown},
    service::TowerToHyperService,
};
use ipnet::IpNet;
use tokio::net::TcpListener;
use tower::ServiceExt;

use crate::{config::Config, ratelimit::ClientKey};

/// How long in-flight requests may take to finish once shutdown began.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// Open connections, in all and per client address.
struct Slots {
    max_total: usize,
    max_per_ip: usize,
    trusted: Vec<IpNet>,
    open: Mutex<(usize, HashMap<ClientKey, usize>)>,
}

/// One taken slot; gives it back when dropped (the connection ended).
struct Slot {
    slots: Arc<Slots>,
    key: Option<ClientKey>,
}

impl Slots {
    /// A slot for a connection from `peer`, or `None` over a cap.
    fn take(self: &Arc<Self>, peer: IpAddr) -> Option<Slot> {
        let peer = peer.to_canonical();
        let exempt = self.trusted.iter().any(|net| net.contains(&peer));
        let key = (!exempt).then(|| ClientKey::ip(peer));
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        if open.0 >= self.max_total {
            return None;
        }
        if let Some(key) = key {
            let count = open.1.entry(key).or_insert(0);
            if *count >= self.max_per_ip {
                return None;
            }
            *count += 1;
        }
        open.0 += 1;
        Some(Slot {
            slots: Arc::clone(self),
            key,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self
            .slots
            .open
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        open.0 = open.0.saturating_sub(1);
        if let Some(key) = self.key
            && let Some(count) = open.1.get_mut(&key)
        {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.1.remove(&key);
            }
        }
    }
}

/// Serves `router` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    config: &Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(config.header_timeout_seconds));
    builder.http2().timer(TokioTimer::new());
    let slots = Arc::new(Slots {
        max_total: config.max_connections,
        max_per_ip: config.max_connections_per_ip,
        trusted: config.trusted_proxies.clone(),
        open: Mutex::new((0, HashMap::new())),
    });
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors and the like: wait, do not spin.
                    tracing::warn!(%err, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some(slot) = slots.take(peer.ip()) else {
            tracing::debug!(%peer, "connection refused: over the connection limit");
            continue;
        };
        let _ = stream.set_nodelay(true);
        let service = router.clone().map_request(
            move |mut request: axum::extract::Request<hyper::body::Incoming>| {
                request
                    .extensions_mut()
                    .insert(ConnectInfo::<SocketAddr>(peer));
                request
            },
        );
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(service))
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!(%peer, err = %err, "connection ended with an error");
            }
            drop(slot);
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("some connections were still open when the grace period ended");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slots(total: usize, per_ip: usize, trusted: &[&str]) -> Arc<Slots> {
        Arc::new(Slots {
            max_total: total,
            max_per_ip: per_ip,
            trusted: trusted.iter().filter_map(|t| t.parse().ok()).collect(),
            open: Mutex::new((0, HashMap::new())),
        })
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }

    #[test]
    fn each_address_and_the_node_have_a_cap() {
        let slots = slots(3, 2, &["10.0.0.0/8"]);
        let a1 = slots.take(ip("203.0.113.1"));
        let a2 = slots.take(ip("203.0.113.1"));
        assert!(a1.is_some() && a2.is_some());
        assert!(slots.take(ip("203.0.113.1")).is_none(), "per address");
        // The same client over IPv4-mapped IPv6 is the same client.
        assert!(slots.take(ip("::ffff:203.0.113.1")).is_none());
        let b = slots.take(ip("203.0.113.2"));
        assert!(b.is_some());
        assert!(slots.take(ip("10.0.0.1")).is_none(), "in all");
        drop(a1);
        assert!(slots.take(ip("203.0.113.1")).is_some(), "given back");
    }

    #[test]
    fn trusted_proxies_are_exempt_from_the_per_address_cap() {
        let slots = slots(100, 1, &["10.0.0.0/8"]);
        let held: Vec<_> = (0..5).filter_map(|_| slots.take(ip("10.0.0.1"))).collect();
        assert_eq!(held.len(), 5);
        let v6 = slots.take(ip("2001:db8::1"));
        assert!(v6.is_some());
        assert!(slots.take(ip("2001:db8::2")).is_none(), "same /64");
    }
}

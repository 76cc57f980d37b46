//! Request bodies, bounded: every body is capped at its route's limit
//! (`max_body_bytes`, plus `max_upload_bytes` for a multipart upload), a
//! declared `Content-Length` over it is refused at once, and a chunked body
//! that grows past it fails to read. Either way the client gets a 413 with
//! the JSON error body.
//!
//! Getting that answer to a client that is still sending takes care: when
//! a server closes a connection with unread bytes in its receive buffer,
//! the kernel resets it, and the client (if it reads the response only
//! after sending, as most do) sees "connection reset" instead of the 413.
//! So a body the handler did not read to its end is drained in the
//! background, for up to [`DRAIN_FOR`] (and [`DRAIN_AT_MOST`] bytes), while
//! the response goes out with
//! `Connection: close`; then hyper closes the connection cleanly. A client
//! that asked `Expect: 100-continue` and was never told to continue sent no
//! body, and is not waited for.

use std::{
    pin::Pin,
    sync::Arc,
    task::{Context, Poll, ready},
    time::Duration,
};

use axum::{
    body::{Body, Bytes},
    extract::State,
    http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use futures::StreamExt;
use http_body::{Frame, SizeHint};

use super::{error::HttpError, negotiate::boundary};
use crate::{config::Config, error_code::ErrorCode};

/// How long an unread request body is drained after the response.
pub const DRAIN_FOR: Duration = Duration::from_secs(30);
/// How much of an unread request body is drained at most.
pub const DRAIN_AT_MOST: u64 = 256 * 1024 * 1024;

/// The body was longer than its limit.
#[derive(Debug, thiserror::Error)]
#[error("the request body is longer than {limit} bytes")]
pub struct BodyTooLarge {
    /// The limit, in bytes.
    pub limit: u64,
}

/// A request body that fails past `limit` bytes and is drained, not
/// dropped, when the handler leaves it unread.
pub struct CappedBody {
    inner: Option<Body>,
    limit: u64,
    read: u64,
    finished: bool,
    polled: bool,
    expects_continue: bool,
}

impl CappedBody {
    fn new(inner: Body, limit: u64, expects_continue: bool) -> Self {
        Self {
            inner: Some(inner),
            limit,
            read: 0,
            finished: false,
            polled: false,
            expects_continue,
        }
    }
}

impl http_body::Body for CappedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = &mut *self;
        this.polled = true;
        let Some(inner) = this.inner.as_mut() else {
            return Poll::Ready(None);
        };
        if this.read > this.limit {
            return Poll::Ready(Some(Err(axum::Error::new(BodyTooLarge {
                limit: this.limit,
            }))));
        }
        match ready!(Pin::new(inner).poll_frame(cx)) {
            Some(Ok(frame)) => {
                if let Some(data) = frame.data_ref() {
                    this.read = this.read.saturating_add(data.len() as u64);
                    if this.read > this.limit {
                        return Poll::Ready(Some(Err(axum::Error::new(BodyTooLarge {
                            limit: this.limit,
                        }))));
                    }
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Some(Err(err)) => Poll::Ready(Some(Err(err))),
            None => {
                this.finished = true;
                Poll::Ready(None)
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.finished
            || self
                .inner
                .as_ref()
                .is_none_or(http_body::Body::is_end_stream)
    }

    fn size_hint(&self) -> SizeHint {
        self.inner
            .as_ref()
            .map_or_else(|| SizeHint::with_exact(0), http_body::Body::size_hint)
    }
}

impl Drop for CappedBody {
    fn drop(&mut self) {
        let Some(inner) = self.inner.take() else {
            return;
        };
        if self.finished
            || http_body::Body::is_end_stream(&inner)
            || (self.expects_continue && !self.polled)
        {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(drain(inner));
        }
    }
}

/// Reads and discards what the client still sends, for up to
/// [`DRAIN_FOR`] and [`DRAIN_AT_MOST`] bytes; past either the connection
/// is closed.
async fn drain(body: Body) {
    let mut stream = body.into_data_stream();
    let _ = tokio::time::timeout(DRAIN_FOR, async {
        let mut drained = 0u64;
        while let Some(Ok(chunk)) = stream.next().await {
            drained = drained.saturating_add(chunk.len() as u64);
            if drained > DRAIN_AT_MOST {
                return;
            }
        }
    })
    .await;
}

/// The most bytes a request body may have: `max_body_bytes`, plus
/// `max_upload_bytes` for a multipart upload to `/graphql`.
pub fn limit_for(config: &Config, method: &Method, uri: &Uri, headers: &HeaderMap) -> u64 {
    let base = config.max_body_bytes as u64;
    if method == Method::POST && uri.path() == "/graphql" && boundary(headers).is_some() {
        base.saturating_add(config.max_upload_bytes as u64)
    } else {
        base
    }
}

/// Caps every request body; refuses a declared length over the cap at
/// once.
pub async fn limit_body(
    State(config): State<Arc<Config>>,
    req: axum::extract::Request,
    next: Next,
) -> Response {
    let limit = limit_for(&config, req.method(), req.uri(), req.headers());
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let expects_continue = req
        .headers()
        .get(header::EXPECT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"));
    let req = req.map(|body| Body::new(CappedBody::new(body, limit, expects_continue)));
    if declared.is_some_and(|len| len > limit) {
        // Dropping `req` here drains its body (see the module docs).
        return too_large(limit);
    }
    let response = next.run(req).await;
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE {
        closing(response)
    } else {
        response
    }
}

/// The 413 answer.
pub fn too_large(limit: u64) -> Response {
    closing(
        HttpError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::PayloadTooLarge,
            format!("the request body is larger than {limit} bytes"),
        )
        .into_response(),
    )
}

/// `response` with `Connection: close`: the rest of the request is not
/// worth keeping the connection for.
fn closing(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// Whether `err` (or what caused it) is a body over its limit.
pub fn is_too_large(err: &(dyn std::error::Error + 'static)) -> bool {
    caused_by::<BodyTooLarge>(err)
}

/// Whether `err` (or what caused it) is a body that stopped arriving.
pub fn is_timed_out(err: &(dyn std::error::Error + 'static)) -> bool {
    caused_by::<tower_http::timeout::TimeoutError>(err)
}

fn caused_by<E: std::error::Error + 'static>(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(err);
    while let Some(e) = current {
        if e.is::<E>() {
            return true;
        }
        current = e.source();
    }
    false
}

/// The 408 answer.
pub fn timed_out(seconds: u64) -> Response {
    closing(
        HttpError::new(
            StatusCode::REQUEST_TIMEOUT,
            ErrorCode::RequestTimeout,
            format!("the request body sent nothing for {seconds} s"),
        )
        .into_response(),
    )
}

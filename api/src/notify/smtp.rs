//! SMTP connections of our own, so that a connection carries hundreds of
//! alerts a second instead of twenty.
//!
//! lettre 0.11 writes a message's body and its `\r\n.\r\n` terminator as two
//! writes on a socket without `TCP_NODELAY`: Nagle's algorithm holds the
//! five-byte terminator until the server acknowledges the body, and the
//! server delays that ACK by up to 40 ms. lettre still speaks the protocol
//! here (greeting, EHLO, STARTTLS, AUTH, MAIL/RCPT/DATA); this module only
//! opens the TCP stream itself, with `TCP_NODELAY`, and keeps a small pool
//! of ready connections (`smtp_pool_size`, idle ones closed after a minute).

use std::{
    io,
    net::SocketAddr,
    pin::Pin,
    sync::Mutex,
    task::{Context, Poll},
    time::{Duration, Instant},
};

use lettre::{
    Message,
    transport::smtp::{
        authentication::{Credentials, Mechanism},
        client::{AsyncSmtpConnection, AsyncTokioStream, TlsParameters},
        extension::ClientId,
    },
};
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::TcpStream,
    sync::Semaphore,
};
use tokio_util::compat::{Compat, FuturesAsyncReadCompatExt};

use super::transport::SendError;

/// How long a connection may wait in the pool before it is closed.
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// How the connection is encrypted.
#[derive(Clone)]
pub enum Encryption {
    /// Plain text (a local relay).
    None,
    /// STARTTLS, required.
    Starttls(TlsParameters),
    /// TLS from the first byte (SMTPS).
    Implicit(TlsParameters),
}

/// Where and how to connect (no `Debug`: it holds the password).
#[derive(Clone)]
pub struct SmtpServer {
    /// Host name or address.
    pub host: String,
    /// Port.
    pub port: u16,
    /// Encryption.
    pub encryption: Encryption,
    /// Credentials for AUTH PLAIN/LOGIN, if any.
    pub credentials: Option<Credentials>,
    /// Timeout of the connection attempt and of each exchange.
    pub timeout: Duration,
    /// `TCP_NODELAY` on the socket (on unless measuring what it buys).
    pub nodelay: bool,
}

/// A pool of SMTP connections to one server.
pub struct SmtpPool {
    server: SmtpServer,
    hello: ClientId,
    idle: Mutex<Vec<(AsyncSmtpConnection, Instant)>>,
    slots: Semaphore,
}

impl std::fmt::Debug for SmtpPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpPool")
            .field("host", &self.server.host)
            .field("port", &self.server.port)
            .finish_non_exhaustive()
    }
}

impl SmtpPool {
    /// A pool of at most `size` connections.
    pub fn new(server: SmtpServer, size: u32) -> Self {
        Self {
            server,
            hello: ClientId::default(),
            idle: Mutex::new(Vec::new()),
            slots: Semaphore::new(usize::try_from(size.max(1)).unwrap_or(1)),
        }
    }

    /// Sends one message on a pooled connection, or a new one. A pooled
    /// connection the server has closed meanwhile is replaced once.
    pub async fn send(&self, message: &Message) -> Result<(), SendError> {
        let Ok(_slot) = self.slots.acquire().await else {
            return Err(SendError::Transient("the SMTP pool is closed".into()));
        };
        let envelope = message.envelope();
        let bytes = message.formatted();
        if let Some(mut connection) = self.take_idle() {
            match self.timed(connection.send(envelope, &bytes)).await {
                Ok(()) => {
                    self.put_back(connection);
                    return Ok(());
                }
                // The server answered: the answer stands.
                Err(Refusal::Answered(err)) => return Err(err),
                // The connection went stale: try a fresh one below.
                Err(Refusal::Broken(_)) => {}
            }
        }
        let mut connection = self.connect().await?;
        match self.timed(connection.send(envelope, &bytes)).await {
            Ok(()) => {
                self.put_back(connection);
                Ok(())
            }
            Err(Refusal::Answered(err) | Refusal::Broken(err)) => Err(err),
        }
    }

    async fn timed<T>(
        &self,
        exchange: impl Future<Output = Result<T, lettre::transport::smtp::Error>>,
    ) -> Result<(), Refusal> {
        match tokio::time::timeout(self.server.timeout, exchange).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(err)) if err.is_permanent() || err.is_transient() => {
                Err(Refusal::Answered(classify(&err)))
            }
            Ok(Err(err)) => Err(Refusal::Broken(classify(&err))),
            Err(_) => Err(Refusal::Broken(SendError::Transient(
                "the SMTP server did not answer in time".into(),
            ))),
        }
    }

    fn take_idle(&self) -> Option<AsyncSmtpConnection> {
        let mut idle = self
            .idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        idle.retain(|(_, since)| since.elapsed() < IDLE_TIMEOUT);
        idle.pop().map(|(connection, _)| connection)
    }

    fn put_back(&self, connection: AsyncSmtpConnection) {
        if !connection.has_broken() {
            self.idle
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push((connection, Instant::now()));
        }
    }

    /// A new connection: TCP with `TCP_NODELAY`, then the greeting, EHLO,
    /// TLS as configured and AUTH, all by lettre.
    async fn connect(&self) -> Result<AsyncSmtpConnection, SendError> {
        let server = &self.server;
        let attempt = async {
            let tcp = TcpStream::connect((server.host.as_str(), server.port))
                .await
                .map_err(|err| {
                    SendError::Transient(format!(
                        "connecting to {}:{}: {err}",
                        server.host, server.port
                    ))
                })?;
            tcp.set_nodelay(server.nodelay)
                .map_err(|err| SendError::Transient(format!("TCP_NODELAY: {err}")))?;
            let stream: Box<dyn AsyncTokioStream> = match &server.encryption {
                Encryption::Implicit(tls) => Box::new(implicit_tls(tcp, tls.clone()).await?),
                Encryption::None | Encryption::Starttls(_) => Box::new(tcp),
            };
            let mut connection = AsyncSmtpConnection::connect_with_transport(stream, &self.hello)
                .await
                .map_err(|err| classify(&err))?;
            if let Encryption::Starttls(tls) = &server.encryption {
                connection
                    .starttls(tls.clone(), &self.hello)
                    .await
                    .map_err(|err| classify(&err))?;
            }
            if let Some(credentials) = &server.credentials {
                connection
                    .auth(&[Mechanism::Plain, Mechanism::Login], credentials)
                    .await
                    .map_err(|err| classify(&err))?;
            }
            Ok(connection)
        };
        tokio::time::timeout(server.timeout, attempt)
            .await
            .unwrap_or_else(|_| {
                Err(SendError::Transient(format!(
                    "connecting to {}:{} timed out",
                    server.host, server.port
                )))
            })
    }
}

/// Why a send on a connection did not succeed.
enum Refusal {
    /// The server answered with a 4xx or 5xx.
    Answered(SendError),
    /// The connection failed (closed, reset, timed out).
    Broken(SendError),
}

/// A 5xx or a message lettre cannot send is permanent; the rest (4xx,
/// network trouble, timeouts) is worth another try.
fn classify(err: &lettre::transport::smtp::Error) -> SendError {
    let text = err.to_string();
    if err.is_permanent() || err.is_client() {
        SendError::Permanent(text)
    } else {
        SendError::Transient(text)
    }
}

/// TLS from the first byte, by lettre's own TLS set-up (so certificates
/// are checked exactly as for STARTTLS), on our `TCP_NODELAY` socket.
#[allow(
    deprecated,
    reason = "lettre's only way to wrap a stream of ours in its TLS"
)]
async fn implicit_tls(tcp: TcpStream, tls: TlsParameters) -> Result<TlsStream, SendError> {
    use lettre::transport::smtp::client::AsyncNetworkStream;
    let peer = tcp.peer_addr().ok();
    let mut stream = AsyncNetworkStream::use_existing_tokio1(Box::new(tcp));
    stream
        .upgrade_tls(tls)
        .await
        .map_err(|err| classify(&err))?;
    Ok(TlsStream {
        inner: stream.compat(),
        peer,
    })
}

/// lettre's TLS stream, seen as the tokio stream lettre takes.
#[allow(deprecated, reason = "see implicit_tls")]
#[derive(Debug)]
struct TlsStream {
    inner: Compat<lettre::transport::smtp::client::AsyncNetworkStream>,
    peer: Option<SocketAddr>,
}

impl AsyncTokioStream for TlsStream {
    fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.peer
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotConnected, "no peer address"))
    }
}

impl AsyncRead for TlsStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for TlsStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

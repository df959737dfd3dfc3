//! [`serve_tls`]: HTTPS with optional client certificates (mTLS), on rustls with `ring`
//! (feature `tls`).
//!
//! - [`TlsConfig`] holds the rustls `ServerConfig` behind a lock; [`TlsConfig::reload`]
//!   swaps it (new certificates, client CAs or CRLs) without a restart. Each new connection
//!   uses the configuration current when it was accepted.
//! - [`TlsConfig::mtls`] builds a configuration that requires a client certificate chaining to
//!   the given roots, with the clientAuth EKU, valid now, and not revoked by the given CRLs
//!   (unknown revocation status is denied). Bad certificates fail the handshake: no HTTP
//!   response is ever sent.
//! - The client's verified chain reaches the service as the [`PeerCertificates`] request
//!   extension (for identity from SAN in `mcp-auth`), next to the peer address.
//! - A TLS handshake has 10 s to finish; connections live at most
//!   [`max_connection_age`](ServeTls::max_connection_age) (default 1 hour), so a revoked
//!   certificate stops working on keep-alive connections too.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use http::{Request, Response};
use http_body::Body;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use rustls::RootCertStore;
use rustls::pki_types::{CertificateDer, CertificateRevocationListDer, PrivateKeyDer};
use rustls::server::{ServerConfig, WebPkiClientVerifier};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower::ServiceExt as _;

use super::service::{PeerAddr, ShutdownSignal};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The certificate chain the client presented (leaf first), verified during the handshake.
/// A request extension of connections served by [`serve_tls`] with client certificates.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PeerCertificates(pub Arc<Vec<CertificateDer<'static>>>);

impl PeerCertificates {
    /// The end-entity certificate.
    pub fn leaf(&self) -> Option<&CertificateDer<'static>> {
        self.0.first()
    }
}

/// A TLS configuration that can be replaced while serving.
#[derive(Debug, Clone)]
pub struct TlsConfig {
    current: Arc<RwLock<Arc<ServerConfig>>>,
}

/// Why a TLS configuration could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TlsError {
    /// rustls refused the certificates or key.
    #[error("tls configuration: {0}")]
    Rustls(#[from] rustls::Error),
    /// The client verifier could not be built (no roots, bad CRL).
    #[error("client certificate verifier: {0}")]
    Verifier(#[from] rustls::server::VerifierBuilderError),
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

impl TlsConfig {
    /// Serves with `config` as it is (ALPN is set to `h2`, `http/1.1` when empty).
    pub fn new(mut config: ServerConfig) -> Self {
        if config.alpn_protocols.is_empty() {
            config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        }
        Self {
            current: Arc::new(RwLock::new(Arc::new(config))),
        }
    }

    /// Server authentication only: `chain` (leaf first) and its `key`.
    ///
    /// # Errors
    ///
    /// When rustls refuses the certificate or key.
    pub fn server(
        chain: Vec<CertificateDer<'static>>,
        key: PrivateKeyDer<'static>,
    ) -> Result<Self, TlsError> {
        let config = ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(chain, key)?;
        Ok(Self::new(config))
    }

    /// Mutual TLS: clients must present a certificate chaining to `client_roots`, with the
    /// clientAuth EKU, valid now and not revoked by `crls` (unknown status is denied when CRLs
    /// are given).
    ///
    /// # Errors
    ///
    /// When rustls refuses the certificates, key, roots or CRLs.
    pub fn mtls(
        chain: Vec<CertificateDer<'static>>,
        key: PrivateKeyDer<'static>,
        client_roots: Vec<CertificateDer<'static>>,
        crls: Vec<CertificateRevocationListDer<'static>>,
    ) -> Result<Self, TlsError> {
        Ok(Self::new(mtls_config(chain, key, client_roots, crls)?))
    }

    /// Replaces the configuration; connections accepted from now on use it.
    pub fn reload(&self, config: ServerConfig) {
        let mut config = config;
        if config.alpn_protocols.is_empty() {
            config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        }
        *self
            .current
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(config);
    }

    /// Replaces the configuration with a new mutual-TLS one (new CAs or CRLs).
    ///
    /// # Errors
    ///
    /// As [`TlsConfig::mtls`]; the old configuration stays in use.
    pub fn reload_mtls(
        &self,
        chain: Vec<CertificateDer<'static>>,
        key: PrivateKeyDer<'static>,
        client_roots: Vec<CertificateDer<'static>>,
        crls: Vec<CertificateRevocationListDer<'static>>,
    ) -> Result<(), TlsError> {
        self.reload(mtls_config(chain, key, client_roots, crls)?);
        Ok(())
    }

    fn get(&self) -> Arc<ServerConfig> {
        self.current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

fn mtls_config(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    client_roots: Vec<CertificateDer<'static>>,
    crls: Vec<CertificateRevocationListDer<'static>>,
) -> Result<ServerConfig, TlsError> {
    let mut roots = RootCertStore::empty();
    for root in client_roots {
        roots.add(root)?;
    }
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider())
        .with_crls(crls)
        .build()?;
    Ok(ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()?
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)?)
}

/// Serves `service` over TLS on `listener`, like [`serve`](super::serve).
///
/// ```no_run
/// # async fn run(server: mcp_server::Server, tls: mcp_server::http::TlsConfig) -> Result<(), mcp_server::Error> {
/// let listener = tokio::net::TcpListener::bind("0.0.0.0:8443").await?;
/// mcp_server::http::serve_tls(listener, tls, server.into_http()).await
/// # }
/// # let _ = run;
/// ```
pub fn serve_tls<S>(listener: TcpListener, tls: TlsConfig, service: S) -> ServeTls<S> {
    ServeTls {
        listener,
        tls,
        service,
        signal: None,
        handshake_timeout: Duration::from_secs(10),
        header_read_timeout: Duration::from_secs(10),
        max_connection_age: Duration::from_hours(1),
        drain_timeout: Duration::from_secs(25),
    }
}

/// The future of [`serve_tls`], with its options.
#[must_use = "ServeTls does nothing unless awaited"]
pub struct ServeTls<S> {
    listener: TcpListener,
    tls: TlsConfig,
    service: S,
    signal: Option<Pin<Box<dyn Future<Output = ()> + Send>>>,
    handshake_timeout: Duration,
    header_read_timeout: Duration,
    max_connection_age: Duration,
    drain_timeout: Duration,
}

impl<S> std::fmt::Debug for ServeTls<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServeTls")
            .field("handshake_timeout", &self.handshake_timeout)
            .field("max_connection_age", &self.max_connection_age)
            .finish_non_exhaustive()
    }
}

impl<S> ServeTls<S> {
    /// Shuts down gracefully when `signal` completes.
    pub fn with_graceful_shutdown<F>(mut self, signal: F) -> Self
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.signal = Some(Box::pin(signal));
        self
    }

    /// How long the longest connection may live (default 1 hour); bounds how long a revoked
    /// client certificate keeps working on a keep-alive connection.
    pub fn max_connection_age(mut self, age: Duration) -> Self {
        self.max_connection_age = age;
        self
    }

    /// How long a client may take for the TLS handshake (default 10 s).
    pub fn handshake_timeout(mut self, timeout: Duration) -> Self {
        self.handshake_timeout = timeout;
        self
    }
}

impl<S, B> IntoFuture for ServeTls<S>
where
    S: tower::Service<Request<Incoming>, Response = Response<B>, Error = std::convert::Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    type Output = Result<(), crate::Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(run(self))
    }
}

async fn run<S, B>(serve: ServeTls<S>) -> Result<(), crate::Error>
where
    S: tower::Service<Request<Incoming>, Response = Response<B>, Error = std::convert::Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    let ServeTls {
        listener,
        tls,
        service,
        signal,
        handshake_timeout,
        header_read_timeout,
        max_connection_age,
        drain_timeout,
    } = serve;
    let builder = Arc::new(http_builder(header_read_timeout));
    let tracker = TaskTracker::new();
    let shutdown = CancellationToken::new();
    let mut signal = signal.unwrap_or_else(|| Box::pin(std::future::pending()));
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut signal => break,
        };
        let _ = stream.set_nodelay(true);
        let acceptor = tokio_rustls::TlsAcceptor::from(tls.get());
        let svc = service.clone();
        let token = shutdown.clone();
        let builder = builder.clone();
        let stop = shutdown.clone();
        tracker.spawn(async move {
            let stream =
                match tokio::time::timeout(handshake_timeout, acceptor.accept(stream)).await {
                    Ok(Ok(stream)) => stream,
                    Ok(Err(e)) => {
                        tracing::info!(%peer, error = %e, "TLS handshake failed");
                        return;
                    }
                    Err(_) => {
                        tracing::info!(%peer, "TLS handshake timed out");
                        return;
                    }
                };
            let certs = stream.get_ref().1.peer_certificates().map(|c| {
                PeerCertificates(Arc::new(c.iter().map(|d| d.clone().into_owned()).collect()))
            });
            let hyper_service =
                hyper::service::service_fn(move |mut request: Request<Incoming>| {
                    request.extensions_mut().insert(PeerAddr(peer));
                    if let Some(certs) = &certs {
                        request.extensions_mut().insert(certs.clone());
                    }
                    request
                        .extensions_mut()
                        .insert(ShutdownSignal(token.clone()));
                    svc.clone().oneshot(request)
                });
            let connection = builder
                .serve_connection_with_upgrades(TokioIo::new(stream), hyper_service)
                .into_owned();
            tokio::pin!(connection);
            tokio::select! {
                ended = connection.as_mut() => {
                    if let Err(e) = ended {
                        tracing::debug!(error = %e, "connection ended with an error");
                    }
                    return;
                }
                () = stop.cancelled() => {}
                () = tokio::time::sleep(max_connection_age) => {
                    tracing::debug!(%peer, "closing a connection at its maximum age");
                }
            }
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        });
    }
    drop(listener);
    shutdown.cancel();
    tracker.close();
    tokio::select! {
        () = tracker.wait() => {}
        () = tokio::time::sleep(drain_timeout) => {
            tracing::warn!(timeout = ?drain_timeout, "drain timeout reached with connections still open");
        }
    }
    Ok(())
}

fn http_builder(header_read_timeout: Duration) -> Builder<TokioExecutor> {
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout)
        .keep_alive(true);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_concurrent_streams(100);
    builder
}

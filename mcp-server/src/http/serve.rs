//! Serving a service on a TCP listener with hyper 1, with graceful shutdown.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

use http::{Request, Response};
use http_body::Body;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt as _;

use super::service::{PeerAddr, ShutdownSignal};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Serves `service` on `listener` until the shutdown signal (if any) fires, like
/// `axum::serve`.
///
/// Connections are HTTP/1.1 or HTTP/2 (auto-detected), with `TCP_NODELAY`, a header read
/// timeout, and a bound on concurrent HTTP/2 streams. On shutdown the listener stops
/// accepting, `subscriptions/listen` and GET streams end gracefully, and in-flight requests
/// drain for at most the drain timeout.
///
/// ```no_run
/// # async fn run(server: mcp_server::Server) -> Result<(), mcp_server::Error> {
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
/// mcp_server::http::serve(listener, server.into_http())
///     .with_graceful_shutdown(async { let _ = tokio::signal::ctrl_c().await; })
///     .await
/// # }
/// # let _ = run;
/// ```
pub fn serve<S>(listener: TcpListener, service: S) -> Serve<S> {
    Serve {
        listener,
        service,
        signal: None,
        drain_timeout: Duration::from_secs(25),
        header_read_timeout: Duration::from_secs(10),
        max_concurrent_streams: 100,
    }
}

/// The future of [`serve`], with its options.
#[must_use = "Serve does nothing unless awaited"]
pub struct Serve<S> {
    listener: TcpListener,
    service: S,
    signal: Option<Pin<Box<dyn Future<Output = ()> + Send>>>,
    drain_timeout: Duration,
    header_read_timeout: Duration,
    max_concurrent_streams: u32,
}

impl<S> std::fmt::Debug for Serve<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Serve")
            .field("drain_timeout", &self.drain_timeout)
            .field("header_read_timeout", &self.header_read_timeout)
            .finish_non_exhaustive()
    }
}

impl<S> Serve<S> {
    /// Shuts down gracefully when `signal` completes.
    pub fn with_graceful_shutdown<F>(mut self, signal: F) -> Self
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.signal = Some(Box::pin(signal));
        self
    }

    /// How long in-flight requests may take to finish after shutdown (default 25 s).
    pub fn drain_timeout(mut self, timeout: Duration) -> Self {
        self.drain_timeout = timeout;
        self
    }

    /// How long a client may take to send its request headers (default 10 s).
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// Concurrent streams per HTTP/2 connection (default 100).
    pub fn max_concurrent_streams(mut self, streams: u32) -> Self {
        self.max_concurrent_streams = streams;
        self
    }
}

impl<S, B> IntoFuture for Serve<S>
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

async fn run<S, B>(serve: Serve<S>) -> Result<(), crate::Error>
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
    let Serve {
        listener,
        service,
        signal,
        drain_timeout,
        header_read_timeout,
        max_concurrent_streams,
    } = serve;
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout)
        .keep_alive(true);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_concurrent_streams(max_concurrent_streams);
    let graceful = GracefulShutdown::new();
    let shutdown = CancellationToken::new();
    let mut signal = signal.unwrap_or_else(|| Box::pin(std::future::pending()));
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Too many open files and the like: back off instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut signal => break,
        };
        let _ = stream.set_nodelay(true);
        let svc = service.clone();
        let token = shutdown.clone();
        let hyper_service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
            request.extensions_mut().insert(PeerAddr(peer));
            request
                .extensions_mut()
                .insert(ShutdownSignal(token.clone()));
            svc.clone().oneshot(request)
        });
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), hyper_service)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    // End long streams (listen, GET) gracefully, then let in-flight requests drain.
    shutdown.cancel();
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(drain_timeout) => {
            tracing::warn!(timeout = ?drain_timeout, "drain timeout reached with connections still open");
        }
    }
    Ok(())
}

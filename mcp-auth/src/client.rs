//! The small outbound HTTP client shared by JWKS fetching and introspection: HTTPS with
//! webpki roots (plain HTTP only to loopback hosts), no redirects, a timeout and a response
//! size cap.

use std::time::Duration;

use bytes::Bytes;
use http::{Request, StatusCode, Uri};
use http_body_util::{BodyExt as _, Full, Limited};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// A fetch failure (for logs).
#[derive(Debug, thiserror::Error)]
pub(crate) enum FetchError {
    #[error("refusing to fetch {0}: https required for non-loopback hosts")]
    Insecure(String),
    #[error("timed out")]
    Timeout,
    #[error("request failed: {0}")]
    Request(String),
    #[cfg_attr(
        not(feature = "jwt"),
        expect(dead_code, reason = "only JWKS fetches use GET")
    )]
    #[error("status {0}")]
    Status(StatusCode),
    #[error("response larger than {0} bytes")]
    TooLarge(usize),
}

#[derive(Clone)]
pub(crate) struct HttpClient {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    timeout: Duration,
    max_bytes: usize,
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpClient")
            .field("timeout", &self.timeout)
            .field("max_bytes", &self.max_bytes)
            .finish_non_exhaustive()
    }
}

pub(crate) fn is_loopback(uri: &Uri) -> bool {
    matches!(
        uri.host(),
        Some("localhost" | "127.0.0.1" | "[::1]" | "::1")
    )
}

impl HttpClient {
    pub(crate) fn new(timeout: Duration, max_bytes: usize) -> Self {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_webpki_roots()
            .https_or_http()
            .enable_http1()
            .build();
        Self {
            client: Client::builder(TokioExecutor::new()).build(https),
            timeout,
            max_bytes,
        }
    }

    pub(crate) fn check_uri(uri: &Uri) -> Result<(), FetchError> {
        match uri.scheme_str() {
            Some("https") => Ok(()),
            Some("http") if is_loopback(uri) => Ok(()),
            _ => Err(FetchError::Insecure(uri.to_string())),
        }
    }

    /// Sends `request`; a non-2xx status is an error unless `accept_status` says otherwise.
    pub(crate) async fn send(
        &self,
        request: Request<Full<Bytes>>,
    ) -> Result<(StatusCode, Bytes), FetchError> {
        Self::check_uri(request.uri())?;
        let max = self.max_bytes;
        let work = async {
            let response = self
                .client
                .request(request)
                .await
                .map_err(|e| FetchError::Request(e.to_string()))?;
            let status = response.status();
            let body = Limited::new(response.into_body(), max)
                .collect()
                .await
                .map_err(|e| {
                    if e.is::<http_body_util::LengthLimitError>() {
                        FetchError::TooLarge(max)
                    } else {
                        FetchError::Request(e.to_string())
                    }
                })?
                .to_bytes();
            Ok((status, body))
        };
        tokio::time::timeout(self.timeout, work)
            .await
            .map_err(|_| FetchError::Timeout)?
    }

    /// GET `uri`; 2xx only.
    #[cfg(feature = "jwt")]
    pub(crate) async fn get(&self, uri: &Uri) -> Result<Bytes, FetchError> {
        let request = Request::get(uri.clone())
            .header(http::header::ACCEPT, "application/json")
            .body(Full::new(Bytes::new()))
            .map_err(|e| FetchError::Request(e.to_string()))?;
        let (status, body) = self.send(request).await?;
        if !status.is_success() {
            return Err(FetchError::Status(status));
        }
        Ok(body)
    }
}

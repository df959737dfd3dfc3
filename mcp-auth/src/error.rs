//! [`AuthError`]: why a request's credentials were not accepted.
//!
//! Every 401 reason produces the same response (status, challenge and body); the reason is
//! only logged. Nothing in an error carries the credential itself.

use std::time::Duration;

use http::StatusCode;

/// An authentication failure. Each variant knows its HTTP status and challenge.
///
/// The `Display` text is meant for logs; clients only ever see the generic response shape of
/// the status (see [`AuthError::status`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// No credential was sent (401, challenge without `error=`).
    #[error("no credentials")]
    MissingCredentials,
    /// A credential was sent but is not valid (401, `error="invalid_token"`). The reason is
    /// for logs only.
    #[error("invalid credentials: {0}")]
    InvalidToken(String),
    /// The credential has expired (401, same response as [`AuthError::InvalidToken`]).
    #[error("credentials expired")]
    Expired,
    /// Several credentials name different principals (401, same response as
    /// [`AuthError::InvalidToken`]).
    #[error("conflicting identities")]
    ConflictingIdentities,
    /// The request is malformed (400, `error="invalid_request"`), e.g. a token sent by two
    /// methods or two `Authorization` headers.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The credential is valid but may not be used here (403).
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// A dependency of verification (introspection, key store) is unavailable (503 with
    /// `Retry-After`); never answered as success.
    #[error("verification unavailable: {reason}")]
    Unavailable {
        /// For logs.
        reason: String,
        /// The `Retry-After` the client receives.
        retry_after: Duration,
    },
}

/// A verifier's endpoint URL is invalid, or not HTTPS (plain HTTP is allowed only to loopback
/// hosts).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid endpoint URL: {0}")]
pub struct InvalidUrl(pub(crate) String);

impl AuthError {
    /// An [`AuthError::InvalidToken`] with a reason for the logs.
    pub fn invalid(reason: impl Into<String>) -> Self {
        Self::InvalidToken(reason.into())
    }

    /// An [`AuthError::Unavailable`] asking the client to retry after `retry_after`.
    pub fn unavailable(reason: impl Into<String>, retry_after: Duration) -> Self {
        Self::Unavailable {
            reason: reason.into(),
            retry_after,
        }
    }

    /// The HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::MissingCredentials
            | Self::InvalidToken(_)
            | Self::Expired
            | Self::ConflictingIdentities => StatusCode::UNAUTHORIZED,
            Self::InvalidRequest(_) => StatusCode::BAD_REQUEST,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The OAuth error code of the challenge and body (`None` when no credential was sent).
    pub fn oauth_error(&self) -> Option<&'static str> {
        match self {
            Self::MissingCredentials => None,
            Self::InvalidToken(_) | Self::Expired | Self::ConflictingIdentities => {
                Some("invalid_token")
            }
            Self::InvalidRequest(_) => Some("invalid_request"),
            Self::Forbidden(_) => Some("insufficient_scope"),
            Self::Unavailable { .. } => Some("temporarily_unavailable"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_401_has_the_same_oauth_error() {
        for e in [
            AuthError::invalid("bad signature"),
            AuthError::Expired,
            AuthError::ConflictingIdentities,
        ] {
            assert_eq!(e.status(), StatusCode::UNAUTHORIZED);
            assert_eq!(e.oauth_error(), Some("invalid_token"));
        }
        assert_eq!(AuthError::MissingCredentials.oauth_error(), None);
    }
}

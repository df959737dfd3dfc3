//! The Atlassian connection settings shared by the Jira and Confluence examples: where the
//! REST API is (site or API gateway with a cloudId), which upstream credential(s) to use, and
//! the upstream client limits. Each example keeps its own clap flags (their names and
//! environment variables differ per product) and hands the values to these functions.

use std::path::Path;
use std::time::Duration;

use url::Url;

use crate::{Credential, Credentials, PerUserCredentials, ServiceAccount, UpstreamConfig};

/// The Atlassian API gateway used with a cloudId when no other gateway URL is given.
pub const API_GATEWAY: &str = "https://api.atlassian.com/";

/// The REST base URL through the API gateway: `<gateway>/ex/<product>/<cloudId>/`, with
/// `gateway` defaulting to [`API_GATEWAY`] (the local fake's URL when trying things).
///
/// # Errors
///
/// A `cloud_id` that is not a UUID (hex digits and dashes), or an unusable gateway URL.
pub fn gateway_base(gateway: Option<&Url>, product: &str, cloud_id: &str) -> Result<Url, String> {
    let cloud_id = cloud_id.trim();
    if cloud_id.is_empty() || !cloud_id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') {
        return Err(format!("--cloud-id {cloud_id:?} is not a cloudId (a UUID)"));
    }
    let gateway = match gateway {
        Some(url) => url.clone(),
        None => Url::parse(API_GATEWAY).map_err(|e| format!("gateway URL: {e}"))?,
    };
    let path = format!(
        "{}/ex/{product}/{cloud_id}/",
        gateway.path().trim_end_matches('/')
    );
    let mut base = gateway;
    base.set_path(&path);
    Ok(base)
}

/// The service account credential from the optional flags: Basic when both `email` and
/// `api_token` are given, else a bearer `oauth_token`, else none. Values are trimmed.
#[must_use]
pub fn service_credential(
    email: Option<&str>,
    api_token: Option<&str>,
    oauth_token: Option<&str>,
) -> Option<Credential> {
    if let (Some(email), Some(api_token)) = (email, api_token) {
        return Some(Credential::Basic {
            email: email.trim().to_owned(),
            api_token: api_token.trim().to_owned(),
        });
    }
    oauth_token.map(|t| Credential::Bearer(t.trim().to_owned()))
}

/// The upstream credentials: per-user from `user_credentials` (a JSON file, see
/// [`PerUserCredentials::from_file`]) with the service account as the fallback, or the service
/// account alone; `None` when neither is configured (the caller words that error, naming its
/// own flags).
///
/// # Errors
///
/// An unreadable or malformed `user_credentials` file.
pub fn credentials(
    service: Option<Credential>,
    user_credentials: Option<&Path>,
) -> Result<Option<Credentials>, String> {
    match (user_credentials, service) {
        (Some(path), service) => {
            let mut table = PerUserCredentials::from_file(path)?;
            if let Some(c) = service {
                table = table.with_fallback(c);
            }
            Ok(Some(Credentials::PerUser(table)))
        }
        (None, Some(c)) => Ok(Some(Credentials::Service(ServiceAccount(c)))),
        (None, None) => Ok(None),
    }
}

/// The upstream client limits from the command-line values (seconds and counts).
#[must_use]
pub fn upstream_config(
    timeout_secs: u64,
    attempts: u32,
    max_retry_wait_secs: u64,
    max_in_flight: u64,
) -> UpstreamConfig {
    UpstreamConfig {
        timeout: Duration::from_secs(timeout_secs),
        max_attempts: attempts,
        max_retry_wait: Duration::from_secs(max_retry_wait_secs),
        max_in_flight_per_user: usize::try_from(max_in_flight)
            .unwrap_or(UpstreamConfig::default().max_in_flight_per_user),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLOUD_ID: &str = "1324a887-45db-1bf4-1e99-ef0ff456d421";

    #[test]
    fn gateway_bases() {
        let base = gateway_base(None, "jira", CLOUD_ID).expect("base");
        assert_eq!(
            base.as_str(),
            "https://api.atlassian.com/ex/jira/1324a887-45db-1bf4-1e99-ef0ff456d421/"
        );
        let fake = Url::parse("http://127.0.0.1:8089").expect("url");
        let base = gateway_base(Some(&fake), "confluence", CLOUD_ID).expect("base");
        assert_eq!(
            base.as_str(),
            "http://127.0.0.1:8089/ex/confluence/1324a887-45db-1bf4-1e99-ef0ff456d421/"
        );
        assert!(gateway_base(None, "jira", "../x").is_err());
        assert!(gateway_base(None, "jira", " ").is_err());
    }

    #[test]
    fn service_credentials() {
        assert!(matches!(
            service_credential(Some(" bot@example.com "), Some("t "), None),
            Some(Credential::Basic { email, api_token }) if email == "bot@example.com" && api_token == "t"
        ));
        assert!(matches!(
            service_credential(None, None, Some("o")),
            Some(Credential::Bearer(t)) if t == "o"
        ));
        assert!(service_credential(Some("e"), None, None).is_none());
        assert!(matches!(
            credentials(service_credential(None, None, Some("o")), None),
            Ok(Some(Credentials::Service(_)))
        ));
        assert!(matches!(credentials(None, None), Ok(None)));
        assert!(credentials(None, Some(Path::new("/nonexistent/users.json"))).is_err());
    }

    #[test]
    fn upstream_limits() {
        let config = upstream_config(5, 2, 7, 9);
        assert_eq!(config.timeout, Duration::from_secs(5));
        assert_eq!(config.max_attempts, 2);
        assert_eq!(config.max_retry_wait, Duration::from_secs(7));
        assert_eq!(config.max_in_flight_per_user, 9);
    }
}

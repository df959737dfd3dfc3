//! The command line (every flag also an environment variable).

use std::path::PathBuf;

use example_support::{Credentials, ServeArgs, Upstream, atlassian};

use crate::App;

/// An MCP server for Confluence Cloud (search, read pages as Markdown, create and update pages
/// with optimistic versioning, spaces, child pages, comments).
///
/// Serves Streamable HTTP on 127.0.0.1:3002 (`/mcp`) unless `--bind` or `--stdio` says
/// otherwise. Upstream credentials: `--confluence-email` + `--confluence-api-token` (Basic),
/// or `--confluence-oauth-token`, and/or `--user-credentials` for per-user credentials.
#[derive(Clone, clap::Parser)]
#[command(name = "confluence", version)]
#[non_exhaustive]
pub struct Cli {
    /// The Confluence site, e.g. `https://your-site.atlassian.net` (the server appends
    /// `wiki/...`). With `--cloud-id`: the API gateway instead (default
    /// `https://api.atlassian.com`).
    #[arg(long, value_name = "URL", env = "CONFLUENCE_URL")]
    pub confluence_url: Option<url::Url>,

    /// Call Confluence through the API gateway as `https://api.atlassian.com/ex/confluence/{cloudId}`
    /// (needed for scoped API tokens and OAuth tokens). Find it at
    /// `https://your-site.atlassian.net/_edge/tenant_info`.
    #[arg(long, value_name = "UUID", env = "CONFLUENCE_CLOUD_ID")]
    pub cloud_id: Option<String>,

    /// Email of the Atlassian account whose API token is `--confluence-api-token` (Basic auth).
    #[arg(
        long,
        value_name = "EMAIL",
        env = "CONFLUENCE_EMAIL",
        requires = "confluence_api_token"
    )]
    pub confluence_email: Option<String>,

    /// API token of `--confluence-email` (id.atlassian.com → Security → API tokens).
    #[arg(
        long,
        value_name = "TOKEN",
        env = "CONFLUENCE_API_TOKEN",
        hide_env_values = true,
        requires = "confluence_email"
    )]
    pub confluence_api_token: Option<String>,

    /// An OAuth 2.0 (3LO) access token for Confluence, sent as a bearer token (use with
    /// `--cloud-id`).
    #[arg(
        long,
        value_name = "TOKEN",
        env = "CONFLUENCE_OAUTH_TOKEN",
        hide_env_values = true,
        conflicts_with_all = ["confluence_email", "confluence_api_token"]
    )]
    pub confluence_oauth_token: Option<String>,

    /// Per-user upstream credentials, so writes are attributed to the calling user: a JSON
    /// object mapping the verified MCP subject to `{"email", "api_token"}` or `{"bearer"}`.
    /// Callers not listed use the service credential above, if any, else are refused. The
    /// inbound MCP token is never sent to Confluence.
    #[arg(long, value_name = "FILE", env = "CONFLUENCE_USER_CREDENTIALS")]
    pub user_credentials: Option<PathBuf>,

    /// Only these spaces (comma-separated keys): searches are restricted to them, pages
    /// elsewhere are refused.
    #[arg(
        long,
        value_name = "KEYS",
        env = "CONFLUENCE_SPACES",
        value_delimiter = ','
    )]
    pub spaces: Vec<String>,

    /// Register only the read tools (no create, update or comment).
    #[arg(long, env = "CONFLUENCE_READ_ONLY")]
    pub read_only: bool,

    /// Seconds to wait for each upstream attempt.
    #[arg(
        long,
        value_name = "SECONDS",
        env = "CONFLUENCE_UPSTREAM_TIMEOUT",
        default_value_t = 30,
        value_parser = clap::value_parser!(u64).range(1..=600)
    )]
    pub upstream_timeout: u64,

    /// Attempts per read on 429/503/connection failures (writes are sent once).
    #[arg(
        long,
        value_name = "N",
        env = "CONFLUENCE_UPSTREAM_ATTEMPTS",
        default_value_t = 3,
        value_parser = clap::value_parser!(u32).range(1..=10)
    )]
    pub upstream_attempts: u32,

    /// The longest `Retry-After` worth waiting for, in seconds; a longer one is reported to the
    /// caller instead.
    #[arg(
        long,
        value_name = "SECONDS",
        env = "CONFLUENCE_MAX_RETRY_WAIT",
        default_value_t = 10,
        value_parser = clap::value_parser!(u64).range(0..=300)
    )]
    pub max_retry_wait: u64,

    /// Upstream requests in flight per MCP user at most (more wait their turn).
    #[arg(
        long,
        value_name = "N",
        env = "CONFLUENCE_MAX_IN_FLIGHT",
        default_value_t = 4,
        value_parser = clap::value_parser!(u64).range(1..=256)
    )]
    pub max_in_flight: u64,

    /// Transport and MCP authentication.
    #[command(flatten)]
    pub serve: ServeArgs,
}

impl std::fmt::Debug for Cli {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cli")
            .field(
                "confluence_url",
                &self.confluence_url.as_ref().map(url::Url::as_str),
            )
            .field("cloud_id", &self.cloud_id)
            .field("confluence_email", &self.confluence_email)
            .field(
                "confluence_api_token",
                &self.confluence_api_token.as_ref().map(|_| "<redacted>"),
            )
            .field(
                "confluence_oauth_token",
                &self.confluence_oauth_token.as_ref().map(|_| "<redacted>"),
            )
            .field("user_credentials", &self.user_credentials)
            .field("spaces", &self.spaces)
            .field("read_only", &self.read_only)
            .field("serve", &self.serve)
            .finish_non_exhaustive()
    }
}

impl Cli {
    /// The base every upstream path (`wiki/...`) is joined to, and the wiki's web address when
    /// it is known from the configuration.
    ///
    /// # Errors
    /// Neither a site nor a cloud id, or a malformed cloud id.
    pub fn base(&self) -> Result<(url::Url, Option<String>), String> {
        match (&self.cloud_id, &self.confluence_url) {
            (Some(cloud_id), gateway) => Ok((
                atlassian::gateway_base(gateway.as_ref(), "confluence", cloud_id)?,
                None,
            )),
            (None, Some(site)) => {
                // Accept the site with or without `/wiki` (we append `wiki/...` ourselves).
                let mut text = site.as_str().trim_end_matches('/').to_owned();
                if let Some(stripped) = text.strip_suffix("/wiki") {
                    text = stripped.to_owned();
                }
                let base =
                    url::Url::parse(&format!("{text}/")).map_err(|e| format!("{text}: {e}"))?;
                Ok((base, Some(format!("{text}/wiki"))))
            }
            (None, None) => Err(
                "give the Confluence site with --confluence-url (CONFLUENCE_URL), e.g. \
                 https://your-site.atlassian.net, or --cloud-id"
                    .to_owned(),
            ),
        }
    }

    /// The upstream credentials.
    ///
    /// # Errors
    /// No credential at all, or an unreadable `--user-credentials` file.
    pub fn credentials(&self) -> Result<Credentials, String> {
        let service = atlassian::service_credential(
            self.confluence_email.as_deref(),
            self.confluence_api_token.as_deref(),
            self.confluence_oauth_token.as_deref(),
        );
        atlassian::credentials(service, self.user_credentials.as_deref())?.ok_or_else(|| {
            "no Confluence credential: give --confluence-email and --confluence-api-token \
             (CONFLUENCE_EMAIL, CONFLUENCE_API_TOKEN), --confluence-oauth-token, or \
             --user-credentials"
                .to_owned()
        })
    }

    /// The allowed space keys (trimmed, empty entries dropped).
    ///
    /// # Errors
    /// An entry that is not a space key.
    pub fn space_keys(&self) -> Result<Vec<String>, String> {
        let keys: Vec<String> = self
            .spaces
            .iter()
            .map(|k| k.trim().to_owned())
            .filter(|k| !k.is_empty())
            .collect();
        if let Some(bad) = keys.iter().find(|k| !crate::cql::is_space_key(k)) {
            return Err(format!("--spaces: {bad:?} is not a space key"));
        }
        Ok(keys)
    }

    /// The server state built from the command line.
    ///
    /// # Errors
    /// Unusable configuration, as a message for the operator.
    pub fn app(&self) -> Result<App, String> {
        let (base, web_base) = self.base()?;
        let config = atlassian::upstream_config(
            self.upstream_timeout,
            self.upstream_attempts,
            self.max_retry_wait,
            self.max_in_flight,
        );
        let upstream = Upstream::new("Confluence", base, config)?;
        Ok(App::new(
            upstream,
            self.credentials()?,
            &self.space_keys()?,
            web_base,
        ))
    }
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, Parser};

    use example_support::{Credential, ServiceAccount};

    use super::*;

    fn parse(args: &[&str]) -> Cli {
        let mut all = vec!["confluence"];
        all.extend_from_slice(args);
        Cli::try_parse_from(all).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn site_and_gateway_bases() {
        let cli = parse(&["--confluence-url", "https://acme.atlassian.net/wiki/"]);
        let (base, web) = cli.base().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(base.as_str(), "https://acme.atlassian.net/");
        assert_eq!(web.as_deref(), Some("https://acme.atlassian.net/wiki"));

        let cli = parse(&["--cloud-id", "1324a887-45db-1bf4-1e99-ef0ff456d421"]);
        let (base, web) = cli.base().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            base.as_str(),
            "https://api.atlassian.com/ex/confluence/1324a887-45db-1bf4-1e99-ef0ff456d421/"
        );
        assert_eq!(web, None);

        let cli = parse(&[
            "--confluence-url",
            "http://127.0.0.1:8089",
            "--cloud-id",
            "1324a887-45db-1bf4-1e99-ef0ff456d421",
        ]);
        let (base, _) = cli.base().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            base.as_str(),
            "http://127.0.0.1:8089/ex/confluence/1324a887-45db-1bf4-1e99-ef0ff456d421/"
        );

        assert!(parse(&["--cloud-id", "../x"]).base().is_err());
        assert!(parse(&[]).base().is_err());
    }

    #[test]
    fn credentials_and_spaces() {
        let cli = parse(&[
            "--confluence-url",
            "http://127.0.0.1:8089",
            "--confluence-email",
            "alice@example.com",
            "--confluence-api-token",
            "alice-api-token",
            "--spaces",
            "ENG, OPS",
        ]);
        assert!(matches!(
            cli.credentials(),
            Ok(Credentials::Service(ServiceAccount(
                Credential::Basic { .. }
            )))
        ));
        assert_eq!(
            cli.space_keys().ok(),
            Some(vec!["ENG".to_owned(), "OPS".to_owned()])
        );
        let debug = format!("{cli:?}");
        assert!(!debug.contains("alice-api-token"), "{debug}");

        let cli = parse(&["--confluence-oauth-token", "t"]);
        assert!(matches!(
            cli.credentials(),
            Ok(Credentials::Service(ServiceAccount(Credential::Bearer(_))))
        ));
        assert!(parse(&[]).credentials().is_err());
        assert!(parse(&["--spaces", "ENG,a b"]).space_keys().is_err());
        assert!(
            Cli::try_parse_from([
                "confluence",
                "--confluence-oauth-token",
                "t",
                "--confluence-email",
                "e"
            ])
            .is_err()
        );
    }
}

//! The command line: every flag also reads an environment variable (`--help` lists both).

use std::path::PathBuf;
use std::process::ExitCode;

use example_support::{
    Credential, Credentials, Product, ServeArgs, Upstream, UpstreamConfig, atlassian,
};
use url::Url;

use crate::client::{Jira, JiraSettings};
use crate::jql::is_project_key;
use crate::tools::WRITE_TOOLS;

/// The product description handed to `example_support::serve`.
pub const PRODUCT: Product = Product {
    name: "jira",
    default_port: 3001,
    write_tools: WRITE_TOOLS,
};

/// The same in read-only mode (no write tools registered).
const PRODUCT_READ_ONLY: Product = PRODUCT.read_only();

/// The readiness probe path: Jira's public server info (any answer below 500 is "up").
const PROBE_PATH: &str = "rest/api/3/serverInfo";

/// An MCP server for Jira Cloud.
///
/// Serves Streamable HTTP on 127.0.0.1:3001 by default (`/mcp`; `/health/ready` reports
/// whether Jira answers), or stdio with `--stdio`. Jira is reached at `--jira-url` (site
/// style, e.g. <https://your-site.atlassian.net>) or through the API gateway with
/// `--cloud-id` (<https://api.atlassian.com/ex/jira/CLOUD_ID>), as a service account
/// (`--jira-email` + `--jira-api-token`, or `--jira-oauth-token`) and/or with per-user
/// credentials chosen by the verified MCP caller (`--user-credentials`). The MCP caller's own
/// token is never sent to Jira.
#[derive(clap::Parser)]
#[command(name = "jira", version, about, long_about)]
#[non_exhaustive]
pub struct Cli {
    /// The Jira site (`https://your-site.atlassian.net`), or with `--cloud-id` the API
    /// gateway (default `https://api.atlassian.com`; the local fake's URL when trying it).
    #[arg(long, value_name = "URL", env = "JIRA_URL")]
    pub jira_url: Option<Url>,

    /// The cloudId of the site: requests go to `<gateway>/ex/jira/<cloudId>/rest/api/3/...`
    /// (needed for scoped API tokens and OAuth 2.0 tokens).
    #[arg(long, value_name = "UUID", env = "JIRA_CLOUD_ID")]
    pub cloud_id: Option<String>,

    /// The site URL for browse links in results (`<site>/browse/ENG-42`); default: `--jira-url`
    /// when no `--cloud-id` is given.
    #[arg(long, value_name = "URL", env = "JIRA_SITE_URL")]
    pub site_url: Option<Url>,

    /// Service account email (Basic auth with `--jira-api-token`).
    #[arg(
        long,
        value_name = "EMAIL",
        env = "JIRA_EMAIL",
        requires = "jira_api_token"
    )]
    pub jira_email: Option<String>,

    /// Service account API token (Basic auth with `--jira-email`).
    #[arg(
        long,
        value_name = "TOKEN",
        env = "JIRA_API_TOKEN",
        hide_env_values = true,
        requires = "jira_email",
        conflicts_with = "jira_oauth_token"
    )]
    pub jira_api_token: Option<String>,

    /// Service account OAuth 2.0 access token (Bearer), used with `--cloud-id`.
    #[arg(
        long,
        value_name = "TOKEN",
        env = "JIRA_OAUTH_TOKEN",
        hide_env_values = true
    )]
    pub jira_oauth_token: Option<String>,

    /// Per-user Jira credentials by verified MCP subject, a JSON file
    /// `{"alice": {"email": "...", "api_token": "..."}, "bob": {"bearer": "..."}}`: each
    /// caller acts in Jira as themselves (writes attributed to them). The service account, if
    /// given, serves callers without an entry; otherwise they are refused.
    #[arg(long, value_name = "FILE", env = "JIRA_USER_CREDENTIALS")]
    pub user_credentials: Option<PathBuf>,

    /// Only these projects (comma-separated keys): searches get `AND (project in (...))`,
    /// other issues and projects are refused before any call to Jira.
    #[arg(
        long,
        value_name = "KEYS",
        env = "JIRA_PROJECTS",
        value_delimiter = ','
    )]
    pub projects: Vec<String>,

    /// Register only the read tools (search, get issue, transitions list, create fields, find
    /// user).
    #[arg(long, env = "JIRA_READ_ONLY")]
    pub read_only: bool,

    /// The default page size of `jira_search_issues` (1-100).
    #[arg(
        long,
        value_name = "N",
        env = "JIRA_MAX_RESULTS",
        default_value_t = 20,
        value_parser = clap::value_parser!(u32).range(1..=100)
    )]
    pub max_results: u32,

    /// Per-attempt timeout of a Jira request, in seconds.
    #[arg(
        long,
        value_name = "SECONDS",
        env = "JIRA_TIMEOUT",
        default_value_t = 30,
        value_parser = clap::value_parser!(u64).range(1..=600)
    )]
    pub upstream_timeout: u64,

    /// Attempts of a read on 429/503/connection errors (writes are sent once).
    #[arg(
        long,
        value_name = "N",
        env = "JIRA_ATTEMPTS",
        default_value_t = 3,
        value_parser = clap::value_parser!(u32).range(1..=10)
    )]
    pub upstream_attempts: u32,

    /// The longest `Retry-After` waited for, in seconds (a longer one is reported at once).
    #[arg(
        long,
        value_name = "SECONDS",
        env = "JIRA_MAX_RETRY_WAIT",
        default_value_t = 10,
        value_parser = clap::value_parser!(u64).range(0..=300)
    )]
    pub max_retry_wait: u64,

    /// Concurrent Jira requests per MCP caller; more wait their turn.
    #[arg(
        long,
        value_name = "N",
        env = "JIRA_MAX_IN_FLIGHT",
        default_value_t = 4,
        value_parser = clap::value_parser!(u64).range(1..=64)
    )]
    pub max_in_flight: u64,

    /// Transport and MCP authentication.
    #[command(flatten)]
    pub serve: ServeArgs,
}

impl std::fmt::Debug for Cli {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let secret = |s: &Option<String>| s.as_ref().map(|_| "<redacted>");
        f.debug_struct("Cli")
            .field("jira_url", &self.jira_url.as_ref().map(Url::as_str))
            .field("cloud_id", &self.cloud_id)
            .field("site_url", &self.site_url.as_ref().map(Url::as_str))
            .field("jira_email", &self.jira_email)
            .field("jira_api_token", &secret(&self.jira_api_token))
            .field("jira_oauth_token", &secret(&self.jira_oauth_token))
            .field("user_credentials", &self.user_credentials)
            .field("projects", &self.projects)
            .field("read_only", &self.read_only)
            .field("max_results", &self.max_results)
            .field("upstream_timeout", &self.upstream_timeout)
            .field("upstream_attempts", &self.upstream_attempts)
            .field("max_retry_wait", &self.max_retry_wait)
            .field("max_in_flight", &self.max_in_flight)
            .field("serve", &self.serve)
            .finish()
    }
}

impl Cli {
    /// The REST base URL: the site, or `<gateway>/ex/jira/<cloudId>/`.
    ///
    /// # Errors
    ///
    /// Neither `--jira-url` nor `--cloud-id`, or a malformed cloudId.
    pub fn base_url(&self) -> Result<Url, String> {
        match (&self.jira_url, &self.cloud_id) {
            (None, None) => Err(
                "give --jira-url (https://your-site.atlassian.net) or --cloud-id (API gateway)"
                    .to_owned(),
            ),
            (Some(site), None) => Ok(site.clone()),
            (gateway, Some(cloud_id)) => {
                atlassian::gateway_base(gateway.as_ref(), "jira", cloud_id)
            }
        }
    }

    /// The service account credential, if configured.
    pub fn service_credential(&self) -> Option<Credential> {
        atlassian::service_credential(
            self.jira_email.as_deref(),
            self.jira_api_token.as_deref(),
            self.jira_oauth_token.as_deref(),
        )
    }

    /// The upstream credentials: per-user (with the service account as fallback) or the
    /// service account.
    ///
    /// # Errors
    ///
    /// No credential configured, or an unreadable `--user-credentials` file.
    pub fn credentials(&self) -> Result<Credentials, String> {
        atlassian::credentials(self.service_credential(), self.user_credentials.as_deref())?
            .ok_or_else(|| {
                "no Jira credential: give --jira-email and --jira-api-token, --jira-oauth-token, or --user-credentials"
                    .to_owned()
            })
    }

    /// The validated project allow-list.
    ///
    /// # Errors
    ///
    /// A key that is not a Jira project key.
    pub fn projects(&self) -> Result<Vec<String>, String> {
        let mut keys = Vec::new();
        for key in &self.projects {
            let key = key.trim();
            if key.is_empty() {
                continue;
            }
            if !is_project_key(key) {
                return Err(format!("--projects: {key:?} is not a Jira project key"));
            }
            keys.push(key.to_ascii_uppercase());
        }
        Ok(keys)
    }

    /// The upstream client settings.
    pub fn upstream_config(&self) -> UpstreamConfig {
        atlassian::upstream_config(
            self.upstream_timeout,
            self.upstream_attempts,
            self.max_retry_wait,
            self.max_in_flight,
        )
    }

    /// The server state.
    ///
    /// # Errors
    ///
    /// Unusable configuration (see the methods above).
    pub fn jira(&self) -> Result<Jira, String> {
        let base = self.base_url()?;
        let credentials = self.credentials()?;
        let projects = self.projects()?;
        let upstream = Upstream::new("Jira", base, self.upstream_config())?;
        let site = self.site_url.clone().or_else(|| {
            if self.cloud_id.is_none() {
                self.jira_url.clone()
            } else {
                None
            }
        });
        let settings = JiraSettings::new()
            .projects(projects)
            .max_results(self.max_results)
            .site(site);
        Ok(Jira::new(upstream, credentials, settings))
    }

    /// Builds the server and serves it until shutdown; the process exit code.
    pub async fn run(self) -> ExitCode {
        let jira = match self.jira() {
            Ok(jira) => jira,
            Err(e) => return example_support::config_error(&e),
        };
        let ready = jira.upstream().readiness(PROBE_PATH);
        let product = if self.read_only {
            &PRODUCT_READ_ONLY
        } else {
            &PRODUCT
        };
        let builder = crate::server(jira, self.read_only);
        example_support::serve(builder, &self.serve, product, Some(ready)).await
    }
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, Parser};

    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("jira").chain(args.iter().copied()))
    }

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn site_and_gateway_bases() {
        let site = parse(&["--jira-url", "https://acme.atlassian.net"]).expect("parses");
        assert_eq!(
            site.base_url().expect("base").as_str(),
            "https://acme.atlassian.net/"
        );
        let cloud = parse(&["--cloud-id", "1324a887-45db-1bf4-1e99-ef0ff456d421"]).expect("parses");
        assert_eq!(
            cloud.base_url().expect("base").as_str(),
            "https://api.atlassian.com/ex/jira/1324a887-45db-1bf4-1e99-ef0ff456d421/"
        );
        let fake = parse(&[
            "--jira-url",
            "http://127.0.0.1:8089",
            "--cloud-id",
            "1324a887-45db-1bf4-1e99-ef0ff456d421",
        ])
        .expect("parses");
        assert_eq!(
            fake.base_url().expect("base").as_str(),
            "http://127.0.0.1:8089/ex/jira/1324a887-45db-1bf4-1e99-ef0ff456d421/"
        );
        assert!(parse(&[]).expect("parses").base_url().is_err());
        let bad = parse(&["--cloud-id", "../x"]).expect("parses");
        assert!(bad.base_url().is_err());
    }

    #[test]
    fn credentials_and_projects() {
        let cli = parse(&[
            "--jira-url",
            "https://acme.atlassian.net",
            "--jira-email",
            "bot@example.com",
            "--jira-api-token",
            "s3cret",
            "--projects",
            "eng, OPS",
        ])
        .expect("parses");
        assert!(matches!(cli.credentials(), Ok(Credentials::Service(_))));
        assert_eq!(cli.projects().expect("valid"), ["ENG", "OPS"]);
        let debug = format!("{cli:?}");
        assert!(!debug.contains("s3cret"), "{debug}");

        assert!(parse(&["--jira-email", "bot@example.com"]).is_err());
        let none = parse(&["--jira-url", "https://acme.atlassian.net"]).expect("parses");
        assert!(none.credentials().is_err());
        let bad = parse(&["--projects", "ENG,9X"]).expect("parses");
        assert!(bad.projects().is_err());
    }

    #[test]
    fn help_documents_every_flag_and_its_variable() {
        let help = Cli::command().render_long_help().to_string();
        for needle in [
            "--jira-url",
            "JIRA_URL",
            "--cloud-id",
            "JIRA_CLOUD_ID",
            "--jira-email",
            "--jira-api-token",
            "JIRA_API_TOKEN",
            "--jira-oauth-token",
            "--user-credentials",
            "--projects",
            "JIRA_PROJECTS",
            "--read-only",
            "--max-results",
            "--upstream-timeout",
            "--upstream-attempts",
            "--max-retry-wait",
            "--max-in-flight",
            "--api-keys",
            "--bind",
        ] {
            assert!(help.contains(needle), "{needle} missing from --help");
        }
    }
}

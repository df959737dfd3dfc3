//! The fake's user accounts and how a request's `Authorization` header maps to one.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// The cloud id of the fake site; scoped URLs are `/ex/{jira|confluence}/{CLOUD_ID}/...`.
pub const CLOUD_ID: &str = "1324a887-45db-1bf4-1e99-ef0ff456d421";

/// One user of the fake site, with both kinds of credential Atlassian accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Account {
    /// Short name used in docs and tests (`alice`).
    pub name: &'static str,
    /// The email address of Basic auth.
    pub email: &'static str,
    /// The API token of Basic auth (`email:api_token`).
    pub api_token: &'static str,
    /// The OAuth 2.0 access token (`Authorization: Bearer ...`).
    pub oauth_token: &'static str,
    /// The Atlassian account id written as reporter, comment author and page version author.
    pub account_id: &'static str,
    /// The display name.
    pub display_name: &'static str,
}

/// Every account of the fake site.
pub const ACCOUNTS: [Account; 3] = [
    Account {
        name: "alice",
        email: "alice@example.com",
        api_token: "alice-api-token",
        oauth_token: "alice-oauth-token",
        account_id: "5b10ac8d82e05b22cc7d4ef5",
        display_name: "Alice Example",
    },
    Account {
        name: "bob",
        email: "bob@example.com",
        api_token: "bob-api-token",
        oauth_token: "bob-oauth-token",
        account_id: "5b10a0effa615349cb016cd8",
        display_name: "Bob Example",
    },
    Account {
        name: "mia",
        email: "mia@example.com",
        api_token: "mia-api-token",
        oauth_token: "mia-oauth-token",
        account_id: "5b10a2844c20165700ede21g",
        display_name: "Mia Krystof",
    },
];

/// Alice, the reporter and author of the seed data.
pub(crate) const ALICE: &Account = &ACCOUNTS[0];
/// Mia, who bumps Confluence pages "behind the client's back".
pub(crate) const MIA: &Account = &ACCOUNTS[2];

/// The account with this id.
pub(crate) fn by_id(account_id: &str) -> Option<&'static Account> {
    ACCOUNTS.iter().find(|a| a.account_id == account_id)
}

/// The account a raw `Authorization` header value authenticates, if any:
/// `Basic base64(email:api_token)` or `Bearer oauth_token` (scheme case-insensitive).
pub(crate) fn authenticate(header: Option<&str>) -> Option<&'static Account> {
    let (scheme, value) = header?.trim().split_once(' ')?;
    let value = value.trim();
    if scheme.eq_ignore_ascii_case("basic") {
        let decoded = STANDARD.decode(value).ok()?;
        let decoded = String::from_utf8(decoded).ok()?;
        let (email, token) = decoded.split_once(':')?;
        ACCOUNTS
            .iter()
            .find(|a| a.email.eq_ignore_ascii_case(email) && a.api_token == token)
    } else if scheme.eq_ignore_ascii_case("bearer") {
        ACCOUNTS.iter().find(|a| a.oauth_token == value)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_and_bearer() {
        let basic = format!("Basic {}", STANDARD.encode("bob@example.com:bob-api-token"));
        assert_eq!(authenticate(Some(&basic)).map(|a| a.name), Some("bob"));
        assert_eq!(
            authenticate(Some("Bearer mia-oauth-token")).map(|a| a.name),
            Some("mia")
        );
        let wrong = format!(
            "Basic {}",
            STANDARD.encode("bob@example.com:alice-api-token")
        );
        assert!(authenticate(Some(&wrong)).is_none());
        assert!(authenticate(Some("Bearer bob-api-token")).is_none());
        assert!(authenticate(None).is_none());
    }
}

//! §4.8 A84-A88: mutual TLS with `serve_tls`, certificates minted by rcgen at test time.

use std::sync::Arc;

use bytes::Bytes;
use http::{Request, StatusCode};
use http_body_util::{BodyExt as _, Full};
use hyper_util::rt::TokioIo;
use mcp_auth::{BearerAuthLayer, MtlsVerifier, ScopePolicy};
use mcp_server::http::TlsConfig;
use rcgen::{
    BasicConstraints, CertificateParams, CertificateRevocationListParams, DnType,
    ExtendedKeyUsagePurpose, IsCa, Issuer, KeyIdMethod, KeyPair, KeyUsagePurpose, RevocationReason,
    RevokedCertParams, SanType, SerialNumber, date_time_ymd,
};
use rustls::pki_types::{
    CertificateDer, CertificateRevocationListDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName,
};
use serde_json::{Value, json};

use crate::support::{ISSUER, MODERN, RESOURCE, Runs, claims, issuer, metadata, server};

struct Ca {
    cert: CertificateDer<'static>,
    issuer: Issuer<'static, KeyPair>,
}

fn ca(name: &str) -> Ca {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let key = KeyPair::generate().expect("key");
    let cert = params.self_signed(&key).expect("self-signed").der().clone();
    Ca {
        cert,
        issuer: Issuer::new(params, key),
    }
}

struct Leaf {
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
}

fn leaf(
    ca: &Ca,
    cn: &str,
    sans: Vec<SanType>,
    eku: ExtendedKeyUsagePurpose,
    serial: u64,
    expired: bool,
) -> Leaf {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    params.distinguished_name.push(DnType::CommonName, cn);
    params.subject_alt_names = sans;
    params.extended_key_usages = vec![eku];
    params.serial_number = Some(SerialNumber::from(serial));
    if expired {
        params.not_before = date_time_ymd(2000, 1, 1);
        params.not_after = date_time_ymd(2001, 1, 1);
    }
    let key = KeyPair::generate().expect("key");
    let cert = params
        .signed_by(&key, &ca.issuer)
        .expect("signs")
        .der()
        .clone();
    Leaf {
        chain: vec![cert],
        key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
    }
}

fn uri(s: &str) -> SanType {
    SanType::URI(s.try_into().expect("ia5"))
}

fn crl(ca: &Ca, revoked: &[u64]) -> CertificateRevocationListDer<'static> {
    CertificateRevocationListParams {
        this_update: date_time_ymd(2020, 1, 1),
        next_update: date_time_ymd(2090, 1, 1),
        crl_number: SerialNumber::from(1u64),
        issuing_distribution_point: None,
        revoked_certs: revoked
            .iter()
            .map(|s| RevokedCertParams {
                serial_number: SerialNumber::from(*s),
                revocation_time: date_time_ymd(2021, 1, 1),
                reason_code: Some(RevocationReason::KeyCompromise),
                invalidity_date: None,
            })
            .collect(),
        key_identifier_method: KeyIdMethod::Sha256,
    }
    .signed_by(&ca.issuer)
    .expect("crl")
    .der()
    .clone()
}

struct Pki {
    ca: Ca,
    server: Leaf,
}

impl Pki {
    fn new() -> Self {
        let ca = ca("test client CA");
        let server = leaf(
            &ca,
            "localhost",
            vec![SanType::DnsName("localhost".try_into().expect("dns"))],
            ExtendedKeyUsagePurpose::ServerAuth,
            1,
            false,
        );
        Self { ca, server }
    }

    fn tls(&self, revoked: &[u64]) -> TlsConfig {
        TlsConfig::mtls(
            self.server.chain.clone(),
            self.server.key.clone_key(),
            vec![self.ca.cert.clone()],
            vec![crl(&self.ca, revoked)],
        )
        .expect("mtls config")
    }

    fn client(&self, who: &Leaf) -> tokio_rustls::TlsConnector {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(self.ca.cert.clone()).expect("root");
        let config = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_root_certificates(roots)
        .with_client_auth_cert(who.chain.clone(), who.key.clone_key())
        .expect("client cert");
        tokio_rustls::TlsConnector::from(Arc::new(config))
    }
}

async fn start(tls: TlsConfig) -> (String, Runs) {
    let runs = Runs::default();
    let verifier = MtlsVerifier::new()
        .allow_uri_prefix("spiffe://example.org/ns/prod/")
        .scopes(["mcp:read"]);
    let service = tower::ServiceBuilder::new()
        .layer(BearerAuthLayer::new(verifier).metadata(metadata()))
        .service(server(&runs, ScopePolicy::new().baseline(["mcp:read"])).into_http());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let addr = listener.local_addr().expect("addr").to_string();
    tokio::spawn(async move {
        let _ = mcp_server::http::serve_tls(listener, tls, service).await;
    });
    (addr, runs)
}

/// `whoami` over a fresh TLS connection; `Err` when TLS or HTTP fails (no response).
async fn whoami(
    addr: &str,
    connector: &tokio_rustls::TlsConnector,
) -> Result<(StatusCode, Value), String> {
    whoami_bearer(addr, connector, None).await
}

/// [`whoami`] with `Authorization: Bearer token`.
async fn whoami_bearer(
    addr: &str,
    connector: &tokio_rustls::TlsConnector,
    token: Option<&str>,
) -> Result<(StatusCode, Value), String> {
    let tcp = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| e.to_string())?;
    let tls = connector
        .connect(ServerName::try_from("localhost").expect("name"), tcp)
        .await
        .map_err(|e| e.to_string())?;
    let (mut send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(conn);
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "whoami", "arguments": {},
        "_meta": {"io.modelcontextprotocol/protocolVersion": MODERN, "io.modelcontextprotocol/clientCapabilities": {}}}});
    let mut request = Request::post("/mcp");
    if let Some(t) = token {
        request = request.header("authorization", format!("Bearer {t}"));
    }
    let request = request
        .header("host", "localhost")
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", MODERN)
        .header("mcp-method", "tools/call")
        .header("mcp-name", "whoami")
        .body(Full::new(Bytes::from(body.to_string())))
        .expect("request");
    let response = send
        .send_request(request)
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    Ok((
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    ))
}

#[tokio::test]
async fn san_identity_and_handshake_failures_a84_a85_a88() {
    let pki = Pki::new();
    let (addr, runs) = start(pki.tls(&[])).await;
    let good = leaf(
        &pki.ca,
        "svc",
        vec![uri("spiffe://example.org/ns/prod/svc")],
        ExtendedKeyUsagePurpose::ClientAuth,
        10,
        false,
    );
    let (status, body) = whoami(&addr, &pki.client(&good)).await.expect("served");
    assert_eq!(status, StatusCode::OK, "{body}");
    let who: Value =
        serde_json::from_str(body["result"]["content"][0]["text"].as_str().expect("text"))
            .expect("json");
    assert_eq!(who["subject"], "spiffe://example.org/ns/prod/svc");
    assert_eq!(who["method"], "Mtls");

    // A88: right CA, SAN not allowed, CN=admin: 403, identity never from the CN.
    let admin = leaf(
        &pki.ca,
        "admin",
        vec![uri("spiffe://example.org/ns/dev/admin")],
        ExtendedKeyUsagePurpose::ClientAuth,
        11,
        false,
    );
    let (status, _) = whoami(&addr, &pki.client(&admin)).await.expect("served");
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A84: another CA. A85: expired; server-auth EKU only. No HTTP response at all.
    let other_ca = ca("untrusted CA");
    let foreign = leaf(
        &other_ca,
        "svc",
        vec![uri("spiffe://example.org/ns/prod/svc")],
        ExtendedKeyUsagePurpose::ClientAuth,
        12,
        false,
    );
    let expired = leaf(
        &pki.ca,
        "svc",
        vec![uri("spiffe://example.org/ns/prod/svc")],
        ExtendedKeyUsagePurpose::ClientAuth,
        13,
        true,
    );
    let server_eku = leaf(
        &pki.ca,
        "svc",
        vec![uri("spiffe://example.org/ns/prod/svc")],
        ExtendedKeyUsagePurpose::ServerAuth,
        14,
        false,
    );
    for (what, cert) in [
        ("foreign CA", &foreign),
        ("expired", &expired),
        ("server EKU", &server_eku),
    ] {
        assert!(
            whoami(&addr, &pki.client(cert)).await.is_err(),
            "{what} was served"
        );
    }
    assert_eq!(runs.get(), 1);
}

#[tokio::test]
async fn revocation_and_reload_without_restart_a86() {
    let pki = Pki::new();
    let tls = pki.tls(&[]);
    let (addr, _runs) = start(tls.clone()).await;
    let svc = leaf(
        &pki.ca,
        "svc",
        vec![uri("spiffe://example.org/ns/prod/svc")],
        ExtendedKeyUsagePurpose::ClientAuth,
        20,
        false,
    );
    let revoked = leaf(
        &pki.ca,
        "svc",
        vec![uri("spiffe://example.org/ns/prod/old")],
        ExtendedKeyUsagePurpose::ClientAuth,
        21,
        false,
    );
    assert!(whoami(&addr, &pki.client(&svc)).await.is_ok());
    assert!(whoami(&addr, &pki.client(&revoked)).await.is_ok());
    // A new CRL revoking serial 21, loaded while serving.
    tls.reload_mtls(
        pki.server.chain.clone(),
        pki.server.key.clone_key(),
        vec![pki.ca.cert.clone()],
        vec![crl(&pki.ca, &[21])],
    )
    .expect("reloads");
    assert!(
        whoami(&addr, &pki.client(&revoked)).await.is_err(),
        "revoked certificate still accepted"
    );
    assert!(whoami(&addr, &pki.client(&svc)).await.is_ok());
    // A certificate no CRL covers (another trusted CA without a CRL) is denied.
    let second = ca("second CA");
    tls.reload_mtls(
        pki.server.chain.clone(),
        pki.server.key.clone_key(),
        vec![pki.ca.cert.clone(), second.cert.clone()],
        vec![crl(&pki.ca, &[])],
    )
    .expect("reloads");
    let uncovered = leaf(
        &second,
        "svc",
        vec![uri("spiffe://example.org/ns/prod/svc")],
        ExtendedKeyUsagePurpose::ClientAuth,
        30,
        false,
    );
    assert!(
        whoami(&addr, &pki.client(&uncovered)).await.is_err(),
        "unknown revocation status accepted"
    );
}

/// A client that presents no certificate.
fn anonymous_client(pki: &Pki) -> tokio_rustls::TlsConnector {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(pki.ca.cert.clone()).expect("root");
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("versions")
    .with_root_certificates(roots)
    .with_no_client_auth();
    tokio_rustls::TlsConnector::from(Arc::new(config))
}

async fn start_jwt(tls: TlsConfig) -> String {
    let runs = Runs::default();
    let verifier = mcp_auth::JwtVerifier::rsa_pem(issuer().public_pem().as_bytes())
        .expect("pem")
        .issuer(ISSUER)
        .audience(RESOURCE)
        .tenant_claim("tid");
    let service = tower::ServiceBuilder::new()
        .layer(BearerAuthLayer::new(verifier).metadata(metadata()))
        .service(server(&runs, ScopePolicy::new().baseline(["mcp:read"])).into_http());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let addr = listener.local_addr().expect("addr").to_string();
    tokio::spawn(async move {
        let _ = mcp_server::http::serve_tls(listener, tls, service).await;
    });
    addr
}

fn bound_token(cert: &CertificateDer<'_>) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    let thumbprint =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(cert));
    let mut c = claims(&["mcp:read"]);
    c.insert("cnf".into(), json!({"x5t#S256": thumbprint}));
    issuer().sign(&c)
}

#[tokio::test]
async fn a89_certificate_bound_tokens() {
    let pki = Pki::new();
    let addr = start_jwt(pki.tls(&[])).await;
    let mine = leaf(
        &pki.ca,
        "svc",
        vec![uri("spiffe://example.org/ns/prod/svc")],
        ExtendedKeyUsagePurpose::ClientAuth,
        40,
        false,
    );
    let other = leaf(
        &pki.ca,
        "svc",
        vec![uri("spiffe://example.org/ns/prod/other")],
        ExtendedKeyUsagePurpose::ClientAuth,
        41,
        false,
    );
    let token = bound_token(&mine.chain[0]);
    // Over mTLS with the bound certificate: accepted.
    let (status, body) = whoami_bearer(&addr, &pki.client(&mine), Some(&token))
        .await
        .expect("served");
    assert_eq!(status, StatusCode::OK, "{body}");
    // With another (valid) client certificate: 401.
    let (status, _) = whoami_bearer(&addr, &pki.client(&other), Some(&token))
        .await
        .expect("served");
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // An unbound token is not affected by the client certificate.
    let plain = issuer().sign(&claims(&["mcp:read"]));
    let (status, _) = whoami_bearer(&addr, &pki.client(&other), Some(&plain))
        .await
        .expect("served");
    assert_eq!(status, StatusCode::OK);

    // Over TLS without a client certificate: 401.
    let addr = start_jwt(
        TlsConfig::server(pki.server.chain.clone(), pki.server.key.clone_key()).expect("tls"),
    )
    .await;
    let (status, _) = whoami_bearer(&addr, &anonymous_client(&pki), Some(&token))
        .await
        .expect("served");
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = whoami_bearer(&addr, &anonymous_client(&pki), Some(&plain))
        .await
        .expect("served");
    assert_eq!(status, StatusCode::OK);
    // Over plain HTTP: 401.
    let verifier = mcp_auth::JwtVerifier::rsa_pem(issuer().public_pem().as_bytes())
        .expect("pem")
        .issuer(ISSUER)
        .audience(RESOURCE)
        .tenant_claim("tid");
    let h =
        crate::support::Harness::start(BearerAuthLayer::new(verifier).metadata(metadata())).await;
    crate::support::assert_invalid(&h.call(Some(&token), "whoami", json!({})).await);
}

#[tokio::test]
async fn a87_connection_closed_at_max_age() {
    let pki = Pki::new();
    let runs = Runs::default();
    let verifier = MtlsVerifier::new()
        .allow_uri_prefix("spiffe://example.org/ns/prod/")
        .scopes(["mcp:read"]);
    let service = tower::ServiceBuilder::new()
        .layer(BearerAuthLayer::new(verifier).metadata(metadata()))
        .service(server(&runs, ScopePolicy::new().baseline(["mcp:read"])).into_http());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let addr = listener.local_addr().expect("addr");
    let tls = pki.tls(&[]);
    tokio::spawn(async move {
        let _ = mcp_server::http::serve_tls(listener, tls, service)
            .max_connection_age(std::time::Duration::from_secs(1))
            .await;
    });
    let svc = leaf(
        &pki.ca,
        "svc",
        vec![uri("spiffe://example.org/ns/prod/svc")],
        ExtendedKeyUsagePurpose::ClientAuth,
        50,
        false,
    );
    let tcp = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connects");
    let stream = pki
        .client(&svc)
        .connect(ServerName::try_from("localhost").expect("name"), tcp)
        .await
        .expect("handshake");
    let (mut send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("http handshake");
    let connection = tokio::spawn(conn);
    // A keep-alive connection that serves a request...
    let response = send
        .send_request(
            Request::get("/.well-known/oauth-protected-resource/mcp")
                .header("host", "localhost")
                .body(Full::new(Bytes::new()))
                .expect("request"),
        )
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::OK);
    let _ = response.into_body().collect().await.expect("body");
    // ...then idles: the server closes it once it reaches its maximum age.
    let ended = tokio::time::timeout(std::time::Duration::from_secs(15), connection)
        .await
        .expect("the server closes the connection at its maximum age");
    let _ = ended.expect("join");
    assert!(send.is_closed() || send.ready().await.is_err());
}

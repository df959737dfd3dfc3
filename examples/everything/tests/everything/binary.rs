//! The `everything` binary as a real process.

use std::time::Duration;

use serde_json::{Value, json};

use crate::{LEGACY, TOOLS, names, set};

#[tokio::test]
async fn stdio_binary_speaks_only_json_rpc_on_stdout() {
    use std::process::Stdio;
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_everything"))
        .arg("--stdio")
        .env("RUST_LOG", "trace")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn everything --stdio");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut stderr = child.stderr.take().expect("stderr");
    let logs = tokio::spawn(async move {
        let mut buf = Vec::new();
        let _ = stderr.read_to_end(&mut buf).await;
        buf
    });
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();

    let init = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": LEGACY, "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}});
    for message in [
        init,
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}),
    ] {
        stdin
            .write_all(format!("{message}\n").as_bytes())
            .await
            .expect("write");
    }
    stdin.flush().await.expect("flush");

    let mut seen = Vec::new();
    let read = async {
        while let Some(line) = lines.next_line().await.expect("read stdout") {
            let message: Value = serde_json::from_str(&line)
                .unwrap_or_else(|e| panic!("stdout carried a non-JSON line ({e}): {line}"));
            assert_eq!(message["jsonrpc"], "2.0", "{line}");
            let done = message["id"] == 2;
            seen.push(message);
            if done {
                break;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(20), read)
        .await
        .expect("answers in time");
    assert_eq!(seen[0]["result"]["protocolVersion"], LEGACY);
    let tools = &seen.last().expect("tools/list answer")["result"];
    assert_eq!(names(tools, "tools", "name"), set(&TOOLS));

    drop(stdin); // EOF
    let status = tokio::time::timeout(Duration::from_secs(5), child.wait())
        .await
        .expect("exits promptly on EOF")
        .expect("wait");
    assert!(status.success(), "{status}");
    while let Some(line) = lines.next_line().await.expect("read") {
        serde_json::from_str::<Value>(&line)
            .unwrap_or_else(|e| panic!("non-JSON on stdout ({e}): {line}"));
    }
    let logs = logs.await.expect("stderr");
    assert!(!logs.is_empty(), "RUST_LOG=trace writes to stderr");
}

#[tokio::test]
async fn binary_without_a_transport_exits_2() {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_everything"))
        .output()
        .await
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--bind"));
}

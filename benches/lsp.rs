//! `gopolicy lsp`: how long after an edit to a 1,000-line workflow its diagnostics are
//! published again, in process (the server over lsp-server's in-memory connection).
//!
//! `cargo bench --bench lsp` prints the median and 95th percentile over 300 edits; the
//! target is at most 10 ms. Each edit changes one character of a `go-version` (so the
//! findings change too) and the clock stops when the publish for that version arrives.

use std::time::{Duration, Instant};

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{json, Value};

/// A workflow of `jobs` jobs, 20 lines each, every one running setup-go.
fn workflow(jobs: usize) -> String {
    let mut text = String::from("name: ci\non: [push, pull_request]\njobs:\n");
    for i in 0..jobs {
        text.push_str(&format!(
            "  job{i}:\n    runs-on: ubuntu-latest\n    env:\n      GOFLAGS: -mod=readonly\n      CGO_ENABLED: \"0\"\n    steps:\n      - uses: actions/checkout@v5\n      - uses: actions/setup-go@v6\n        with:\n          go-version: \"1.21\"\n          cache: false\n      - name: build\n        run: go build ./...\n      - name: test\n        run: |\n          go vet ./...\n          go test -race ./...\n      - name: tools\n        run: go install golang.org/x/tools/cmd/stringer@latest\n\n"
        ));
    }
    text
}

fn main() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let root = dir.path().canonicalize().unwrap();
    std::fs::write(root.join("go.mod"), "module example.com/m\n\ngo 1.22.0\n").unwrap();
    std::fs::create_dir_all(root.join(".github/workflows")).unwrap();
    let text = workflow(50);
    let path = root.join(".github/workflows/ci.yml");
    std::fs::write(&path, &text).unwrap();
    let lines = text.lines().count();
    let uri = lsp_types::Url::from_file_path(&path).unwrap().to_string();
    // The first job's go-version value, line and column of its minor version digit.
    let line = text.lines().position(|l| l.contains("go-version")).unwrap() as u32;
    let character = text.lines().nth(line as usize).unwrap().find("21").unwrap() as u32 + 1;

    let (server_side, client) = Connection::memory();
    let server = std::thread::spawn(move || gopolicy::lsp::run(&server_side, Default::default()));
    let send = |m: Message| client.sender.send(m).unwrap();
    send(
        Request::new(
            RequestId::from(0),
            "initialize".into(),
            json!({ "rootUri": lsp_types::Url::from_file_path(&root).unwrap(), "capabilities": {} }),
        )
        .into(),
    );
    send(Notification::new("initialized".into(), json!({})).into());
    let published = |version: i64| -> usize {
        loop {
            match client
                .receiver
                .recv_timeout(Duration::from_secs(30))
                .unwrap()
            {
                Message::Notification(n)
                    if n.method == "textDocument/publishDiagnostics"
                        && n.params["version"] == version =>
                {
                    return n.params["diagnostics"].as_array().map_or(0, Vec::len);
                }
                _ => {}
            }
        }
    };
    send(
        Notification::new(
            "textDocument/didOpen".into(),
            json!({ "textDocument": { "uri": uri, "languageId": "yaml", "version": 0, "text": text } }),
        )
        .into(),
    );
    published(0);

    let mut times = Vec::new();
    let mut counts = (usize::MAX, 0);
    for version in 1..=330i64 {
        // Alternate 1.21 and 1.23: the GHA002 finding comes and goes.
        let digit = if version % 2 == 1 { "3" } else { "1" };
        let change = json!({
            "textDocument": { "uri": uri, "version": version },
            "contentChanges": [{
                "range": { "start": { "line": line, "character": character }, "end": { "line": line, "character": character + 1 } },
                "text": digit,
            }],
        });
        let started = Instant::now();
        send(Notification::new("textDocument/didChange".into(), change).into());
        let n = published(version);
        let elapsed = started.elapsed();
        counts = (counts.0.min(n), counts.1.max(n));
        // The first 30 warm up.
        if version > 30 {
            times.push(elapsed);
        }
    }
    send(Request::new(RequestId::from(1), "shutdown".into(), Value::Null).into());
    send(Notification::new("exit".into(), Value::Null).into());
    server.join().unwrap().unwrap();

    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "lsp: edit to publish on a {lines}-line workflow ({}..{} diagnostics): median {:.2} ms, p95 {:.2} ms, max {:.2} ms over {} edits",
        counts.0,
        counts.1,
        ms(times[times.len() / 2]),
        ms(times[times.len() * 95 / 100]),
        ms(*times.last().unwrap()),
        times.len()
    );
}

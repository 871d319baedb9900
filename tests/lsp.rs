//! `gopolicy lsp`, driven in-process over lsp-server's in-memory connection: one test
//! per message the server handles, asserting what a client would see.

mod common;

use std::path::Path;
use std::time::Duration;

use common::Repo;
use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use serde_json::{json, Value};

use common::editor::{GO_MOD, WORKFLOW};

/// A client talking to a server running on its own thread.
struct Client {
    connection: Connection,
    server: Option<std::thread::JoinHandle<Result<u8, String>>>,
    next_id: i32,
    /// Notifications received while waiting for something else.
    pending: Vec<Notification>,
    encoding: String,
    /// The initialize result.
    initialized: Option<Value>,
}

impl Client {
    /// Initialize with these client capabilities.
    fn start(root: &Path, capabilities: Value) -> Client {
        Client::start_with(root, capabilities, gopolicy::lsp::Options::default(), &[])
    }

    /// Initialize, and queue `early` messages before the server reads anything.
    fn start_with(
        root: &Path,
        capabilities: Value,
        options: gopolicy::lsp::Options,
        early: &[Message],
    ) -> Client {
        let (server_side, connection) = Connection::memory();
        let init = Request::new(
            RequestId::from(0),
            "initialize".into(),
            json!({
                "processId": null,
                "rootUri": url(root),
                "capabilities": capabilities,
            }),
        );
        connection.sender.send(init.into()).unwrap();
        connection
            .sender
            .send(Notification::new("initialized".into(), json!({})).into())
            .unwrap();
        for m in early {
            connection.sender.send(m.clone()).unwrap();
        }
        let server = std::thread::spawn(move || gopolicy::lsp::run(&server_side, options));
        let mut client = Client {
            connection,
            server: Some(server),
            next_id: 1,
            pending: Vec::new(),
            encoding: String::new(),
            initialized: None,
        };
        let result = client.response(RequestId::from(0)).response_result.unwrap();
        client.encoding = result["capabilities"]["positionEncoding"]
            .as_str()
            .unwrap()
            .to_owned();
        client.initialized = Some(result);
        client
    }

    fn receive(&mut self) -> Message {
        match self
            .connection
            .receiver
            .recv_timeout(Duration::from_secs(30))
        {
            Ok(m) => m,
            Err(e) => panic!(
                "no message from the server: {e}; pending {:?}",
                self.pending
            ),
        }
    }

    fn response(&mut self, id: RequestId) -> Response {
        loop {
            match self.receive() {
                Message::Response(r) if r.id == id => return r,
                Message::Notification(n) => self.pending.push(n),
                Message::Request(_) | Message::Response(_) => {}
            }
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Response {
        let id = RequestId::from(self.next_id);
        self.next_id += 1;
        self.connection
            .sender
            .send(Request::new(id.clone(), method.into(), params).into())
            .unwrap();
        self.response(id)
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.connection
            .sender
            .send(Notification::new(method.into(), params).into())
            .unwrap();
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Value {
        loop {
            if let Some(i) = self.pending.iter().position(|n| {
                n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri
            }) {
                return self.pending.remove(i).params;
            }
            match self.receive() {
                Message::Notification(n) => self.pending.push(n),
                Message::Request(_) | Message::Response(_) => {}
            }
        }
    }

    /// Wait for the server's answer to a request sent now, so everything it published
    /// before is in `pending`.
    fn settle(&mut self) {
        self.request("gopolicy/unknown", json!({}));
    }

    fn published(&self, uri: &str) -> bool {
        self.pending
            .iter()
            .any(|n| n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri)
    }

    fn open(&mut self, root: &Path, path: &str, text: &str) -> String {
        let uri = url(&root.join(path));
        let language = if path.ends_with(".yml") {
            "yaml"
        } else {
            "gomod"
        };
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": language, "version": 1, "text": text } }),
        );
        uri
    }

    fn change(&mut self, uri: &str, version: i32, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": changes }),
        );
    }

    /// Shut down and exit; the server's exit code.
    fn stop(mut self) -> u8 {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r.response_result.unwrap(), Value::Null);
        self.notify("exit", Value::Null);
        self.server.take().unwrap().join().unwrap().unwrap()
    }
}

fn url(path: &Path) -> String {
    lsp_types::Url::from_file_path(path).unwrap().to_string()
}

fn codes(published: &Value) -> Vec<String> {
    published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_owned())
        .collect()
}

fn find<'a>(published: &'a Value, code: &str) -> &'a Value {
    published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {published:#}"))
}

/// Apply LSP text edits (UTF-16 or UTF-8 positions) to a text.
fn apply(text: &str, edits: &[Value], encoding: &str) -> String {
    let offset = |p: &Value| {
        let lines = gopolicy::lsp::documents::LineIndex::new(text);
        let position = lsp_types::Position::new(
            p["line"].as_u64().unwrap() as u32,
            p["character"].as_u64().unwrap() as u32,
        );
        let e = if encoding == "utf-8" {
            gopolicy::lsp::documents::PositionEncoding::Utf8
        } else {
            gopolicy::lsp::documents::PositionEncoding::Utf16
        };
        lines.offset(text, position, e)
    };
    let mut edits: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_owned();
    for (start, end, new) in edits {
        out.replace_range(start..end, new);
    }
    out
}

fn repo() -> Repo {
    Repo::new(&[("go.mod", GO_MOD), (".github/workflows/ci.yml", WORKFLOW)])
}

const UTF8: &str = r#"{"general": {"positionEncodings": ["utf-16", "utf-8"]}}"#;

#[test]
fn negotiates_the_position_encoding() {
    let repo = repo();
    let utf8 = Client::start(repo.path(), serde_json::from_str(UTF8).unwrap());
    assert_eq!(utf8.encoding, "utf-8");
    let init = utf8.initialized.clone().unwrap();
    assert_eq!(init["capabilities"]["textDocumentSync"]["change"], 2);
    assert!(init.get("offsetEncoding").is_none());
    assert_eq!(utf8.stop(), 0);

    let utf16 = Client::start(repo.path(), json!({}));
    assert_eq!(utf16.encoding, "utf-16");
    assert_eq!(utf16.stop(), 0);

    // clangd's extension, which Neovim 0.7 and 0.8 send.
    let clangd = Client::start(
        repo.path(),
        json!({ "offsetEncoding": ["utf-8", "utf-16"] }),
    );
    assert_eq!(clangd.encoding, "utf-8");
    assert_eq!(
        clangd.initialized.as_ref().unwrap()["offsetEncoding"],
        "utf-8"
    );
    assert_eq!(clangd.stop(), 0);
}

#[test]
fn publishes_diagnostics_for_an_open_document_with_lsp_fields() {
    let repo = repo();
    let mut client = Client::start(repo.path(), json!({}));
    let uri = client.open(repo.path(), "go.mod", GO_MOD);
    let published = client.diagnostics(&uri);
    assert_eq!(published["version"], 1);
    assert_eq!(codes(&published), ["MOD006"]);
    let d = find(&published, "MOD006");
    assert_eq!(d["source"], "gopolicy");
    assert_eq!(d["severity"], 2);
    assert_eq!(
        d["codeDescription"]["href"],
        "https://github.com/gopolicy/gopolicy/blob/main/docs/rules/MOD006.md"
    );
    assert_eq!(
        d["range"],
        json!({ "start": { "line": 4, "character": 10 }, "end": { "line": 4, "character": 18 } })
    );
    assert!(d["message"]
        .as_str()
        .unwrap()
        .contains("toolchain go1.22.0"));
    assert!(d["message"]
        .as_str()
        .unwrap()
        .contains("\nhelp: Drop the line"));
    assert_eq!(client.stop(), 0);
}

#[test]
fn checks_the_buffer_not_the_file_and_converts_positions() {
    let repo = repo();
    // The file on disk has no finding; the buffer does, after two characters that are
    // wider in UTF-8 than in UTF-16, and with CRLF line ends.
    repo.write("go.mod", "module example.com/m\n\ngo 1.22.0\n");
    for (capabilities, end) in [(json!({}), 65), (serde_json::from_str(UTF8).unwrap(), 68)] {
        let mut client = Client::start(repo.path(), capabilities);
        let uri = client.open(
            repo.path(),
            ".github/workflows/ci.yml",
            &WORKFLOW.replace('\n', "\r\n"),
        );
        let published = client.diagnostics(&uri);
        let d = find(&published, "GHA007");
        assert_eq!(d["range"]["start"], json!({ "line": 10, "character": 13 }));
        // `echo "é𝄞" && go get ...`: é is 1 UTF-16 unit and 2 bytes, 𝄞 2 units and 4 bytes.
        assert_eq!(
            d["range"]["end"],
            json!({ "line": 10, "character": end }),
            "{}",
            client.encoding
        );
        client.stop();
    }
}

#[test]
fn incremental_changes_republish_with_the_new_version() {
    let repo = repo();
    let mut client = Client::start(repo.path(), json!({}));
    let uri = client.open(repo.path(), "go.mod", GO_MOD);
    assert_eq!(codes(&client.diagnostics(&uri)), ["MOD006"]);
    // `toolchain go1.22.0` -> `toolchain go1.23.0`, then insert a `godebug` line.
    client.change(
        &uri,
        2,
        json!([{ "range": { "start": { "line": 4, "character": 15 }, "end": { "line": 4, "character": 16 } }, "text": "3" }]),
    );
    let published = client.diagnostics(&uri);
    assert_eq!(published["version"], 2);
    assert_eq!(codes(&published), Vec::<String>::new());
    client.change(
        &uri,
        3,
        json!([
            { "range": { "start": { "line": 4, "character": 15 }, "end": { "line": 4, "character": 16 } }, "text": "2" },
            { "range": { "start": { "line": 5, "character": 0 }, "end": { "line": 5, "character": 0 } }, "text": "broken(\n" },
        ]),
    );
    let published = client.diagnostics(&uri);
    assert_eq!(published["version"], 3);
    // A syntax error: rules do not run, only SYS001 is reported.
    assert_eq!(codes(&published), ["SYS001"]);
    // A full replacement (no range).
    client.change(&uri, 4, json!([{ "text": GO_MOD }]));
    assert_eq!(codes(&client.diagnostics(&uri)), ["MOD006"]);
    assert_eq!(client.stop(), 0);
}

#[test]
fn a_change_to_go_mod_rechecks_the_open_workflow_and_links_to_it() {
    let repo = repo();
    let mut client = Client::start(repo.path(), json!({}));
    let workflow = client.open(repo.path(), ".github/workflows/ci.yml", WORKFLOW);
    let published = client.diagnostics(&workflow);
    // setup-go installs 1.21, older than the go.mod's 1.22.0.
    let d = find(&published, "GHA002");
    let related = &d["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], url(&repo.path().join("go.mod")));
    assert_eq!(
        related["location"]["range"]["start"],
        json!({ "line": 2, "character": 3 })
    );

    // The editor's unsaved go.mod says 1.21: the workflow's finding goes.
    let go_mod = client.open(repo.path(), "go.mod", GO_MOD);
    client.diagnostics(&go_mod);
    // Opening it re-checks the workflow (same text as on disk: same findings).
    assert!(codes(&client.diagnostics(&workflow)).contains(&"GHA002".to_owned()));
    client.change(
        &go_mod,
        2,
        json!([{ "text": "module example.com/m\n\ngo 1.21\n" }]),
    );
    let published = client.diagnostics(&workflow);
    assert!(
        !codes(&published).contains(&"GHA002".to_owned()),
        "{published:#}"
    );
    assert!(codes(&published).contains(&"GHA007".to_owned()));

    // Closing go.mod: the workflow reads the file on disk again.
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": go_mod } }),
    );
    assert_eq!(codes(&client.diagnostics(&go_mod)), Vec::<String>::new());
    assert!(codes(&client.diagnostics(&workflow)).contains(&"GHA002".to_owned()));
    assert_eq!(client.stop(), 0);
}

#[test]
fn an_unsaved_go_version_file_is_what_setup_go_reads() {
    const FROM_FILE: &str = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@v6\n        with:\n          go-version-file: .go-version\n";
    let repo = Repo::new(&[
        ("go.mod", GO_MOD),
        (".go-version", "1.21.5\n"),
        (".github/workflows/ci.yml", FROM_FILE),
    ]);
    let mut client = Client::start(repo.path(), json!({}));
    let workflow = client.open(repo.path(), ".github/workflows/ci.yml", FROM_FILE);
    // On disk, .go-version says 1.21.5, older than the go.mod's 1.22.0.
    assert!(codes(&client.diagnostics(&workflow)).contains(&"GHA002".to_owned()));
    // The editor's unsaved .go-version says 1.22.3: once the workflow is checked again,
    // setup-go's version is that one.
    client.open(repo.path(), ".go-version", "1.22.3\n");
    client.change(&workflow, 2, json!([{ "text": FROM_FILE }]));
    let published = client.diagnostics(&workflow);
    assert_eq!(published["version"], 2);
    assert!(
        !codes(&published).contains(&"GHA002".to_owned()),
        "{published:#}"
    );
    assert_eq!(client.stop(), 0);
}

#[test]
fn closing_clears_the_diagnostics_and_unrelated_files_are_left_alone() {
    let repo = repo();
    let mut client = Client::start(repo.path(), json!({}));
    let uri = client.open(repo.path(), "go.mod", GO_MOD);
    client.diagnostics(&uri);
    let readme = client.open(repo.path(), "README.md", "# hello\n");
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri } }),
    );
    let published = client.diagnostics(&uri);
    assert_eq!(published["diagnostics"], json!([]));
    client.settle();
    assert!(!client.published(&readme));
    assert_eq!(client.stop(), 0);
}

#[test]
fn closing_clears_the_diagnostics_under_the_uri_the_client_used() {
    // The same file, spelled otherwise (as VS Code writes `c%3A` for `C:`).
    let repo = repo();
    let mut client = Client::start(repo.path(), json!({}));
    let spelled = url(&repo.path().join("go.mod")).replace("go.mod", "go%2Emod");
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": spelled, "languageId": "gomod", "version": 1, "text": GO_MOD } }),
    );
    assert_eq!(codes(&client.diagnostics(&spelled)), ["MOD006"]);
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": spelled } }),
    );
    assert_eq!(client.diagnostics(&spelled)["diagnostics"], json!([]));
    assert_eq!(client.stop(), 0);
}

fn code_actions(client: &mut Client, uri: &str, line: u32, only: Option<&[&str]>) -> Vec<Value> {
    let mut context = json!({ "diagnostics": [] });
    if let Some(only) = only {
        context["only"] = json!(only);
    }
    let response = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": { "start": { "line": line, "character": 0 }, "end": { "line": line, "character": 0 } },
            "context": context,
        }),
    );
    response
        .response_result
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn edits<'a>(action: &'a Value, uri: &str) -> &'a [Value] {
    action["edit"]["changes"][uri].as_array().unwrap()
}

#[test]
fn quick_fixes_are_labelled_and_applied_as_edits() {
    let repo = repo();
    repo.write("gopolicy.toml", "rules = [\"policy\"]\n");
    repo.write(
        "policy/rename.toml",
        r#"id = "ORG001"
name = "old-module-host"
severity = "info"
target = "go.mod"
summary = "A module path on the old host"
message = "`{value}` is on the old host"
references = ["https://go.dev/ref/mod#go-mod-file-module"]
docs = "Moved."

[fix]
applicability = "unsafe"
title = "Rename the module"
edit = [{ replace = "example.org/m" }]

[[check]]
select = "module.path"
assert = { not_equals = "example.com/m" }
"#,
    );
    let mut client = Client::start(repo.path(), json!({}));
    let uri = client.open(repo.path(), "go.mod", GO_MOD);
    assert_eq!(codes(&client.diagnostics(&uri)), ["ORG001", "MOD006"]);

    let actions = code_actions(&mut client, &uri, 4, Some(&["quickfix"]));
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Delete the toolchain line (MOD006, safe fix)",
            "Ignore MOD006 on this line"
        ]
    );
    let fix = &actions[0];
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true);
    assert_eq!(fix["diagnostics"][0]["code"], "MOD006");
    assert_eq!(
        apply(GO_MOD, edits(fix, &uri), &client.encoding),
        "module example.com/m\n\ngo 1.22.0\n\n"
    );

    let actions = code_actions(&mut client, &uri, 0, None);
    let fix = &actions[0];
    assert_eq!(
        fix["title"],
        "Rename the module (ORG001, unsafe fix: may change behaviour)"
    );
    assert_eq!(fix["isPreferred"], false);
    assert_eq!(
        apply(GO_MOD, edits(fix, &uri), &client.encoding),
        GO_MOD.replace("example.com", "example.org")
    );
    assert_eq!(client.stop(), 0);
}

#[test]
fn display_only_fixes_are_not_offered_as_edits() {
    let repo = repo();
    repo.write("gopolicy.toml", "rules = [\"policy\"]\n");
    repo.write(
        "policy/advice.toml",
        r#"id = "ORG002"
name = "module-advice"
severity = "info"
target = "go.mod"
summary = "Advice"
message = "advice"
references = ["https://go.dev/ref/mod"]
docs = "Advice."

[fix]
applicability = "display-only"
title = "Think about it"

[[check]]
select = "module.path"
assert = { not_equals = "example.com/m" }
"#,
    );
    let mut client = Client::start(repo.path(), json!({}));
    let uri = client.open(repo.path(), "go.mod", GO_MOD);
    client.diagnostics(&uri);
    let actions = code_actions(&mut client, &uri, 0, Some(&["quickfix"]));
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Ignore ORG002 on this line"]);
    assert_eq!(client.stop(), 0);
}

#[test]
fn ignore_this_rule_here_inserts_a_suppression_that_works() {
    let repo = repo();
    let mut client = Client::start(repo.path(), json!({}));
    let go_mod = client.open(repo.path(), "go.mod", GO_MOD);
    client.diagnostics(&go_mod);
    let actions = code_actions(&mut client, &go_mod, 4, Some(&["quickfix"]));
    let ignore = actions
        .iter()
        .find(|a| a["title"] == "Ignore MOD006 on this line")
        .unwrap();
    let fixed = apply(GO_MOD, edits(ignore, &go_mod), &client.encoding);
    assert_eq!(
        fixed,
        "module example.com/m\n\ngo 1.22.0\n\n// gopolicy:ignore MOD006\ntoolchain go1.22.0\n"
    );
    client.change(&go_mod, 2, json!([{ "text": fixed }]));
    assert_eq!(codes(&client.diagnostics(&go_mod)), Vec::<String>::new());

    // YAML: a `#` comment above the step, indented like it.
    let workflow = client.open(repo.path(), ".github/workflows/ci.yml", WORKFLOW);
    client.diagnostics(&workflow);
    let actions = code_actions(&mut client, &workflow, 6, Some(&["quickfix"]));
    let ignore = actions
        .iter()
        .find(|a| a["title"] == "Ignore GHA002 on this line");
    assert!(ignore.is_none(), "GHA002 is on line 9, not 7");
    let actions = code_actions(&mut client, &workflow, 8, Some(&["quickfix"]));
    let ignore = actions
        .iter()
        .find(|a| a["title"] == "Ignore GHA002 on this line")
        .unwrap();
    let fixed = apply(WORKFLOW, edits(ignore, &workflow), &client.encoding);
    assert!(
        fixed.contains(
            "        with:\n          # gopolicy:ignore GHA002\n          go-version: \"1.21\""
        ),
        "{fixed}"
    );
    client.change(&workflow, 2, json!([{ "text": fixed }]));
    assert!(!codes(&client.diagnostics(&workflow)).contains(&"GHA002".to_owned()));
    assert_eq!(client.stop(), 0);
}

#[test]
fn fix_all_applies_the_safe_fixes_to_the_buffer() {
    let repo = repo();
    let mut client = Client::start(repo.path(), json!({}));
    // The buffer differs from the file on disk: the fixes apply to the buffer.
    let text = "module example.com/m\r\n\r\ngo 1.23.0\r\n\r\ntoolchain go1.23.0\r\n// end\r\n";
    let uri = client.open(repo.path(), "go.mod", text);
    assert_eq!(codes(&client.diagnostics(&uri)), ["MOD006"]);
    let actions = code_actions(&mut client, &uri, 0, Some(&["source.fixAll"]));
    assert_eq!(actions.len(), 1, "{actions:#?}");
    assert_eq!(actions[0]["kind"], "source.fixAll");
    let fixed = apply(text, edits(&actions[0], &uri), &client.encoding);
    assert_eq!(
        fixed,
        "module example.com/m\r\n\r\ngo 1.23.0\r\n\r\n// end\r\n"
    );
    // Asked for quick fixes only: no fixAll.
    let actions = code_actions(&mut client, &uri, 0, Some(&["quickfix"]));
    assert!(actions.iter().all(|a| a["kind"] == "quickfix"));
    // Asked for `source`: fixAll is a source action.
    assert_eq!(
        code_actions(&mut client, &uri, 0, Some(&["source"])).len(),
        1
    );
    // Nothing to fix: no action.
    client.change(
        &uri,
        2,
        json!([{ "text": "module example.com/m\n\ngo 1.23.0\n" }]),
    );
    client.diagnostics(&uri);
    assert!(code_actions(&mut client, &uri, 0, Some(&["source.fixAll"])).is_empty());
    assert_eq!(client.stop(), 0);
}

#[test]
fn hover_on_a_finding_shows_its_rule_docs() {
    let repo = repo();
    let mut client = Client::start(repo.path(), json!({}));
    let uri = client.open(repo.path(), "go.mod", GO_MOD);
    client.diagnostics(&uri);
    let hover = |client: &mut Client, line: u32, character: u32| {
        client
            .request(
                "textDocument/hover",
                json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } }),
            )
            .response_result
            .unwrap()
    };
    let found = hover(&mut client, 4, 12);
    assert_eq!(found["contents"]["kind"], "markdown");
    let text = found["contents"]["value"].as_str().unwrap();
    assert!(
        text.starts_with("**MOD006 redundant-toolchain** (warning)"),
        "{text}"
    );
    assert!(
        text.contains("A toolchain line the go command drops"),
        "{text}"
    );
    assert!(text.contains("## Why it matters"), "{text}");
    assert!(
        text.contains("- <https://go.dev/doc/toolchain#config>"),
        "{text}"
    );
    assert_eq!(
        found["range"]["start"],
        json!({ "line": 4, "character": 10 })
    );
    assert_eq!(hover(&mut client, 0, 0), Value::Null);
    assert_eq!(client.stop(), 0);
}

#[test]
fn a_broken_config_is_shown_on_its_file_and_the_server_keeps_serving() {
    let repo = repo();
    repo.write("gopolicy.toml", "ignore = [\"MOD006\"]\nselec = []\n");
    let config = url(&repo.path().join("gopolicy.toml"));
    let mut client = Client::start(
        repo.path(),
        json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } }),
    );
    let published = client.diagnostics(&config);
    let d = &published["diagnostics"][0];
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("unknown field `selec`"),
        "{d}"
    );
    assert_eq!(d["range"]["start"], json!({ "line": 1, "character": 0 }));
    // Still serving, with the built-in defaults.
    let uri = client.open(repo.path(), "go.mod", GO_MOD);
    assert_eq!(codes(&client.diagnostics(&uri)), ["MOD006"]);

    // Fixed on disk: the error goes, the config applies.
    repo.write("gopolicy.toml", "ignore = [\"MOD006\"]\n");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": config, "type": 2 }] }),
    );
    assert_eq!(client.diagnostics(&config)["diagnostics"], json!([]));
    assert_eq!(codes(&client.diagnostics(&uri)), Vec::<String>::new());

    // Edited in the editor: its unsaved text applies, errors and all.
    let config_uri = client.open(repo.path(), "gopolicy.toml", "ignore = [\"MOD006\"]\n");
    client.change(&config_uri, 2, json!([{ "text": "ignore = [\"NOPE\"]\n" }]));
    let published = client.diagnostics(&config_uri);
    assert!(
        published["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("`NOPE` matches no rule"),
        "{published:#}"
    );
    assert_eq!(
        published["diagnostics"][0]["range"]["start"],
        json!({ "line": 0, "character": 10 })
    );
    // Closed unsaved: the file on disk applies again.
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": config_uri } }),
    );
    assert_eq!(client.diagnostics(&config_uri)["diagnostics"], json!([]));
    // Broken on disk and closed in the editor: the error stays shown.
    repo.write("gopolicy.toml", "fail_on = 3\n");
    let config_uri = client.open(repo.path(), "gopolicy.toml", "fail_on = 3\n");
    assert!(!client.diagnostics(&config_uri)["diagnostics"]
        .as_array()
        .unwrap()
        .is_empty());
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": config_uri } }),
    );
    client.settle();
    let last = client
        .pending
        .iter()
        .rev()
        .find(|n| n.params["uri"] == config_uri.as_str())
        .map(|n| n.params["diagnostics"].clone());
    assert!(
        last.as_ref()
            .is_none_or(|d| !d.as_array().unwrap().is_empty()),
        "{last:?}"
    );
    assert_eq!(client.stop(), 0);
}

#[test]
fn registers_file_watchers_when_the_client_can() {
    let repo = repo();
    let (server_side, connection) = Connection::memory();
    let caps = json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } });
    connection
        .sender
        .send(
            Request::new(
                RequestId::from(0),
                "initialize".into(),
                json!({ "rootUri": url(repo.path()), "capabilities": caps }),
            )
            .into(),
        )
        .unwrap();
    connection
        .sender
        .send(Notification::new("initialized".into(), json!({})).into())
        .unwrap();
    let server = std::thread::spawn(move || gopolicy::lsp::run(&server_side, Default::default()));
    let mut registered = None;
    while registered.is_none() {
        if let Message::Request(r) = connection
            .receiver
            .recv_timeout(Duration::from_secs(30))
            .unwrap()
        {
            registered = Some(r);
        }
    }
    let r = registered.unwrap();
    assert_eq!(r.method, "client/registerCapability");
    let watchers = &r.params["registrations"][0]["registerOptions"]["watchers"];
    assert_eq!(watchers[0]["globPattern"], "**/gopolicy.toml");
    connection
        .sender
        .send(Notification::new("exit".into(), Value::Null).into())
        .unwrap();
    assert_eq!(server.join().unwrap(), Ok(1));
}

#[test]
fn a_request_cancelled_before_it_ran_is_answered_as_cancelled() {
    let repo = repo();
    let hover = Request::new(
        RequestId::from(7),
        "textDocument/hover".into(),
        json!({ "textDocument": { "uri": url(&repo.path().join("go.mod")) }, "position": { "line": 0, "character": 0 } }),
    );
    let cancel = Notification::new("$/cancelRequest".into(), json!({ "id": 7 }));
    let mut client = Client::start_with(
        repo.path(),
        json!({}),
        Default::default(),
        &[hover.into(), cancel.into()],
    );
    let r = client.response(RequestId::from(7));
    assert_eq!(
        r.response_result.unwrap_err().code,
        lsp_server::ErrorCode::RequestCanceled as i32
    );
    assert_eq!(client.stop(), 0);
}

#[test]
fn shutdown_then_exit_follows_the_protocol() {
    let repo = repo();
    let mut client = Client::start(repo.path(), json!({}));
    let unknown = client.request("workspace/symbol", json!({ "query": "" }));
    assert_eq!(
        unknown.response_result.unwrap_err().code,
        lsp_server::ErrorCode::MethodNotFound as i32
    );
    assert_eq!(
        client
            .request("shutdown", Value::Null)
            .response_result
            .unwrap(),
        Value::Null
    );
    // After shutdown, requests are refused and notifications dropped.
    let after = client.request("textDocument/hover", json!({}));
    assert_eq!(
        after.response_result.unwrap_err().code,
        lsp_server::ErrorCode::InvalidRequest as i32
    );
    client.open(repo.path(), "go.mod", GO_MOD);
    client.settle();
    assert!(client.pending.is_empty(), "{:?}", client.pending);
    client.notify("exit", Value::Null);
    assert_eq!(client.server.take().unwrap().join().unwrap(), Ok(0));

    // `exit` without `shutdown`: exit code 1.
    let mut client = Client::start(repo.path(), json!({}));
    client.notify("exit", Value::Null);
    assert_eq!(client.server.take().unwrap().join().unwrap(), Ok(1));
}

#[test]
fn a_panic_in_a_request_is_answered_with_an_error_and_the_server_goes_on() {
    let repo = repo();
    let options = gopolicy::lsp::Options {
        panic_on: Some("gopolicy/panic".into()),
    };
    let mut client = Client::start_with(repo.path(), json!({}), options, &[]);
    let r = client.request("gopolicy/panic", json!({}));
    let error = r.response_result.unwrap_err();
    assert_eq!(error.code, lsp_server::ErrorCode::InternalError as i32);
    assert!(
        error.message.contains("gopolicy/panic was asked to panic"),
        "{}",
        error.message
    );
    let uri = client.open(repo.path(), "go.mod", GO_MOD);
    assert_eq!(codes(&client.diagnostics(&uri)), ["MOD006"]);
    assert_eq!(client.stop(), 0);
}

#[test]
fn no_secret_in_the_buffer_reaches_a_message() {
    const TOKEN: &str = "ghp_R3dactMeR3dactMeR3dactMeR3dact0001";
    const PASSWORD: &str = "hunter2-proxy-0005";
    let workflow = format!(
        "on: push\nenv:\n  GITHUB_TOKEN: {TOKEN}\n  GOPROXY: https://ci:{PASSWORD}@proxy.example.com\n  GOFLAGS: -mod=mod\n  GONOSUMCHECK: example.com\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@v5\n        with:\n          go-version: 1.20\n      - run: GITHUB_TOKEN={TOKEN} go build ./...\n        env:\n          GOPROXY: https://u:{PASSWORD}@proxy.example.com,direct\n"
    );
    let repo = repo();
    let mut client = Client::start(repo.path(), json!({}));
    let uri = client.open(repo.path(), ".github/workflows/ci.yml", &workflow);
    let published = client.diagnostics(&uri);
    let diagnostics = published["diagnostics"].as_array().unwrap().clone();
    assert!(diagnostics.len() >= 4, "{published:#}");
    let mut seen = vec![published.to_string()];
    for d in &diagnostics {
        let start = &d["range"]["start"];
        let hover = client.request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": start }),
        );
        seen.push(serde_json::to_string(&hover.response_result).unwrap());
        let line = start["line"].as_u64().unwrap() as u32;
        for action in code_actions(&mut client, &uri, line, None) {
            seen.push(action.to_string());
        }
    }
    for action in code_actions(&mut client, &uri, 0, Some(&["source.fixAll"])) {
        seen.push(action.to_string());
    }
    let all = seen.join("\n");
    for secret in [TOKEN, PASSWORD] {
        assert!(!all.contains(secret), "{secret} in a message:\n{all}");
    }
    assert_eq!(client.stop(), 0);
}

//! The server loop: initialize (position encoding negotiated), then messages in batches.
//!
//! Messages that arrived together are handled as a batch: a request cancelled within the
//! batch is answered as cancelled without running, and documents changed by several
//! edits are checked once, after the batch (or before a request that reads them).
//! Every handler runs under `catch_unwind`: a panic is logged to stderr and the request
//! answered with an error, and the server goes on.

use std::collections::{BTreeSet, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use serde_json::{json, Value};

use super::actions;
use super::config::{self, Problem, Settings};
use super::diagnostics;
use super::documents::{path_of, Documents, OpenDocument, PositionEncoding};
use super::hover::{self, RuleDocs};

/// Options for tests; `gopolicy lsp` uses the defaults.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// A request method that panics, to test that a panic is caught.
    pub panic_on: Option<String>,
}

struct Server<'c> {
    connection: &'c Connection,
    options: Options,
    encoding: PositionEncoding,
    root: PathBuf,
    docs: Documents,
    settings: Settings,
    /// Why the config could not be used, if it could not.
    problem: Option<Box<Problem>>,
    rule_docs: RuleDocs,
    /// Documents to check and publish before the next request or the end of the batch.
    dirty: BTreeSet<lsp::Url>,
    /// Files whose diagnostics are on the client's screen (to clear them later).
    published: HashSet<lsp::Url>,
    shutdown: bool,
}

/// Serve until `exit`. Returns the exit code the protocol asks for: 0 after `shutdown`,
/// 1 when `exit` (or the end of input) came without it.
pub fn run(connection: &Connection, options: Options) -> Result<u8, String> {
    let (id, params) = connection.initialize_start().map_err(|e| e.to_string())?;
    let encoding = negotiate(&params);
    let root = root_of(&params);
    let mut result = json!({
        "capabilities": capabilities(encoding),
        "serverInfo": { "name": "gopolicy", "version": env!("CARGO_PKG_VERSION") },
    });
    // clangd's pre-3.17 extension, which Neovim before 0.9 speaks.
    if params.pointer("/capabilities/offsetEncoding").is_some() {
        result["offsetEncoding"] = json!(encoding.name());
    }
    connection
        .initialize_finish(id, result)
        .map_err(|e| e.to_string())?;
    // No buffer is open yet: the config is the file on disk, its rules compiled once.
    let (settings, problem) = match config::load(&root, |_| None) {
        Ok(settings) => (settings, None),
        // A broken config: the built-in rules apply until it is mended.
        Err(problem) => (Settings::defaults(&root), Some(problem)),
    };
    let mut server = Server {
        connection,
        options,
        encoding,
        settings,
        root,
        docs: Documents::default(),
        problem,
        rule_docs: RuleDocs::default(),
        dirty: BTreeSet::new(),
        published: HashSet::new(),
        shutdown: false,
    };
    if params
        .pointer("/capabilities/workspace/didChangeWatchedFiles/dynamicRegistration")
        .and_then(Value::as_bool)
        == Some(true)
    {
        server.watch_files();
    }
    if let Some(path) = server.problem.as_ref().map(|p| p.path.clone()) {
        server.publish_file(&path);
    }
    server.serve()
}

fn negotiate(params: &Value) -> PositionEncoding {
    let offers = |pointer: &str| {
        params
            .pointer(pointer)
            .and_then(Value::as_array)
            .is_some_and(|list| list.iter().any(|e| e == "utf-8"))
    };
    if offers("/capabilities/general/positionEncodings") || offers("/capabilities/offsetEncoding") {
        PositionEncoding::Utf8
    } else {
        PositionEncoding::Utf16
    }
}

/// The first workspace folder, else the root URI, else the working folder.
fn root_of(params: &Value) -> PathBuf {
    let uri = params
        .pointer("/workspaceFolders/0/uri")
        .or_else(|| params.get("rootUri"))
        .and_then(Value::as_str)
        .and_then(|u| lsp::Url::parse(u).ok());
    uri.as_ref()
        .and_then(path_of)
        .or_else(|| {
            params
                .get("rootPath")
                .and_then(Value::as_str)
                .map(|p| crate::workspace::load::normalize(Path::new(p)))
        })
        .unwrap_or_else(|| std::env::current_dir().unwrap_or_default())
}

fn capabilities(encoding: PositionEncoding) -> Value {
    json!({
        "positionEncoding": encoding.name(),
        "textDocumentSync": {
            "openClose": true,
            "change": lsp::TextDocumentSyncKind::INCREMENTAL,
            "save": { "includeText": false },
        },
        "codeActionProvider": {
            "codeActionKinds": [lsp::CodeActionKind::QUICKFIX, lsp::CodeActionKind::SOURCE_FIX_ALL],
        },
        "hoverProvider": true,
    })
}

impl Server<'_> {
    fn serve(&mut self) -> Result<u8, String> {
        loop {
            let Ok(first) = self.connection.receiver.recv() else {
                // The client went away without `exit`.
                return Ok(if self.shutdown { 0 } else { 1 });
            };
            let mut batch = vec![first];
            batch.extend(self.connection.receiver.try_iter());
            let cancelled: HashSet<RequestId> = batch
                .iter()
                .filter_map(|m| match m {
                    Message::Notification(n) if n.method == "$/cancelRequest" => {
                        serde_json::from_value::<lsp::CancelParams>(n.params.clone()).ok()
                    }
                    _ => None,
                })
                .map(|p| match p.id {
                    lsp::NumberOrString::Number(n) => RequestId::from(n),
                    lsp::NumberOrString::String(s) => RequestId::from(s),
                })
                .collect();
            for message in batch {
                match message {
                    Message::Request(request) if cancelled.contains(&request.id) => {
                        self.respond_error(
                            request.id,
                            ErrorCode::RequestCanceled,
                            "cancelled".into(),
                        );
                    }
                    Message::Request(request) => self.request(request),
                    Message::Notification(n) if n.method == "exit" => {
                        return Ok(if self.shutdown { 0 } else { 1 });
                    }
                    Message::Notification(n) => {
                        if !self.shutdown {
                            self.notification(n);
                        }
                    }
                    Message::Response(_) => {}
                }
            }
            self.flush();
        }
    }

    fn send(&self, message: impl Into<Message>) {
        // The client is gone when this fails; the loop ends at the next receive.
        let _ = self.connection.sender.send(message.into());
    }

    fn respond_error(&self, id: RequestId, code: ErrorCode, message: String) {
        self.send(Response::new_err(id, code as i32, message));
    }

    fn request(&mut self, request: Request) {
        if self.shutdown {
            return self.respond_error(
                request.id,
                ErrorCode::InvalidRequest,
                "the server is shutting down".into(),
            );
        }
        if request.method == lsp::request::Shutdown::METHOD {
            self.shutdown = true;
            return self.send(Response::new_ok(request.id, ()));
        }
        let id = request.id.clone();
        let method = request.method.clone();
        // Answers read the findings: make them current first.
        self.flush();
        match catch_unwind(AssertUnwindSafe(|| self.handle_request(request))) {
            Ok(Ok(result)) => self.send(Response::new_ok(id, result)),
            Ok(Err((code, message))) => self.respond_error(id, code, message),
            Err(panic) => {
                let what = panic_message(&panic);
                eprintln!("gopolicy lsp: internal error in {method}: {what}");
                self.respond_error(
                    id,
                    ErrorCode::InternalError,
                    format!("internal error in gopolicy while handling {method}: {what}"),
                );
            }
        }
    }

    fn handle_request(&mut self, request: Request) -> Result<Value, (ErrorCode, String)> {
        if self.options.panic_on.as_deref() == Some(request.method.as_str()) {
            panic!("{} was asked to panic", request.method);
        }
        let invalid = |e: serde_json::Error| (ErrorCode::InvalidParams, e.to_string());
        match request.method.as_str() {
            lsp::request::CodeActionRequest::METHOD => {
                let params: lsp::CodeActionParams =
                    serde_json::from_value(request.params).map_err(invalid)?;
                let actions = actions::actions(
                    &actions::Request {
                        uri: &params.text_document.uri,
                        range: params.range,
                        only: params.context.only.as_deref(),
                    },
                    &self.docs,
                    &self.settings,
                    &self.root,
                    self.encoding,
                );
                Ok(serde_json::to_value(actions).expect("actions serialize"))
            }
            lsp::request::HoverRequest::METHOD => {
                let params: lsp::HoverParams =
                    serde_json::from_value(request.params).map_err(invalid)?;
                let at = params.text_document_position_params;
                let hover = self.docs.open.get(&at.text_document.uri).and_then(|doc| {
                    hover::hover(
                        doc,
                        at.position,
                        self.encoding,
                        &mut self.rule_docs,
                        &self.settings.config.rule_packs,
                    )
                });
                Ok(serde_json::to_value(hover).expect("hover serializes"))
            }
            other => Err((
                ErrorCode::MethodNotFound,
                format!("gopolicy does not handle {other}"),
            )),
        }
    }

    fn notification(&mut self, n: Notification) {
        let method = n.method.clone();
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| self.handle_notification(n))) {
            eprintln!(
                "gopolicy lsp: internal error in {method}: {}",
                panic_message(&panic)
            );
        }
    }

    fn handle_notification(&mut self, n: Notification) {
        use lsp::notification::*;
        fn params<T: serde::de::DeserializeOwned>(n: lsp_server::Notification) -> Option<T> {
            match serde_json::from_value(n.params) {
                Ok(p) => Some(p),
                Err(e) => {
                    eprintln!("gopolicy lsp: ignoring {}: {e}", n.method);
                    None
                }
            }
        }
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Some(p) = params::<lsp::DidOpenTextDocumentParams>(n) else {
                    return;
                };
                let doc = p.text_document;
                let Some(path) = path_of(&doc.uri) else {
                    return;
                };
                self.docs.open.insert(
                    doc.uri.clone(),
                    OpenDocument::new(path.clone(), doc.version, doc.text),
                );
                self.changed(&doc.uri, &path);
            }
            DidChangeTextDocument::METHOD => {
                let Some(p) = params::<lsp::DidChangeTextDocumentParams>(n) else {
                    return;
                };
                let uri = p.text_document.uri;
                let Some(doc) = self.docs.open.get_mut(&uri) else {
                    return;
                };
                doc.apply(p.text_document.version, p.content_changes, self.encoding);
                let path = doc.path.clone();
                self.changed(&uri, &path);
            }
            DidSaveTextDocument::METHOD => {
                // The file on disk changed: what other files see of it (a file that
                // exists, a go.mod found by walking up) may have too.
                self.dirty.extend(self.docs.open.keys().cloned());
            }
            DidCloseTextDocument::METHOD => {
                let Some(p) = params::<lsp::DidCloseTextDocumentParams>(n) else {
                    return;
                };
                let uri = p.text_document.uri;
                if let Some(doc) = self.docs.open.remove(&uri) {
                    // Its dependents read the file on disk again.
                    self.changed(&uri, &doc.path);
                }
            }
            DidChangeWatchedFiles::METHOD => {
                let Some(p) = params::<lsp::DidChangeWatchedFilesParams>(n) else {
                    return;
                };
                let config_changed = p
                    .changes
                    .iter()
                    .filter_map(|c| path_of(&c.uri))
                    .any(|path| config::is_config_file(&path));
                if config_changed {
                    self.reload_config();
                } else {
                    self.dirty.extend(self.docs.open.keys().cloned());
                }
            }
            _ => {}
        }
    }

    /// `path` (open at `uri`, or just closed) changed: check it and what reads it.
    fn changed(&mut self, uri: &lsp::Url, path: &Path) {
        if config::is_config_file(path) {
            self.reload_config();
        }
        self.dirty.insert(uri.clone());
        for (other, doc) in &self.docs.open {
            if doc.depends_on.contains(path) {
                self.dirty.insert(other.clone());
            }
        }
    }

    fn reload_config(&mut self) {
        let docs = &self.docs;
        let open_text = |path: &Path| docs.by_path(path).map(|(_, d)| d.text.clone());
        let old = self.problem.take();
        match config::load(&self.root, open_text) {
            Ok(settings) => self.settings = settings,
            // The last good settings stay.
            Err(problem) => self.problem = Some(problem),
        }
        self.rule_docs.clear();
        if let Some(old) = old {
            self.publish_file(&old.path);
        }
        if let Some(problem) = &self.problem {
            let path = problem.path.clone();
            self.publish_file(&path);
        }
        self.dirty.extend(self.docs.open.keys().cloned());
    }

    /// Ask the client to tell us when config files and go.mod files change on disk.
    fn watch_files(&self) {
        let watchers: Vec<Value> = ["gopolicy.toml", ".gopolicy.toml", "go.mod", "go.work"]
            .iter()
            .map(|name| json!({ "globPattern": format!("**/{name}") }))
            .collect();
        let params = json!({ "registrations": [{
            "id": "gopolicy-watch",
            "method": lsp::notification::DidChangeWatchedFiles::METHOD,
            "registerOptions": { "watchers": watchers },
        }]});
        self.send(Request::new(
            RequestId::from("gopolicy-watch".to_owned()),
            lsp::request::RegisterCapability::METHOD.to_owned(),
            params,
        ));
    }

    /// Check the changed documents and publish their findings.
    fn flush(&mut self) {
        let dirty = std::mem::take(&mut self.dirty);
        if dirty.is_empty() {
            return;
        }
        let overlay = self.docs.overlay();
        for uri in dirty {
            let Some(doc) = self.docs.open.get_mut(&uri) else {
                // Closed: clear what it showed (but for a config error, which stays),
                // under the URI the client used (another spelling of the path, such as
                // `file:///c%3A/…` for `C:\…`, would not clear it).
                let path = path_of(&uri);
                let out: Vec<lsp::Diagnostic> = self
                    .problem
                    .iter()
                    .filter(|p| path.as_deref() == Some(p.path.as_path()))
                    .map(|p| diagnostics::config_problem(p, self.encoding))
                    .collect();
                if !out.is_empty() || self.published.contains(&uri) {
                    self.publish(&uri, out, None);
                }
                continue;
            };
            let mut out = Vec::new();
            if let Some(target) = doc.target {
                let checked =
                    diagnostics::check(&self.settings, &self.root, &overlay, &doc.path, target);
                doc.diagnostics = checked.diagnostics;
                doc.depends_on = checked.depends_on;
                out = doc
                    .diagnostics
                    .iter()
                    .map(|d| {
                        diagnostics::to_lsp(
                            d,
                            doc,
                            checked.document.as_deref(),
                            &self.root,
                            self.encoding,
                        )
                    })
                    .collect();
            }
            if let Some(problem) = self.problem.as_ref().filter(|p| p.path == doc.path) {
                out.push(diagnostics::config_problem(problem, self.encoding));
            }
            let version = Some(doc.version);
            if out.is_empty() && !self.published.contains(&uri) {
                continue;
            }
            self.publish(&uri, out, version);
        }
    }

    /// Publish what is known of a file that may not be open (the config file).
    fn publish_file(&mut self, path: &Path) {
        if let Some((uri, _)) = self.docs.by_path(path) {
            // Open: published with its findings at the end of the batch.
            self.dirty.insert(uri.clone());
            return;
        }
        let Ok(uri) = lsp::Url::from_file_path(path) else {
            return;
        };
        let out: Vec<lsp::Diagnostic> = self
            .problem
            .iter()
            .filter(|p| p.path == path)
            .map(|p| diagnostics::config_problem(p, self.encoding))
            .collect();
        if out.is_empty() && !self.published.contains(&uri) {
            return;
        }
        self.publish(&uri, out, None);
    }

    fn publish(&mut self, uri: &lsp::Url, diagnostics: Vec<lsp::Diagnostic>, version: Option<i32>) {
        if diagnostics.is_empty() {
            self.published.remove(uri);
        } else {
            self.published.insert(uri.clone());
        }
        let params = lsp::PublishDiagnosticsParams {
            uri: uri.clone(),
            diagnostics,
            version,
        };
        self.send(Notification::new(
            lsp::notification::PublishDiagnostics::METHOD.to_owned(),
            params,
        ));
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "a panic".to_owned())
}

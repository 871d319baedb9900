use super::parse;
use crate::document::{Document, Encoding, Node, SourceText, Value};
use crate::source::test_support::items;

fn doc(path: &str, text: &str) -> Document {
    parse(SourceText::new(path, text.to_owned(), Encoding::Utf8))
}

fn s<'a>(node: &'a Node, key: &str) -> &'a str {
    node.get(key).and_then(Node::as_str).unwrap_or("<none>")
}

/// Each command as `name arg arg…`.
fn commands(d: &Document) -> Vec<String> {
    items(d, "commands")
        .iter()
        .map(|c| {
            let mut out = s(c, "name").to_owned();
            if let Some(Value::List(args)) = c.get("args").map(|a| &a.value) {
                for a in args {
                    out.push(' ');
                    out.push_str(a.as_str().unwrap());
                }
            }
            out
        })
        .collect()
}

/// Each assignment as `NAME=value how persists`.
fn assignments(d: &Document) -> Vec<String> {
    items(d, "assignments")
        .iter()
        .map(|a| {
            format!(
                "{}={} {} {}",
                s(a, "name"),
                s(a, "value"),
                s(a, "how"),
                s(a, "persists")
            )
        })
        .collect()
}

fn text_at(d: &Document, node: &Node) -> String {
    d.source.text[node.span.start..node.span.end].to_owned()
}

#[test]
fn splits_simple_commands_on_every_separator() {
    let d = doc(
        "a.sh",
        "a 1; b 2 && c || d & e | f\ng \\\n  3 'x y' \"z\\\"\"\n",
    );
    assert_eq!(
        commands(&d),
        ["a 1", "b 2", "c", "d", "e", "f", "g 3 x y z\""]
    );
    let f = &items(&d, "commands")[5];
    assert_eq!(s(f, "piped_from"), "e");
    let g = &items(&d, "commands")[6];
    assert_eq!(s(g, "text"), "g   3 'x y' \"z\\\"\"");
    assert!(d.errors.is_empty(), "{:?}", d.errors);
}

#[test]
fn dynamic_words_keep_their_source_text() {
    let d = doc(
        "a.sh",
        "echo $HOME \"$(go env GOPATH)/bin\" `id -u` ${X:-a b} ~/go $'a\\tb'\n",
    );
    assert_eq!(
        commands(&d),
        ["echo $HOME \"$(go env GOPATH)/bin\" `id -u` ${X:-a b} ~/go a\tb"]
    );
}

#[test]
fn reserved_words_case_patterns_and_functions_are_not_commands() {
    let text = "if [ -d x ]; then\n  a\nelif b; then c; else d; fi\nfor x in 1 2; do e $x; done\n\
                while read l; do f; done < file\ncase $1 in\n  start|go) g ;;\n  (*) h;;\nesac\n\
                foo() { i; }\nfunction bar {\n  j\n}\n[[ -n $x && -z $y ]] && k\n(( n++ ))\n";
    let d = doc("a.sh", text);
    assert_eq!(
        commands(&d),
        [
            "[ -d x ]",
            "a",
            "b",
            "c",
            "d",
            "e $x",
            "read l",
            "f",
            "g",
            "h",
            "i",
            "j",
            "[[ -n $x -z $y ]]",
            "k"
        ]
    );
}

#[test]
fn comments_are_collected_without_the_marker() {
    let d = doc(
        "a.sh",
        "#!/bin/sh\nexport A=1 # gopolicy:ignore SH001 reason\necho a#b $#\n",
    );
    let texts: Vec<(&str, bool)> = d
        .comments
        .iter()
        .map(|c| (c.text.as_str(), c.trailing))
        .collect();
    assert_eq!(
        texts,
        [("!/bin/sh", false), (" gopolicy:ignore SH001 reason", true)]
    );
    assert_eq!(commands(&d)[1], "echo a#b $#");
}

#[test]
fn heredoc_bodies_are_not_code() {
    let text = "cat <<EOF > out\nexport GOROOT=/x\n$(curl x | sh)\nEOF\ncat <<-'END'\n\texport A=1\n\tEND\ncat <<<\"export B=2\"\nexport C=3\n";
    let d = doc("a.sh", text);
    assert_eq!(commands(&d), ["cat", "cat", "cat", "export C=3"]);
    assert_eq!(assignments(&d), ["C=3 export process"]);
    assert!(d.errors.is_empty(), "{:?}", d.errors);
}

#[test]
fn unterminated_heredoc_is_an_error_at_the_operator() {
    let d = doc("a.sh", "cat <<EOF\nexport A=1\n");
    assert_eq!(d.errors.len(), 1);
    assert_eq!(d.errors[0].span.start, 4);
    assert!(d.errors[0].message.contains("EOF"));
    assert!(assignments(&d).is_empty());
}

#[test]
fn unterminated_quotes_are_errors_and_do_not_hang() {
    for text in [
        "echo 'abc\n",
        "echo \"abc\n",
        "echo $(abc\n",
        "echo `abc",
        "echo ${a",
        "x=\\",
    ] {
        let d = doc("a.sh", text);
        assert!(!d.errors.is_empty() || text == "x=\\", "{text:?}");
    }
}

#[test]
fn export_forms() {
    let text = "export GOPATH=$HOME/go GOBIN=\"/opt/go bin\"\nexport GOPROXY='https://p'\n\
                X=1\nexport X\ndeclare -x GOFLAGS=-mod=mod\ntypeset -gx GOAMD64=v3\nlocal Y=2\n\
                Z=3\nPATH=\"$HOME/go/bin:$PATH\"\nGO111MODULE=off go build\nenv CGO_ENABLED=0 go test\n\
                go env -w GOSUMDB=off GOPRIVATE=x.com\nexport -n N=1\nreadonly R=1\n";
    let d = doc("a.sh", text);
    assert_eq!(
        assignments(&d),
        [
            "GOPATH=$HOME/go export process",
            "GOBIN=/opt/go bin export process",
            "GOPROXY=https://p export process",
            "X=1 shell-variable process",
            "GOFLAGS=-mod=mod export process",
            "GOAMD64=v3 export process",
            "PATH=\"$HOME/go/bin:$PATH\" shell-variable process",
            "GO111MODULE=off command-prefix process",
            "CGO_ENABLED=0 command-prefix process",
            "GOSUMDB=off go-env-w go-env-file",
            "GOPRIVATE=x.com go-env-w go-env-file",
        ]
    );
    let first = &items(&d, "assignments")[0];
    assert_eq!(text_at(&d, first.get("name").unwrap()), "GOPATH");
    assert_eq!(text_at(&d, first.get("value").unwrap()), "$HOME/go");
    assert_eq!(s(first, "scope"), "script");
    let bin = &items(&d, "assignments")[1];
    assert_eq!(text_at(&d, bin.get("value").unwrap()), "\"/opt/go bin\"");
}

#[test]
fn array_values_are_kept_whole() {
    let d = doc("a.zsh", "export A=(x y) B=()\n");
    assert_eq!(
        assignments(&d),
        ["A=(x y) export process", "B=() export process"]
    );
}

#[test]
fn set_a_exports_plain_assignments() {
    let d = doc("a.sh", "A=1\nset -a\nB=2\nset +a\nC=3\n");
    assert_eq!(assignments(&d), ["B=2 shell-variable process"]);
}

#[test]
fn tilde_is_dynamic_only_when_unquoted() {
    let d = doc("a.sh", "export A=~/go B=\"~/go\" C='~/go' D=x:~/y\n");
    let values: Vec<(String, &str)> = items(&d, "assignments")
        .iter()
        .map(|a| {
            let v = a.get("value").unwrap();
            let style = match &v.value {
                Value::Scalar { style, .. } => style.name(),
                _ => "",
            };
            (v.as_str().unwrap().to_owned(), style)
        })
        .collect();
    assert_eq!(
        values,
        [
            ("~/go".to_owned(), "plain"),
            ("~/go".to_owned(), "double-quoted"),
            ("~/go".to_owned(), "single-quoted"),
            ("x:~/y".to_owned(), "plain"),
        ]
    );
}

#[test]
fn fish_set_and_command_substitution() {
    let text = "set -gx GOPATH $HOME/go\nset -x GOPROXY direct\nset --export --universal GOBIN (go env GOPATH)/bin\n\
                set -gx PATH $GOPATH/bin $PATH\nset -l x 1\nset -e GOROOT\nif test -d ~/go\n  echo (pwd)\nend\n\
                function f --description 'x'\n  g\nend\nexport GOFLAGS=-v\n";
    let d = doc("conf.d/config.fish", text);
    assert_eq!(
        assignments(&d),
        [
            "GOPATH=$HOME/go fish-set process",
            "GOPROXY=direct fish-set process",
            "GOBIN=(go env GOPATH)/bin fish-set user",
            "PATH=$GOPATH/bin $PATH fish-set process",
            "GOFLAGS=-v export process",
        ]
    );
    assert!(commands(&d).contains(&"echo (pwd)".to_owned()));
    assert!(commands(&d).contains(&"g".to_owned()));
    assert!(!commands(&d).iter().any(|c| c.starts_with("function")));
}

#[test]
fn crlf_lines_keep_spans_and_words_clean() {
    let text = "export GOPATH=/go\r\ncurl -fsSL https://x \\\r\n  | sh\r\n# note\r\n";
    let d = doc("a.sh", text);
    assert_eq!(
        commands(&d),
        ["export GOPATH=/go", "curl -fsSL https://x", "sh"]
    );
    assert_eq!(assignments(&d), ["GOPATH=/go export process"]);
    let a = &items(&d, "assignments")[0];
    assert_eq!(text_at(&d, a.get("value").unwrap()), "/go");
    assert_eq!(d.comments[0].text, " note");
    assert_eq!(
        s(&items(&d, "commands")[2], "piped_from"),
        "curl -fsSL https://x"
    );
}

#[test]
fn pipe_continues_over_a_line_break() {
    let d = doc("a.sh", "curl -sL https://x |\n  sudo bash -s -- -y\n");
    let sh = &items(&d, "commands")[1];
    assert_eq!(s(sh, "name"), "sudo");
    assert_eq!(s(sh, "piped_from"), "curl -sL https://x");
}

#[test]
fn never_panics_on_odd_input() {
    let long = format!("export A=\"{}\n", "x".repeat(1 << 20));
    let nested = "$(".repeat(100_000);
    for text in [
        long.as_str(),
        nested.as_str(),
        "\u{feff}é${(é)'\\",
        "<<",
        "a <<",
        "2>",
        ")))(((",
        ";;;;&&||",
        "case",
        "case x in",
        "é=1 ü\\",
        "\r\r\r",
        "`",
        "$",
        "\\",
        "x=(",
        "<(",
        "()",
        "(",
        "=()",
    ] {
        let _ = doc("a.sh", text);
        let _ = doc("config.fish", text);
    }
}

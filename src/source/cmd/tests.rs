use super::parse;
use crate::document::{Document, Encoding, Node, SourceText};
use crate::source::test_support::{commands, items};

fn doc(text: &str) -> Document {
    parse(SourceText::new(
        "setup.cmd",
        text.to_owned(),
        Encoding::Utf8,
    ))
}

fn assignments(doc: &Document) -> Vec<String> {
    items(doc, "assignments")
        .iter()
        .map(|a| {
            let s = |k: &str| a.get(k).and_then(Node::as_str).unwrap_or("-").to_owned();
            format!(
                "[{}]=[{}] {} {} <{}>",
                s("name"),
                s("value"),
                s("how"),
                s("persists"),
                doc.raw(a.get("value").unwrap().span)
            )
        })
        .collect()
}

#[test]
fn commands_split_on_separators_blocks_and_conditions() {
    let d = doc(concat!(
        "@echo off\r\n",
        "setlocal & go version && echo ok || exit /b 1\r\n",
        "if not defined GOPATH set GOPATH=C:\\go\r\n",
        "if \"%X%\"==\"1\" (\r\n  setx GOBIN C:\\go\\bin /M\r\n) else (echo no)\r\n",
        "for %%i in (a b) do echo %%i\r\n",
        "echo a^\r\nb \"x & y\" ^& z | findstr a\r\n",
    ));
    assert_eq!(
        commands(&d),
        [
            "echo off",
            "setlocal ",
            "go version",
            "echo ok",
            "exit /b|1",
            "set GOPATH=C:\\go",
            "setx GOBIN|C:\\go\\bin|/M",
            "echo no",
            "echo %%i",
            "echo ab|x & y|&|z",
            "findstr a",
        ]
    );
    assert!(d.errors.is_empty(), "{:?}", d.errors);
}

#[test]
fn set_is_read_as_cmd_reads_it() {
    let d = doc(concat!(
        "set GOPATH=C:\\go\n",
        "set \"GOFLAGS=-mod=mod\" \n",
        "set GOPROXY = https://x\n",
        "set GOBIN=%GOPATH%\\bin\n",
        "set A=\"q\"&set B=x^&y\n",
        "set /a N=1+2\n",
        "set /p C=Name? \n",
        "set\n",
        "setx PATH \"%PATH%;C:\\go\\bin\"\n",
        "go env -w GOSUMDB=off\n",
    ));
    assert_eq!(
        assignments(&d),
        [
            "[GOPATH]=[C:\\go] set process <C:\\go>",
            "[GOFLAGS]=[-mod=mod] set process <-mod=mod>",
            "[GOPROXY ]=[ https://x] set process < https://x>",
            "[GOBIN]=[%GOPATH%\\bin] set process <%GOPATH%\\bin>",
            "[A]=[\"q\"] set process <\"q\">",
            "[B]=[x&y] set process <x^&y>",
            "[N]=[1+2] set process <1+2>",
            "[PATH]=[\"%PATH%;C:\\go\\bin\"] setx user <\"%PATH%;C:\\go\\bin\">",
            "[GOSUMDB]=[off] go-env-w go-env-file <off>",
        ]
    );
}

#[test]
fn comments_and_labels() {
    let d = doc("REM gopolicy:ignore CMD001 reason\r\n:: set A=1\r\n:label\r\necho x & rem set B=1\r\n@rem\r\n");
    assert!(assignments(&d).is_empty());
    assert_eq!(commands(&d), ["echo x"]);
    let texts: Vec<(&str, bool)> = d
        .comments
        .iter()
        .map(|c| (c.text.as_str(), c.trailing))
        .collect();
    assert_eq!(
        texts,
        [
            ("gopolicy:ignore CMD001 reason", false),
            (" set A=1", false),
            ("set B=1", true),
            ("", false)
        ]
    );
}

#[test]
fn junk_never_panics() {
    for text in [
        "^",
        "(",
        ")",
        "\"",
        "set",
        "set =",
        "set \"",
        "if",
        "for",
        "&&&",
        "^\r",
        "\u{e9}^\u{e9}",
        "set /a",
        "((((",
        "setx /m",
    ] {
        let _ = doc(text);
    }
    assert_eq!(doc("(echo x\n").errors.len(), 1);
    let long = format!("set A={}\n", "x".repeat(1 << 20));
    assert_eq!(assignments(&doc(&long)).len(), 1);
}

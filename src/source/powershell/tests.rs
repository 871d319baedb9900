use super::parse;
use crate::document::{Document, Encoding, Node, SourceText};
use crate::source::test_support::{commands, items};

fn doc(text: &str) -> Document {
    parse(SourceText::new(
        "profile.ps1",
        text.to_owned(),
        Encoding::Utf8,
    ))
}

/// Each assignment as `name=value how persists`, with the raw text under name and value.
fn assignments(doc: &Document) -> Vec<String> {
    items(doc, "assignments")
        .iter()
        .map(|a| {
            let s = |k: &str| a.get(k).and_then(Node::as_str).unwrap_or("-").to_owned();
            format!(
                "{}={} {} {} [{}|{}]",
                s("name"),
                s("value"),
                s("how"),
                s("persists"),
                doc.raw(a.get("name").unwrap().span),
                doc.raw(a.get("value").unwrap().span)
            )
        })
        .collect()
}

#[test]
fn commands_and_words() {
    let d = doc("Set-Alias ll Get-ChildItem; go env -w 'GOFLAGS=-mod=mod' `\n  GOPRIVATE=x\nirm https://x | iex\n");
    assert_eq!(
        commands(&d),
        [
            "Set-Alias ll|Get-ChildItem",
            "go env|-w|GOFLAGS=-mod=mod|GOPRIVATE=x",
            "irm https://x",
            "iex ",
        ]
    );
    let iex = &items(&d, "commands")[3];
    assert_eq!(
        iex.get("piped_from").unwrap().as_str(),
        Some("irm https://x")
    );
    assert_eq!(iex.get("name_lower").unwrap().as_str(), Some("iex"));
    assert!(d.errors.is_empty(), "{:?}", d.errors);
}

#[test]
fn environment_assignments() {
    let d = doc(concat!(
        "$env:GOPATH = 'C:\\it''s'\n",
        "${env:GOBIN}=\"C:\\bin\"\n",
        "$Env:PATH += \";$env:GOPATH\\bin\"\n",
        "$env:GOPROXY = \"$x\"\n",
        "Set-Item env:GOSUMDB off\n",
        "Set-Item -Path Env:\\GOFLAGS -Value '-mod=mod'\n",
        "New-Item -Path Env: -Name GONOSUMDB -Value x -Force\n",
        "[Environment]::SetEnvironmentVariable('GOPROXY', 'direct', 'Machine')\n",
        "[System.Environment]::SetEnvironmentVariable(\"A\", $v, [EnvironmentVariableTarget]::User)\n",
        "setx GOPATH C:\\go /M\n",
        "go env -w GOSUMDB=off GOTOOLCHAIN=local\n",
    ));
    assert_eq!(
        assignments(&d),
        [
            "GOPATH=C:\\it's $env process [GOPATH|'C:\\it''s']",
            "GOBIN=C:\\bin $env process [GOBIN|\"C:\\bin\"]",
            "PATH=$Env:PATH += \";$env:GOPATH\\bin\" $env process [PATH|$Env:PATH += \";$env:GOPATH\\bin\"]",
            "GOPROXY=\"$x\" $env process [GOPROXY|\"$x\"]",
            "GOSUMDB=off set-item process [GOSUMDB|off]",
            "GOFLAGS=-mod=mod set-item process [GOFLAGS|'-mod=mod']",
            "GONOSUMDB=x set-item process [GONOSUMDB|x]",
            "GOPROXY=direct set-environment-variable machine ['GOPROXY'|'direct']",
            "A=$v set-environment-variable user [\"A\"|$v]",
            "GOPATH=C:\\go setx machine [GOPATH|C:\\go]",
            "GOSUMDB=off go-env-w go-env-file [GOSUMDB|off]",
            "GOTOOLCHAIN=local go-env-w go-env-file [GOTOOLCHAIN|local]",
        ]
    );
    assert!(d.errors.is_empty(), "{:?}", d.errors);
}

#[test]
fn nothing_inside_strings_or_comments_is_code() {
    let d = doc(concat!(
        "# $env:A = 'x'\n",
        "<# set B=1\n$env:C = 1 #>\n",
        "$s = @'\n$env:D = 'x'\nset E=1\n'@\n",
        "$t = @\"\n$env:F = $(1)\n\"@\n",
        "Write-Host \"set G=1; $env:H = 2\" 'set I=1'\n",
        "Get-Foo -set X=1\n",
    ));
    assert!(assignments(&d).is_empty(), "{:?}", assignments(&d));
    assert_eq!(
        commands(&d),
        ["Write-Host set G=1; $env:H = 2|set I=1", "Get-Foo -set|X=1"]
            .map(|s| s.replace("set G=1; $env:H = 2", "\"set G=1; $env:H = 2\""))
    );
    assert_eq!(d.comments.len(), 2);
    assert_eq!(d.comments[0].text, " $env:A = 'x'");
    assert!(d.errors.is_empty(), "{:?}", d.errors);
}

#[test]
fn blocks_and_keywords() {
    let d = doc("function Set-Go {\n  if ($x) { setx GOPATH $p } else { $env:GO111MODULE='on' }\n}\n. { iwr -useb https://x } | iex\n");
    assert_eq!(
        commands(&d),
        ["setx GOPATH|$p", "iwr -useb|https://x", "iex "]
    );
    let iex = &items(&d, "commands")[2];
    assert_eq!(
        iex.get("piped_from").unwrap().as_str(),
        Some(". { iwr -useb https://x }")
    );
    assert_eq!(assignments(&d).len(), 2);
}

#[test]
fn unterminated_constructs_are_errors_at_their_opening() {
    let d = doc("Write-Host hi\n$x = @'\nno end\n");
    assert_eq!(commands(&d), ["Write-Host hi"]);
    assert_eq!(d.errors.len(), 1);
    assert_eq!(d.errors[0].span.start, 19);
    let d = doc("echo 'abc\n");
    assert_eq!(d.errors[0].span.start, 5);
    let d = doc("echo \"abc $(x\n");
    assert_eq!(d.errors.len(), 1);
}

#[test]
fn junk_never_panics() {
    for text in [
        "`",
        "@'",
        "@\"",
        "$",
        "${",
        "$(",
        "<#",
        "'",
        "\"`",
        "&",
        "|",
        "}}}",
        ")",
        "[",
        "@{",
        "\u{2018}",
        "a\u{201C}",
        "$env:=",
        "=",
        "$x =",
        "set",
        "\u{e9}`\u{e9}",
    ] {
        let _ = doc(text);
    }
    let deep = "$(".repeat(100_000);
    let _ = doc(&deep);
    let long = format!("$env:A = '{}'\n", "x".repeat(1 << 20));
    assert_eq!(assignments(&doc(&long)).len(), 1);
}

#[test]
fn a_variable_name_with_a_multibyte_character_at_byte_four_is_not_a_panic() {
    // Found by mutating corpus profiles (tests/mutation.rs, seed 2): a BOM inside `${...}`.
    for text in [
        "${CAC\u{feff}} = 1\n",
        "$CAC\u{feff}x = 1\n",
        "${env\u{e9}:X} = 1\n",
    ] {
        let doc = doc(text);
        assert!(items(&doc, "assignments").len() <= 1, "{text:?}");
    }
    // And a real env target still parses.
    assert_eq!(
        items(&doc("${env:GOPATH} = 'C:\\go'\n"), "assignments").len(),
        1
    );
}

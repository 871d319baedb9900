use super::checks::{canonical_version, is_go_version, path_major, quote, quote_rune};
use super::*;
use crate::document::{decode, Encoding, ScalarStyle, Value};
use crate::source::test_support::{at, raw, style, value};

fn gomod(text: &str) -> Document {
    parse(
        SourceText::new("go.mod", text.to_owned(), Encoding::Utf8),
        Target::GoMod,
    )
}

fn gowork(text: &str) -> Document {
    parse(
        SourceText::new("go.work", text.to_owned(), Encoding::Utf8),
        Target::GoWork,
    )
}

/// Errors as go prints them: `line[:col]: message`.
fn errors(doc: &Document) -> Vec<String> {
    doc.errors
        .iter()
        .map(|e| {
            let p = doc.source.position(e.span.start);
            let col = if p.column > 1 {
                format!(":{}", p.column)
            } else {
                String::new()
            };
            format!("{}{col}: {}", p.line, e.message)
        })
        .collect()
}

/// The tree without spans and styles.
fn shape(node: &Node) -> String {
    node.shape()
}

#[test]
fn spans_of_go_require_items_and_indirect() {
    let src = "module example.com/m\n\ngo 1.22.1\n\nrequire (\n\texample.com/a v1.2.3 // indirect\n\texample.com/b v0.1.0\n)\nrequire example.com/c v2.0.0+incompatible // indirect; for tests\n";
    let doc = gomod(src);
    assert!(doc.errors.is_empty(), "{:?}", doc.errors);
    assert_eq!(doc.root.span, Span::new(0, src.len()));
    assert_eq!(raw(&doc, "go"), "1.22.1");
    assert_eq!(value(&doc, "module.path"), "example.com/m");
    assert_eq!(raw(&doc, "module"), "module example.com/m");

    // A block entry spans its tokens, not its comment; a single line includes its verb.
    assert_eq!(raw(&doc, "require.0"), "example.com/a v1.2.3");
    assert_eq!(raw(&doc, "require.0.version"), "v1.2.3");
    assert_eq!(
        raw(&doc, "require.2"),
        "require example.com/c v2.0.0+incompatible"
    );
    assert_eq!(value(&doc, "require.2.version"), "v2.0.0+incompatible");

    let indirect = at(&doc, "require.0.indirect");
    assert_eq!(indirect.as_str(), Some("true"));
    assert_eq!(style(&doc, "require.0.indirect"), ScalarStyle::Derived);
    assert_eq!(raw(&doc, "require.0.indirect"), "// indirect");
    assert!(at(&doc, "require.1").get("indirect").is_none());
    assert_eq!(raw(&doc, "require.2.indirect"), "// indirect; for tests");

    // The list spans every statement that contributed to it.
    assert!(
        raw(&doc, "require").starts_with("require (")
            && raw(&doc, "require").ends_with("v2.0.0+incompatible")
    );
}

#[test]
fn indirect_needs_the_exact_word() {
    for (comment, want) in [
        ("// indirect", true),
        ("//indirect", true),
        ("// indirect; x", true),
        ("// indirect;", false),
        ("// indirectly", false),
        ("// not indirect", false),
    ] {
        let doc = gomod(&format!("module m\nrequire x.com/a v1.0.0 {comment}\n"));
        assert_eq!(
            at(&doc, "require.0").get("indirect").is_some(),
            want,
            "{comment}"
        );
    }
}

#[test]
fn block_form_equals_line_form() {
    let lines = "module m\ngodebug default=go1.21\nrequire a.com/x v1.0.0\nrequire b.com/y v1.1.0 // indirect\nexclude a.com/x v0.9.0\nreplace a.com/x => ./x\nretract v0.1.0\ntool a.com/x/cmd\nignore ./node_modules\n";
    let blocks = "module (\n\tm\n)\ngodebug (\n\tdefault=go1.21\n)\nrequire (\n\ta.com/x v1.0.0\n\tb.com/y v1.1.0 // indirect\n)\nexclude (\n\ta.com/x v0.9.0\n)\nreplace (\n\ta.com/x => ./x\n)\nretract (\n\tv0.1.0\n)\ntool (\n\ta.com/x/cmd\n)\nignore (\n\t./node_modules\n)\n";
    let (a, b) = (gomod(lines), gomod(blocks));
    assert!(
        a.errors.is_empty() && b.errors.is_empty(),
        "{:?} {:?}",
        a.errors,
        b.errors
    );
    assert_eq!(shape(&a.root), shape(&b.root));
    assert!(shape(&a.root).contains("godebug=[{key=\"default\",value=\"go1.21\"}]"));
    let w1 = gowork("go 1.22\nuse ./a\nuse ./b\n");
    let w2 = gowork("go 1.22\nuse (\n\t./a\n\t./b\n)\n");
    assert_eq!(shape(&w1.root), shape(&w2.root));
    assert_eq!(value(&w2, "use.1.path"), "./b");
}

#[test]
fn godebug_key_and_value_are_parts_of_one_token() {
    let doc = gomod("godebug (\n\tpanicnil=1\n\tempty=\n)\n");
    assert_eq!(raw(&doc, "godebug.0.key"), "panicnil");
    assert_eq!(raw(&doc, "godebug.0.value"), "1");
    assert_eq!(value(&doc, "godebug.1.value"), "");
    assert_eq!(
        errors(&gomod("godebug a=\"b\"\n")),
        ["1: usage: godebug key=value"]
    );
    assert_eq!(
        errors(&gomod("godebug ab\n")),
        ["1: usage: godebug key=value"]
    );
}

#[test]
fn quoted_and_raw_strings() {
    let doc = gomod("module \"example.com/q\"\nrequire \"a.com/\\x41\\u00e9\" \"v1.0.0\"\n");
    assert!(doc.errors.is_empty(), "{:?}", doc.errors);
    assert_eq!(value(&doc, "module.path"), "example.com/q");
    assert_eq!(raw(&doc, "module.path"), "\"example.com/q\"");
    assert_eq!(style(&doc, "module.path"), ScalarStyle::DoubleQuoted);
    assert_eq!(value(&doc, "require.0.path"), "a.com/Aé");
    assert_eq!(style(&doc, "require.0.version"), ScalarStyle::DoubleQuoted);

    // Go lexes raw strings but accepts none as a value, and rejects bad escapes.
    assert_eq!(
        errors(&gomod("module `example.com/r`\n")),
        ["1: invalid quoted string: unquoted string cannot contain quote"]
    );
    assert_eq!(
        errors(&gomod("module \"a\\q\"\n")),
        ["1: invalid quoted string: invalid syntax"]
    );
    assert_eq!(
        errors(&gomod("module a\"b\n")),
        ["1: invalid quoted string: unquoted string cannot contain quote"]
    );
    // A raw string may hold what an interpreted one may not; it is still one token.
    let doc = gomod("x `a \"b\" // c`\n");
    assert_eq!(errors(&doc), ["1: unknown directive: x"]);
    assert!(doc.comments.is_empty());
    // Parentheses inside strings are not punctuation.
    let doc = gomod("replace (\n\tw v1.0.0 => \"./a()\"\n)\n");
    assert_eq!(value(&doc, "replace.0.new.path"), "./a()");
}

#[test]
fn versions_are_canonical_and_checked() {
    let doc =
        gomod("module m\nrequire a.com/x v1.2\nreplace a.com/x v1 => b.com/y v1.3.0-pre+meta\n");
    assert!(doc.errors.is_empty(), "{:?}", doc.errors);
    assert_eq!(value(&doc, "require.0.version"), "v1.2.0");
    assert_eq!(raw(&doc, "require.0.version"), "v1.2");
    assert_eq!(value(&doc, "replace.0.old.version"), "v1.0.0");
    assert_eq!(value(&doc, "replace.0.new.version"), "v1.3.0-pre");
    assert_eq!(raw(&doc, "replace.0.old"), "a.com/x v1");
    assert!(at(&doc, "replace.0.new").get("version").is_some());

    let cases = [
        ("require a.com/x 1.2.3", "2: require a.com/x: version \"1.2.3\" invalid: must be of the form v1.2.3"),
        ("require a.com/x/v2 v1.0.0", "2: require a.com/x/v2: version \"v1.0.0\" invalid: should be v2, not v1"),
        ("require a.com/x v2.0.0", "2: require a.com/x: version \"v2.0.0\" invalid: should be v0 or v1, not v2"),
        ("require a.com/x/v1 v1.0.0", "2: invalid module path"),
        ("require a.com/x", "2: usage: require module/path v1.2.3"),
        ("exclude a.com/x v1.0.0 extra", "2: usage: exclude module/path v1.2.3"),
        ("replace a.com/x => b.com/y", "2: replacement module without version must be directory path (rooted or starting with . or ..)"),
        ("replace a.com/x => b.com/y@v1.0.0", "2: replacement module must match format 'path version', not 'path@version'"),
        ("replace a.com/x v1.0.0 => ../oops v0.0.0", "2: replacement module directory path \"../oops\" cannot have version"),
        ("replace a.com/x/v1 => ./x", "2: replace a.com/x/v1: invalid module path"),
        ("replace a.com/x", "2: usage: replace module/path [v1.2.3] => other/module v1.4\n\t or replace module/path [v1.2.3] => ../local/directory"),
        ("  go 1.2.3 x", "2:3: go directive expects exactly one argument"),
        ("go v1.17.0", "2: invalid go version 'v1.17.0': must match format 1.23.0"),
        ("toolchain 1.21", "2: invalid toolchain version '1.21': must match format go1.23.0 or default"),
        ("x y", "2: unknown directive: x"),
        ("go (\n\t1.21\n)", "2: unknown block type: go"),
        ("require a.com (\n)", "2: unknown block type: require a.com"),
        ("tool", "2: tool directive expects exactly one argument"),
        ("ignore a b", "2: ignore directive expects exactly one argument"),
    ];
    for (line, want) in cases {
        let doc = gomod(&format!("module m\n{line}\n"));
        assert_eq!(errors(&doc), [want], "{line}");
    }
    // gopkg.in paths carry their major version as .vN.
    let doc = gomod("module m\nrequire gopkg.in/yaml.v2 v2.2.1\nrequire gopkg.in/check.v1 v0.0.0-20161208181325-20d25e280405\n");
    assert!(doc.errors.is_empty(), "{:?}", doc.errors);
}

#[test]
fn repeats_keep_the_first() {
    let doc =
        gomod("module a\ngo 1.21\nmodule b\ngo 1.22\ntoolchain go1.22.0\ntoolchain default\n");
    assert_eq!(
        errors(&doc),
        [
            "3: repeated module statement",
            "4: repeated go statement",
            "6: repeated toolchain statement"
        ]
    );
    assert_eq!(value(&doc, "module.path"), "a");
    assert_eq!(value(&doc, "go"), "1.21");
    assert_eq!(value(&doc, "toolchain"), "go1.22.0");
    // A bad go line does not count as the go statement; a bad module line does.
    assert_eq!(
        errors(&gomod("go x\ngo 1.21\n")),
        ["1: invalid go version 'x': must match format 1.23.0"]
    );
    assert_eq!(
        errors(&gomod("module\nmodule m\n")),
        [
            "1: usage: module module/path",
            "2: repeated module statement"
        ]
    );
}

#[test]
fn retract_ranges_and_rationale() {
    let src = "module m\n\n// Published too early.\n// Do not use.\nretract v1.0.0\n\nretract [v1.1.0, v1.2.0] // broken build\n\n// block comment\nretract (\n\t\"v1.3.0\"\n\t// above\n\n\t// still above\n\t[v1.4.0,v1.5.0] // beside\n)\nretract v2.0.0\n";
    let doc = gomod(src);
    assert!(doc.errors.is_empty(), "{:?}", doc.errors);
    assert_eq!(value(&doc, "retract.0.low"), "v1.0.0");
    assert_eq!(
        at(&doc, "retract.0.low").span,
        at(&doc, "retract.0.high").span
    );
    assert_eq!(
        value(&doc, "retract.0.rationale"),
        "Published too early.\nDo not use."
    );
    assert_eq!(
        raw(&doc, "retract.0.rationale"),
        "// Published too early.\n// Do not use."
    );

    assert_eq!(raw(&doc, "retract.1.low"), "v1.1.0");
    assert_eq!(raw(&doc, "retract.1.high"), "v1.2.0");
    assert_eq!(raw(&doc, "retract.1"), "retract [v1.1.0, v1.2.0]");
    assert_eq!(value(&doc, "retract.1.rationale"), "broken build");
    assert_eq!(raw(&doc, "retract.1.rationale"), "// broken build");

    // A block entry without comments of its own takes the block's.
    assert_eq!(value(&doc, "retract.2.low"), "v1.3.0");
    assert_eq!(value(&doc, "retract.2.rationale"), "block comment");
    assert_eq!(
        value(&doc, "retract.3.rationale"),
        "above\nstill above\nbeside"
    );
    assert_eq!(raw(&doc, "retract.3.high"), "v1.5.0");
    assert!(at(&doc, "retract.4").get("rationale").is_none());

    // Versions are only unquoted (as cmd/go parses), but the syntax is checked.
    assert_eq!(
        value(&gomod("retract anything\n"), "retract.0.low"),
        "anything"
    );
    for (line, want) in [
        ("retract", "1: expected '[' or version"),
        ("retract [", "1: expected version after '['"),
        ("retract [v1.0.0 v1.1.0]", "1: expected ',' after version"),
        ("retract [v1.0.0,", "1: expected version after ','"),
        ("retract [v1.0.0, v1.1.0", "1: expected ']' after version"),
        (
            "retract v1.0.0 v1.1.0",
            "1: unexpected token after version: \"v1.1.0\"",
        ),
        (
            "retract `v1`",
            "1: retract: version \"`v1`\" invalid: unquoted string cannot contain quote",
        ),
    ] {
        assert_eq!(errors(&gomod(&format!("{line}\n"))), [want], "{line}");
    }
}

#[test]
fn deprecated_module() {
    let doc = gomod("// Deprecated: use example.com/v2 instead.\nmodule example.com\n");
    assert_eq!(
        value(&doc, "module.deprecated"),
        "use example.com/v2 instead."
    );
    assert_eq!(
        raw(&doc, "module.deprecated"),
        "// Deprecated: use example.com/v2 instead."
    );

    let doc = gomod("module example.com // Deprecated: gone\n");
    assert_eq!(value(&doc, "module.deprecated"), "gone");

    // Only a paragraph that starts with it counts; the message runs to the paragraph end.
    let doc = gomod("// The module.\n//\n// Deprecated:   a\n// b\n//\n// More.\nmodule m\n");
    assert_eq!(value(&doc, "module.deprecated"), "a\nb");
    assert_eq!(raw(&doc, "module.deprecated"), "// Deprecated:   a\n// b");
    for text in [
        "// Not Deprecated: x\nmodule m\n",
        "// Deprecated: x\n\nmodule m\n",
        "// deprecated: x\nmodule m\n",
        "// Deprecated:\nmodule m\n",
    ] {
        assert!(
            at(&gomod(text), "module").get("deprecated").is_none(),
            "{text}"
        );
    }
    // In a block, the block's comment serves a line that has none.
    let doc = gomod("// Deprecated: blocky\nmodule (\n\tm\n)\n");
    assert_eq!(value(&doc, "module.deprecated"), "blocky");
}

#[test]
fn comments_are_all_recorded() {
    let doc = gomod("// head\nmodule m // beside\n\nrequire ( // open\n\t// inside\n\ta.com/x v1.0.0 //tight\n) // close\n//end");
    let got: Vec<(&str, bool, &str)> = doc
        .comments
        .iter()
        .map(|c| (c.text.as_str(), c.trailing, doc.raw(c.span)))
        .collect();
    assert_eq!(
        got,
        [
            (" head", false, "// head"),
            (" beside", true, "// beside"),
            (" open", true, "// open"),
            (" inside", false, "// inside"),
            ("tight", true, "//tight"),
            (" close", true, "// close"),
            ("end", false, "//end"),
        ]
    );
}

#[test]
fn crlf_files() {
    let src = "module m\r\n\r\ngo 1.21\r\n\r\nrequire (\r\n\ta.com/x v1.0.0 // indirect\r\n\t\"b.com/y\" v1.0.0\r\n)\r\n";
    let doc = gomod(src);
    assert!(doc.errors.is_empty(), "{:?}", doc.errors);
    assert_eq!(raw(&doc, "go"), "1.21");
    assert_eq!(raw(&doc, "module"), "module m");
    assert_eq!(raw(&doc, "require.0"), "a.com/x v1.0.0");
    assert_eq!(raw(&doc, "require.0.indirect"), "// indirect");
    assert_eq!(doc.comments[0].text, " indirect");
    assert_eq!(raw(&doc, "require.1.path"), "\"b.com/y\"");
    assert_eq!(
        doc.source.position(at(&doc, "require.1").span.start).line,
        7
    );
    assert_eq!(
        shape(&doc.root),
        shape(&gomod(&src.replace("\r\n", "\n")).root)
    );
}

#[test]
fn a_byte_order_mark_is_an_error_as_in_go_but_the_tree_is_built() {
    // go1.27.3: "go.mod:1: unexpected input character '\ufeff'".
    let (text, encoding) = decode(b"\xEF\xBB\xBFmodule m\n").unwrap();
    let doc = parse(SourceText::new("go.mod", text, encoding), Target::GoMod);
    assert_eq!(doc.errors.len(), 1);
    assert_eq!(
        doc.errors[0].message,
        "unexpected input character '\\ufeff'"
    );
    assert_eq!(at(&doc, "module.path").span, Span::new(7, 8));

    let (text, encoding) = decode(&Encoding::Utf16Le.encode("module m\n")).unwrap();
    let doc = parse(SourceText::new("go.mod", text, encoding), Target::GoMod);
    assert!(
        doc.errors[0].message.contains("UTF-16LE"),
        "{:?}",
        doc.errors
    );
}

#[test]
fn empty_and_blank_files() {
    for text in ["", "\n\n", "   \t\r\n", "// only a comment"] {
        let doc = gomod(text);
        assert!(doc.errors.is_empty(), "{text:?}");
        assert_eq!(shape(&doc.root), "{}");
        assert_eq!(doc.root.span, Span::new(0, text.len()));
    }
}

#[test]
fn go_work() {
    let doc = gowork(
        "go 1.23\ntoolchain go1.23.1\ngodebug x=1\nuse \"./a\"\nreplace a.com/x v1.0.0 => ./x\n",
    );
    assert!(doc.errors.is_empty(), "{:?}", doc.errors);
    assert_eq!(value(&doc, "use.0.path"), "./a");
    assert_eq!(value(&doc, "replace.0.new.path"), "./x");
    assert_eq!(
        errors(&gowork("module m\n")),
        ["1: unknown directive: module"]
    );
    assert_eq!(
        errors(&gowork("require (\n)\n")),
        ["1: unknown block type: require"]
    );
    assert_eq!(errors(&gowork("use a b\n")), ["1: usage: use local/dir"]);
}

#[test]
fn syntax_errors_at_go_positions() {
    let cases = [
        ("module x\n\x0b\n", "2: unexpected input character '\\v'"),
        (
            "module x\nrequire (\n  x v1.0.0\n) y z\n",
            "4:4: syntax error (expected newline after closing paren)",
        ),
        (
            "module x\nrequire (\n  x v1.0.0\n   ",
            "4:4: syntax error (unterminated block started at go.mod:2:1)",
        ),
        (
            "module x\nrequire x \"v1\n",
            "2:14: unexpected newline in string",
        ),
        ("module x\nrequire x \"v1", "2:11: unexpected EOF in string"),
        (
            "module x\nfoo /* x\n",
            "2:5: mod files must use // comments (not /* */ comments)",
        ),
        (
            "module a/*b\n",
            "1:9: mod files must use // comments (not /* */ comments)",
        ),
        (
            "module x\u{a0}y\n",
            "1:9: unexpected input character '\\u00a0'",
        ),
    ];
    for (text, want) in cases {
        assert_eq!(
            errors(&gomod(text)).first().map(String::as_str),
            Some(want),
            "{text:?}"
        );
    }
    // After a syntax error Go checks no directive, so neither do we report one; what
    // parses is still in the tree.
    let doc = gomod("module m\nbogus\nrequire a.com/x v1.0.0\nrequire (\n");
    assert_eq!(
        errors(&doc),
        ["5: syntax error (unterminated block started at go.mod:4:1)"]
    );
    assert_eq!(value(&doc, "require.0.path"), "a.com/x");
}

#[test]
fn odd_but_valid_syntax() {
    // `( )` and `(` inside a line are tokens, not blocks.
    assert_eq!(
        errors(&gomod("block4 \"x\" ( ) \"y\"\n")),
        ["1: unknown directive: block4"]
    );
    // An empty block is fine.
    let doc = gomod("require ()\nrequire (\n)\n");
    assert!(doc.errors.is_empty() && shape(&doc.root) == "{}");
    // A lone `)` is a directive named `)`.
    assert_eq!(errors(&gomod(")\n")), ["1: unknown directive: )"]);
}

/// xorshift64*: deterministic pseudo-random bytes without a dependency.
fn pseudo_random(seed: &mut u64) -> u64 {
    *seed ^= *seed >> 12;
    *seed ^= *seed << 25;
    *seed ^= *seed >> 27;
    seed.wrapping_mul(0x2545_F491_4F6C_DD1D)
}

fn check_invariants(text: &str) {
    for target in [Target::GoMod, Target::GoWork] {
        let doc = parse(
            SourceText::new("go.mod", text.to_owned(), Encoding::Utf8),
            target,
        );
        let mut spans = vec![doc.root.span];
        fn collect(n: &Node, out: &mut Vec<Span>) {
            out.push(n.span);
            match &n.value {
                Value::List(items) => items.iter().for_each(|i| collect(i, out)),
                Value::Map(es) => es.iter().for_each(|e| {
                    out.push(e.key_span);
                    collect(&e.value, out)
                }),
                _ => {}
            }
        }
        collect(&doc.root, &mut spans);
        spans.extend(doc.comments.iter().map(|c| c.span));
        spans.extend(doc.errors.iter().map(|e| e.span));
        for s in spans {
            assert!(s.start <= s.end && s.end <= text.len(), "{s:?} in {text:?}");
            assert!(
                text.is_char_boundary(s.start) && text.is_char_boundary(s.end),
                "{text:?}"
            );
        }
        assert!(
            doc.errors
                .windows(2)
                .all(|w| w[0].span.start <= w[1].span.start),
            "{text:?}"
        );
    }
}

#[test]
fn junk_never_panics() {
    let alphabet: &[u8] = b"()[]{},\"`\\/\n\r\t =>*;#abv019.-+\x0b\xc3\xa9\xe2\x80\xa8\xff\x00";
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    for round in 0..600 {
        let len = (pseudo_random(&mut seed) % 200) as usize;
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                let r = pseudo_random(&mut seed);
                if round % 2 == 0 {
                    alphabet[(r % alphabet.len() as u64) as usize]
                } else {
                    r as u8
                }
            })
            .collect();
        check_invariants(&String::from_utf8_lossy(&bytes));
    }
    let prefixed = [
        "require (",
        "module m\nrequire (\n\ta v1",
        "\"",
        "`abc",
        "\"abc\\",
        ")",
        "( (",
        "retract [",
        "//",
        "/*",
    ];
    for text in prefixed {
        check_invariants(text);
        check_invariants(&format!("{text}\n"));
    }
    let nested = "(".repeat(10_000);
    check_invariants(&nested);
    check_invariants(&format!("require {nested}\n{}\n", ")".repeat(10_000)));
}

#[test]
fn go_helpers() {
    for v in ["1.21", "1.21.0", "1.21rc1", "1.0", "10.100.1000beta22"] {
        assert!(is_go_version(v), "{v}");
    }
    for v in [
        "1", "1.", "01.2", "1.02", "1.2.", "1.2.3.4", "1.21rc", "1.21-rc1", "go1.21", "v1.21",
        "1.21RC1", "",
    ] {
        assert!(!is_go_version(v), "{v}");
    }
    assert_eq!(canonical_version("v1").as_deref(), Some("v1.0.0"));
    assert_eq!(canonical_version("v1.2.3+meta").as_deref(), Some("v1.2.3"));
    assert_eq!(
        canonical_version("v2.0.0+incompatible").as_deref(),
        Some("v2.0.0+incompatible")
    );
    for v in [
        "1.2.3",
        "v1.2.3x",
        "v01.2.3",
        "v1.2.3-01",
        "v1.2.3-",
        "v1.2+meta",
        "v1.2.3+",
    ] {
        assert_eq!(canonical_version(v), None, "{v}");
    }
    assert_eq!(path_major("a.com/x/v2"), Some("/v2"));
    assert_eq!(path_major("a.com/x"), Some(""));
    assert_eq!(path_major("a.com/x/v1"), None);
    assert_eq!(path_major("a.com/x/v2.1"), None);
    assert_eq!(path_major("gopkg.in/yaml.v2"), Some(".v2"));
    assert_eq!(path_major("gopkg.in/yaml"), None);
    assert_eq!(
        quote("a\"b\\c\u{7}\u{feff}é\u{1F600}\u{E0001}"),
        r#""a\"b\\c\a\ufeffé😀\U000e0001""#
    );
    assert_eq!(quote_rune('\''), r"'\''");
    assert_eq!(quote_rune('\u{0}'), r"'\x00'");
}

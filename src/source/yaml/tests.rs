use crate::source::test_support::{at, raw, style, value};
use std::time::{Duration, Instant};

use super::build::{ALIAS_BASE, MAX_DEPTH};
use super::*;
use crate::document::{Encoding, Node, ScalarStyle, Span, Value};

fn yaml(text: &str) -> Document {
    parse(
        SourceText::new("ci.yml", text.to_owned(), Encoding::Utf8),
        Target::GithubWorkflow,
    )
}

/// A document that must have no syntax error.
fn ok(text: &str) -> Document {
    let doc = yaml(text);
    assert_eq!(errors(&doc), Vec::<String>::new(), "in {text:?}");
    check_spans(&doc);
    doc
}

/// `line:column: message` for each error.
fn errors(doc: &Document) -> Vec<String> {
    doc.errors
        .iter()
        .map(|e| format!("{}: {}", doc.source.position(e.span.start), e.message))
        .collect()
}

/// The tree without spans and styles: `{k=v,...}`, `[a,b]`, scalars quoted.
fn shape(node: &Node) -> String {
    node.shape()
}

/// Every span lies in the text, on character boundaries (without recursion).
fn check_spans(doc: &Document) {
    let text = &doc.source.text;
    let good = |s: Span| {
        s.start <= s.end
            && s.end <= text.len()
            && text.is_char_boundary(s.start)
            && text.is_char_boundary(s.end)
    };
    let mut todo = vec![&doc.root];
    while let Some(node) = todo.pop() {
        assert!(good(node.span), "bad span {:?}", node.span);
        match &node.value {
            Value::List(items) => todo.extend(items),
            Value::Map(entries) => {
                for e in entries {
                    assert!(good(e.key_span), "bad key span {:?}", e.key_span);
                    todo.push(&e.value);
                }
            }
            _ => {}
        }
    }
    for c in &doc.comments {
        assert!(good(c.span));
        assert_eq!(&text[c.span.start..c.span.end], format!("#{}", c.text));
    }
    for e in &doc.errors {
        assert!(good(e.span));
    }
}

/// The comments as `line:column text` (`+` marks a trailing one).
fn comments(doc: &Document) -> Vec<String> {
    doc.comments
        .iter()
        .map(|c| {
            let mark = if c.trailing { "+" } else { "" };
            format!("{}{mark}{}", doc.source.position(c.span.start), c.text)
        })
        .collect()
}

const WORKFLOW: &str = "\
name: CI
on:
  push:
    branches: [main]
  pull_request:
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-go@v5
        with:
          go-version: '1.22'
      - run: |
          go build ./...
          go test ./...
";

#[test]
fn reads_a_workflow() {
    let doc = ok(WORKFLOW);
    assert_eq!(
        shape(&doc.root),
        "{name=\"CI\",on={push={branches=[\"main\"]},pull_request=\"\"},jobs={build={\
         runs-on=\"ubuntu-latest\",steps=[{uses=\"actions/checkout@v4\"},\
         {uses=\"actions/setup-go@v5\",with={go-version=\"1.22\"}},\
         {run=\"go build ./...\\ngo test ./...\\n\"}]}}}"
    );
    let setup = at(&doc, "jobs.build.steps.1.uses");
    assert_eq!(doc.source.position(setup.span.start).to_string(), "11:15");
    assert_eq!(raw(&doc, "jobs.build.steps.1.with.go-version"), "'1.22'");
    assert_eq!(raw(&doc, "on.push.branches"), "[main]");
    // A block map runs from its first key to its last value.
    assert_eq!(
        raw(&doc, "on"),
        "push:\n    branches: [main]\n  pull_request:"
    );
    assert_eq!(
        raw(&doc, "jobs.build.steps.2"),
        "run: |\n          go build ./...\n          go test ./..."
    );
    let Value::Map(top) = &doc.root.value else {
        panic!()
    };
    assert_eq!(doc.raw(top[1].key_span), "on");
    // The empty value of `pull_request:` sits just after its colon.
    let pr = at(&doc, "on.pull_request").span;
    assert!(pr.is_empty());
    assert_eq!(&doc.source.text[pr.start - 13..pr.start], "pull_request:");
    assert_eq!(doc.root.span, Span::new(0, WORKFLOW.trim_end().len()));
}

#[test]
fn scalars_keep_their_token_and_style() {
    let doc = ok("a: plain text\nb: 'single ''q'''\nc: \"dq\\tx\"\nd: |\n  lit\n  two\ne: >-\n  folded\n  text\n\nf: x\n");
    let cases = [
        ("a", "plain text", "plain text", ScalarStyle::Plain),
        (
            "b",
            "'single ''q'''",
            "single 'q'",
            ScalarStyle::SingleQuoted,
        ),
        ("c", "\"dq\\tx\"", "dq\tx", ScalarStyle::DoubleQuoted),
        ("d", "|\n  lit\n  two", "lit\ntwo\n", ScalarStyle::Literal),
        (
            "e",
            ">-\n  folded\n  text",
            "folded text",
            ScalarStyle::Folded,
        ),
        ("f", "x", "x", ScalarStyle::Plain),
    ];
    for (path, want_raw, want_value, want_style) in cases {
        assert_eq!(raw(&doc, path), want_raw, "{path}");
        assert_eq!(value(&doc, path), want_value, "{path}");
        assert_eq!(style(&doc, path), want_style, "{path}");
    }
    // A quoted scalar ends at its closing quote, not at the comment after it.
    let doc = ok(
        "a: \"x\\\" y\"   # c\nb: 'it''s'  \n\"k\" : [ \"v\" , 'w' ]\nm: \"multi\n  line\" # d\n",
    );
    assert_eq!(raw(&doc, "a"), "\"x\\\" y\"");
    assert_eq!(raw(&doc, "b"), "'it''s'");
    assert_eq!(raw(&doc, "k"), "[ \"v\" , 'w' ]");
    assert_eq!(raw(&doc, "k.0"), "\"v\"");
    assert_eq!(raw(&doc, "k.1"), "'w'");
    let Value::Map(entries) = &doc.root.value else {
        panic!()
    };
    assert_eq!(doc.raw(entries[2].key_span), "\"k\"");
    assert_eq!(raw(&doc, "m"), "\"multi\n  line\"");
    assert_eq!(comments(&doc), ["1:14+ c", "5:9+ d"]);
}

#[test]
fn block_scalar_spans_cover_header_and_content_only() {
    let doc =
        ok("a: &x |2- # note\n   two\n\n\nb: !!str >\n  t\nc: |\nd: >+\n  keep\n\n# after\ne: 1\n");
    assert_eq!(raw(&doc, "a"), "&x |2- # note\n   two");
    assert_eq!(value(&doc, "a"), " two");
    assert_eq!(raw(&doc, "b"), "!!str >\n  t");
    // No content: the indicator alone.
    assert_eq!(raw(&doc, "c"), "|");
    assert_eq!(value(&doc, "c"), "");
    assert_eq!(raw(&doc, "d"), ">+\n  keep");
    assert_eq!(value(&doc, "d"), "keep\n\n");
    assert_eq!(comments(&doc), ["1:11+ note", "11:1 after"]);
    // In a sequence, after `- `.
    let doc = ok("- |\n  x\n- >\n  y\n");
    assert_eq!(raw(&doc, "0"), "|\n  x");
    assert_eq!(raw(&doc, "1"), ">\n  y");
    // A document that is one block scalar.
    let doc = ok("--- |\n  x\n");
    assert_eq!(doc.raw(doc.root.span), "|\n  x");
}

#[test]
fn flow_collections() {
    let doc = ok("m: {a: 1, b: [x, y], c: {}}\nl: [ [1], {k: v}, ]\n");
    assert_eq!(
        shape(&doc.root),
        "{m={a=\"1\",b=[\"x\",\"y\"],c={}},l=[[\"1\"],{k=\"v\"}]}"
    );
    assert_eq!(raw(&doc, "m"), "{a: 1, b: [x, y], c: {}}");
    assert_eq!(raw(&doc, "m.b"), "[x, y]");
    assert_eq!(raw(&doc, "m.b.1"), "y");
    assert_eq!(raw(&doc, "l"), "[ [1], {k: v}, ]");
    assert_eq!(raw(&doc, "l.1"), "{k: v}");
    // saphyr ends a flow map with a trailing comma at the comma.
    let doc = ok("m: {a: 1, } # c\nn: {b: 2 ,\n  # own\n  }\n");
    assert_eq!(raw(&doc, "m"), "{a: 1, }");
    assert_eq!(raw(&doc, "n"), "{b: 2 ,\n  # own\n  }");
    assert_eq!(comments(&doc), ["1:13+ c", "3:3 own"]);
    // saphyr's end events run on over a trailing comment, and its empty scalars take the
    // next token's span.
    let doc = ok("a: &x 1\nc: [*x ]  # d\nd: {x, y: }   # e\ne: {{ g }}  # f\nf: [ # g\n  1]\n");
    assert_eq!(raw(&doc, "c"), "[*x ]");
    assert_eq!(raw(&doc, "d"), "{x, y: }");
    assert_eq!(raw(&doc, "d.x"), "");
    assert_eq!(at(&doc, "d.x").span, Span::new(27, 27));
    assert_eq!(raw(&doc, "d.y"), "");
    assert_eq!(at(&doc, "d.y").span, Span::new(31, 31));
    assert_eq!(raw(&doc, "e"), "{{ g }}");
    assert_eq!(raw(&doc, "e.{ g }"), "");
    assert_eq!(raw(&doc, "f"), "[ # g\n  1]");
    assert_eq!(comments(&doc), ["2:11+ d", "3:15+ e", "4:13+ f", "5:6+ g"]);
}

#[test]
fn flow_lines_indented_like_their_block_load_as_libyaml_loads_them() {
    // saphyr rejects these `]` and `}` lines (the spec wants them indented deeper than
    // `needs`); GitLab, PyYAML and go-yaml take them.
    let text = "\
job:
  needs: [
    \"a\",
    'b',
  ]
  other: {
    \"k\": [\"x\",
  \"ü\"],
  }
  after: \"z\" # c
";
    let doc = ok(text);
    assert_eq!(
        shape(&doc.root),
        "{job={needs=[\"a\",\"b\"],other={k=[\"x\",\"ü\"]},after=\"z\"}}"
    );
    assert_eq!(raw(&doc, "job.needs"), "[\n    \"a\",\n    'b',\n  ]");
    assert_eq!(raw(&doc, "job.other.k.1"), "\"ü\"");
    assert_eq!(
        raw(&doc, "job.other"),
        "{\n    \"k\": [\"x\",\n  \"ü\"],\n  }"
    );
    assert_eq!(raw(&doc, "job.after"), "\"z\"");
    assert_eq!(comments(&doc), ["10:14+ c"]);
    // A real error there is still reported, where it is.
    let doc = yaml("job:\n  needs: [\n    \"a\",\n  ]\n  - x\n");
    assert_eq!(doc.errors.len(), 1, "{:?}", errors(&doc));
    assert!(errors(&doc)[0].starts_with("5:"), "{:?}", errors(&doc));
    check_spans(&doc);
}

#[test]
fn non_ascii_text_has_byte_spans() {
    let doc = ok("é: \"ünï\" # ça\nname: 日本語 テキスト\nx: [ä, ö]\n");
    assert_eq!(raw(&doc, "é"), "\"ünï\"");
    assert_eq!(value(&doc, "é"), "ünï");
    assert_eq!(raw(&doc, "name"), "日本語 テキスト");
    assert_eq!(raw(&doc, "x.1"), "ö");
    assert_eq!(comments(&doc), ["1:10+ ça"]);
    // Past the first 64 characters, where the offset table takes over.
    let long = format!("{}: v\nk: «{}»\n", "ü".repeat(100), "ß".repeat(300));
    let doc = ok(&long);
    assert_eq!(raw(&doc, "k"), format!("«{}»", "ß".repeat(300)));
}

#[test]
fn non_scalar_keys_are_their_source_text() {
    let doc = ok("? [a, b]\n: list key\n{x: 1}: map key\n? |\n  block\n: v\n");
    let Value::Map(entries) = &doc.root.value else {
        panic!()
    };
    let keys: Vec<_> = entries.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["[a, b]", "{x: 1}", "block\n"]);
    assert_eq!(doc.raw(entries[2].key_span), "|\n  block");
    assert_eq!(value(&doc, "[a, b]"), "list key");
}

#[test]
fn anchors_aliases_and_merge_keys() {
    let text = "\
.base: &base
  image: golang:1.22
  tags: [docker]
.extra: &extra
  tags: [k8s]
  retry: 2
a: &s hello
b: *s
test:
  <<: *base
  script: go test
build:
  <<: [*extra, *base]
  image: golang:1.23
";
    let doc = ok(text);
    assert_eq!(value(&doc, "b"), "hello");
    // The copy keeps the anchored node's span.
    assert_eq!(raw(&doc, "b"), "&s hello");
    assert_eq!(
        shape(at(&doc, "test")),
        "{image=\"golang:1.22\",tags=[\"docker\"],script=\"go test\"}"
    );
    // Own keys win, then the first map listed.
    assert_eq!(
        shape(at(&doc, "build")),
        "{tags=[\"k8s\"],retry=\"2\",image=\"golang:1.23\"}"
    );
    assert_eq!(raw(&doc, "test.image"), "golang:1.22");
    assert_eq!(
        doc.source.position(at(&doc, "test.image").span.start).line,
        2
    );
    // The map's span is its own text.
    assert_eq!(raw(&doc, "test"), "<<: *base\n  script: go test");

    // A `<<` that is not a map stays a key; a quoted one is an ordinary key.
    let doc = ok("a: {<<: 1, \"<<\": 2}\n");
    assert_eq!(shape(&doc.root), "{a={<<=\"1\",<<=\"2\"}}");
    // A map merged from an anchored map that itself merges.
    let doc = ok("x: &x {a: 1}\ny: &y {<<: *x, b: 2}\nz: {<<: *y, c: 3}\n");
    assert_eq!(shape(at(&doc, "z")), "{a=\"1\",b=\"2\",c=\"3\"}");
    // Anchored collections as aliases.
    let doc = ok("l: &l [1, 2]\nm: *l\n");
    assert_eq!(shape(at(&doc, "m")), "[\"1\",\"2\"]");
    assert_eq!(raw(&doc, "m"), "&l [1, 2]");
}

#[test]
fn bad_aliases_are_errors() {
    let doc = yaml("a: *nope\n");
    assert_eq!(
        errors(&doc),
        ["1:4: while parsing node, found unknown anchor"]
    );
    let doc = yaml("a: &a [1, *a]\n");
    assert_eq!(
        errors(&doc),
        ["1:11: alias `*a` is inside the node it refers to (a recursive alias)"]
    );
    let doc = yaml("a: &a 1\n---\nb: *a\n");
    assert_eq!(
        errors(&doc),
        ["3:4: alias `*a` refers to an anchor of another document"]
    );
}

#[test]
fn gitlab_reference_tags_load_as_lists() {
    let doc = ok(".setup:\n  script: [a]\ntest:\n  script:\n    - !reference [.setup, script]\n    - go test\n");
    assert_eq!(
        shape(at(&doc, "test.script")),
        "[[\".setup\",\"script\"],\"go test\"]"
    );
    assert_eq!(raw(&doc, "test.script.0"), "!reference [.setup, script]");
}

#[test]
fn duplicate_keys_are_errors_and_the_first_value_stays() {
    let doc = yaml("name: a\non: push\nname: b\n");
    assert_eq!(errors(&doc), ["3:1: duplicate key `name`; first at line 1"]);
    assert_eq!(value(&doc, "name"), "a");
    assert_eq!(doc.errors[0].span, Span::new(17, 21));
    // In a big map (hashed lookup) and in flow maps.
    let mut text: String = (0..40).map(|i| format!("k{i}: {i}\n")).collect();
    text.push_str("k7: again\n");
    let doc = yaml(&text);
    assert_eq!(errors(&doc), ["41:1: duplicate key `k7`; first at line 8"]);
    assert_eq!(value(&doc, "k7"), "7");
    let doc = yaml("{a: 1, 'a': 2}");
    assert_eq!(errors(&doc), ["1:8: duplicate key `a`; first at line 1"]);
    // Merged keys never clash with the map's own.
    ok("b: &b {x: 1}\nc: {<<: *b, x: 2}\n");
}

#[test]
fn documents() {
    // No document: an empty map.
    for text in ["", "# only a comment\n", "\n\n"] {
        let doc = ok(text);
        assert_eq!(shape(&doc.root), "{}");
        assert_eq!(doc.root.span, Span::new(0, 0));
    }
    let doc = ok("a: 1\n");
    assert_eq!(shape(&doc.root), "{a=\"1\"}");
    // GitLab's spec header.
    let text = "spec:\n  inputs:\n    stage:\n      default: test\n---\njob:\n  stage: $[[ inputs.stage ]]\n";
    let doc = ok(text);
    assert_eq!(
        shape(&doc.root),
        "[{spec={inputs={stage={default=\"test\"}}}},{job={stage=\"$[[ inputs.stage ]]\"}}]"
    );
    assert_eq!(raw(&doc, "1.job.stage"), "$[[ inputs.stage ]]");
    assert_eq!(doc.raw(doc.root.span), text.trim_end());
    let doc = ok("--- a\n...\n--- b\n");
    assert_eq!(shape(&doc.root), "[\"a\",\"b\"]");
}

#[test]
fn crlf_text() {
    let text = "on:\r\n  push: # c\r\njobs:\r\n  a:\r\n    run: |\r\n      x\r\n      y\r\n    name: plain\r\n      more\r\n    q: \"s\"\r\n";
    let doc = ok(text);
    assert_eq!(value(&doc, "jobs.a.run"), "x\ny\n");
    assert_eq!(raw(&doc, "jobs.a.run"), "|\r\n      x\r\n      y");
    assert_eq!(value(&doc, "jobs.a.name"), "plain more");
    assert_eq!(raw(&doc, "jobs.a.name"), "plain\r\n      more");
    assert_eq!(raw(&doc, "jobs.a.q"), "\"s\"");
    assert_eq!(comments(&doc), ["2:9+ c"]);
    // A carriage return alone ends a line too.
    let doc = ok("a: 1 # one\rb: |\r  x\r  # text\rc: 3\r");
    assert_eq!(shape(&doc.root), "{a=\"1\",b=\"x\\n# text\\n\",c=\"3\"}");
    assert_eq!(comments(&doc), ["1:6+ one"]);
}

#[test]
fn tabs_where_yaml_forbids_them_are_errors() {
    let doc = yaml("a:\n\tb: 1\n");
    assert_eq!(doc.errors.len(), 1, "{:?}", errors(&doc));
    assert_eq!(
        errors(&doc),
        ["2:2: tabs disallowed within this context (block indentation)"]
    );
    check_spans(&doc);
    // Tabs are fine inside scalars, as separation and at the end of a line.
    let doc = ok("a: \t1\nb: \"\tx\"\nc:\t\n  - d\t\n\t\n  - e\n");
    assert_eq!(shape(&doc.root), "{a=\"1\",b=\"\\tx\",c=[\"d\",\"e\"]}");
    // FIXME: YAML 1.2 (and PyYAML, go-yaml) take a tab right after `:`; saphyr-parser
    // 0.3 does not.
    let doc = yaml("a:\t1\n");
    assert_eq!(
        errors(&doc),
        ["1:4: ':' must be followed by a valid YAML whitespace"]
    );
}

#[test]
fn syntax_errors_keep_what_was_built() {
    let doc = yaml("a: 1\nb: [x, y\nc: 2\n");
    assert_eq!(doc.errors.len(), 1);
    assert_eq!(value(&doc, "a"), "1");
    check_spans(&doc);
    let doc = yaml("a: 1\nb: \"open\n");
    assert_eq!(
        errors(&doc),
        ["2:4: while scanning a quoted scalar, found unexpected end of stream"]
    );
    assert_eq!(value(&doc, "a"), "1");
    let doc = yaml("a: b: c\n");
    assert_eq!(doc.errors.len(), 1);
    check_spans(&doc);
}

#[test]
fn comments_own_line_and_trailing() {
    let text = "\
# head
on: push # trailing
jobs:
  # own line
  build:
    steps:
      - run: echo '# not' \"# not\" a#b
      # - run: disabled
      - run: |
          # not a comment: script text
          echo hi # nor this
        # gopolicy:ignore GHA001 reason
        name: x # yes
      - run: \"multi
          # not either\"
#end";
    let doc = ok(text);
    assert_eq!(
        comments(&doc),
        [
            "1:1 head",
            "2:10+ trailing",
            "4:3 own line",
            "8:7 - run: disabled",
            "12:9 gopolicy:ignore GHA001 reason",
            "13:17+ yes",
            "16:1end",
        ]
    );
    assert_eq!(
        value(&doc, "jobs.build.steps.0.run"),
        "echo '# not' \"# not\" a#b"
    );
    assert_eq!(
        value(&doc, "jobs.build.steps.1.run"),
        "# not a comment: script text\necho hi # nor this\n"
    );
    // A comment in flow style and after a key.
    let doc = ok("a: [1, # one\n  2]\nb: # two\n  c\n");
    assert_eq!(comments(&doc), ["1:8+ one", "3:4+ two"]);
    assert_eq!(shape(&doc.root), "{a=[\"1\",\"2\"],b=\"c\"}");
}

#[test]
fn core_schema_resolution() {
    use YamlType::*;
    let table = [
        ("", Null),
        ("~", Null),
        ("null", Null),
        ("Null", Null),
        ("NULL", Null),
        ("nULL", Str),
        ("true", Bool),
        ("True", Bool),
        ("TRUE", Bool),
        ("false", Bool),
        ("False", Bool),
        ("FALSE", Bool),
        ("tRUE", Str),
        ("yes", Str),
        ("on", Str),
        ("off", Str),
        ("y", Str),
        ("0", Int),
        ("12", Int),
        ("-12", Int),
        ("+12", Int),
        ("012", Int),
        ("0o17", Int),
        ("0o18", Str),
        ("0o", Str),
        ("-0o17", Str),
        ("0x1F", Int),
        ("0xfg", Str),
        ("0x", Str),
        ("-0x1", Str),
        ("0b101", Str),
        ("1_000", Str),
        ("1.20", Float),
        ("1.10", Float),
        ("1.", Float),
        (".5", Float),
        ("-.5", Float),
        ("+1.5e3", Float),
        ("1e3", Float),
        ("1E-3", Float),
        ("1.5e", Str),
        ("1.5e+", Str),
        (".", Str),
        ("-", Str),
        ("1.2.3", Str),
        ("1,5", Str),
        (".inf", Float),
        ("-.Inf", Float),
        ("+.INF", Float),
        (".nan", Float),
        (".NaN", Float),
        (".NAN", Float),
        ("-.nan", Str),
        (".Nan", Str),
        ("inf", Str),
        ("1.22.x", Str),
        ("go1.22", Str),
        (" 1", Str),
    ];
    for (text, want) in table {
        assert_eq!(plain_scalar_type(text), want, "{text:?}");
    }
}

#[test]
fn scalar_types_follow_style_and_tags() {
    let doc = ok("\
a: 1.20
b: \"1.20\"
c: '1'
d: !!str 1.20
e: !!int \"3\"
f: &x !!float 1
g: !<tag:yaml.org,2002:bool> \"true\"
h: ! 12
i: !custom 12
j:
k: |
  1
l: *x
m: [1]
n: !!str |
  x
");
    let cases = [
        ("a", YamlType::Float),
        ("b", YamlType::Str),
        ("c", YamlType::Str),
        ("d", YamlType::Str),
        ("e", YamlType::Int),
        ("f", YamlType::Float),
        ("g", YamlType::Bool),
        ("h", YamlType::Str),
        ("i", YamlType::Int),
        ("j", YamlType::Null),
        ("k", YamlType::Str),
        ("l", YamlType::Float),
        ("n", YamlType::Str),
    ];
    for (path, want) in cases {
        assert_eq!(scalar_type(&doc, at(&doc, path)), Some(want), "{path}");
    }
    assert_eq!(scalar_type(&doc, at(&doc, "m")), None);
}

#[test]
fn alias_bombs_stop_fast() {
    let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    let started = Instant::now();
    let doc = yaml(&text);
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(doc.errors.len(), 1);
    let error = &doc.errors[0];
    assert!(
        error.message.starts_with("alias expansion exceeds 10")
            && error.message.ends_with(" nodes (a YAML alias bomb?)"),
        "{}",
        error.message
    );
    assert!(doc.raw(error.span).starts_with("*a"));
    check_spans(&doc);

    // Many aliases of a modest node add up too.
    let mut text = String::from("x: &x [");
    text.push_str(&vec!["1"; 1000].join(","));
    text.push_str("]\nl:\n");
    text.push_str(&"- *x\n".repeat(200));
    let doc = yaml(&text);
    assert_eq!(doc.errors.len(), 1, "{:?}", errors(&doc));
    // 1,005 nodes read (the list of 1,001 and the keys and maps around it): the 110th
    // copy of 1,001 nodes passes 100,000 + 10 × 1,005.
    let limit = ALIAS_BASE + 10 * 1005;
    assert_eq!(
        errors(&doc),
        [format!(
            "112:3: alias expansion exceeds {limit} nodes (a YAML alias bomb?)"
        )]
    );
}

fn deep_error(text: &str) -> Document {
    let started = Instant::now();
    let doc = yaml(text);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(doc.errors.len(), 1, "{:?}", errors(&doc));
    check_spans(&doc);
    doc
}

#[test]
fn deep_nesting_is_a_clean_error() {
    // Flow: saphyr's own limit.
    let doc = deep_error(&"[".repeat(10_000));
    assert_eq!(doc.errors[0].message, "recursion limit exceeded");
    let doc = deep_error(&format!("{}1{}", "{a: ".repeat(10_000), "}".repeat(10_000)));
    assert_eq!(doc.errors[0].message, "recursion limit exceeded");
    // Block sequences on one line, and block maps indented one more space each.
    let doc = deep_error(&format!("{}x\n", "- ".repeat(10_000)));
    assert_eq!(
        doc.errors[0].message,
        format!("more than {MAX_DEPTH} nested collections")
    );
    let mut maps = String::new();
    for i in 0..10_000 {
        maps.push_str(&" ".repeat(i));
        maps.push_str("k:\n");
    }
    let doc = deep_error(&maps);
    assert_eq!(
        doc.errors[0].message,
        format!("more than {MAX_DEPTH} nested collections")
    );
    // The limit itself is fine.
    let doc = ok(&format!("{}x\n", "- ".repeat(MAX_DEPTH)));
    assert!(matches!(doc.root.value, Value::List(_)));
    // Aliases cannot nest deeper than the limit either.
    let deep = format!(
        "a: &a\n  {}x\nb:\n  {}*a\n",
        "- ".repeat(600),
        "- ".repeat(600)
    );
    let doc = deep_error(&deep);
    assert_eq!(
        doc.errors[0].message,
        format!("more than {MAX_DEPTH} nested collections")
    );
}

#[test]
fn big_files_load_in_linear_time() {
    // 50 MB takes long unoptimized: set GOPOLICY_BIG_TESTS for the full size.
    let size = if std::env::var_os("GOPOLICY_BIG_TESTS").is_some() {
        50_000_000
    } else {
        5_000_000
    };
    let mut text = String::from("jobs:\n");
    let mut jobs = 0;
    while text.len() < size {
        text.push_str(&format!(
            "  job{jobs}: &j{jobs}\n    runs-on: ubuntu-latest # trailing\n    steps:\n      - uses: actions/checkout@v4\n      - name: \"Build ü {jobs}\"\n        run: |\n          go build ./... # text\n      - {{a: 1, b: [x, y]}}\n"
        ));
        jobs += 1;
    }
    let started = Instant::now();
    let doc = yaml(&text);
    let took = started.elapsed();
    assert!(doc.errors.is_empty(), "{:?}", errors(&doc));
    let Value::Map(all) = &at(&doc, "jobs").value else {
        panic!()
    };
    assert_eq!(all.len(), jobs);
    assert_eq!(doc.comments.len(), jobs);
    let last = format!("jobs.job{}.steps.1.name", jobs - 1);
    assert_eq!(value(&doc, &last), format!("Build ü {}", jobs - 1));
    eprintln!("{} MB in {took:?}", text.len() / 1_000_000);
}

//! How Windows hands a command's arguments to a Go program, simulated for tests of the
//! quoting of fix commands (no Windows here): PowerShell's reading of a single-quoted
//! string, Windows PowerShell 5.1's legacy argument passing, cmd.exe's reading of a
//! `.cmd` line, and Go's splitting of the command line it gets. Shared by the unit tests
//! of `src/rule/quote.rs` (through `#[path]`) and `tests/doctor_scripts.rs`.

/// How a Go program on Windows splits its command line (`os.commandLineToArgv`, the C
/// runtime's rules): backslashes are literal unless before a `"`.
pub fn msvcrt_split(line: &str) -> Vec<String> {
    let mut args = Vec::new();
    let mut cur = String::new();
    let mut have = false;
    let mut quoted = false;
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            let n = chars[i..].iter().take_while(|&&c| c == '\\').count();
            i += n;
            if chars.get(i) == Some(&'"') {
                cur.push_str(&"\\".repeat(n / 2));
                if n % 2 == 1 {
                    cur.push('"');
                    i += 1;
                }
            } else {
                cur.push_str(&"\\".repeat(n));
            }
            have = true;
            continue;
        }
        if c == '"' {
            // Go's "prior to 2008" rule: `""` inside quotes is a quote, and ends them.
            if quoted && chars.get(i + 1) == Some(&'"') {
                cur.push('"');
                quoted = false;
                i += 2;
                continue;
            }
            quoted = !quoted;
            have = true;
        } else if (c == ' ' || c == '\t') && !quoted {
            if have {
                args.push(std::mem::take(&mut cur));
                have = false;
            }
        } else {
            cur.push(c);
            have = true;
        }
        i += 1;
    }
    if have {
        args.push(cur);
    }
    args
}

/// Windows PowerShell 5.1's legacy passing of one argument: quoted when it has white
/// space outside (unescaped) quotes, nothing escaped.
pub fn legacy_ps_arg(arg: &str) -> String {
    let (mut quotes, mut after_backslash, mut need) = (0, false, false);
    for c in arg.chars() {
        if c == '"' && !after_backslash {
            quotes += 1;
        } else if c.is_whitespace() && quotes % 2 == 0 {
            need = true;
        }
        after_backslash = c == '\\';
    }
    if need {
        format!("\"{arg}\"")
    } else {
        arg.to_owned()
    }
}

/// The characters PowerShell takes for a single quote (each doubled inside `'…'`).
const PS_SINGLE_QUOTES: [char; 5] = ['\'', '\u{2018}', '\u{2019}', '\u{201A}', '\u{201B}'];

/// A PowerShell single-quoted string's value.
pub fn ps_unquote(word: &str) -> String {
    assert!(
        word.len() >= 2 && word.starts_with('\'') && word.ends_with('\''),
        "{word}"
    );
    let inner = &word[1..word.len() - 1];
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        out.push(c);
        if PS_SINGLE_QUOTES.contains(&c) {
            assert!(
                chars.next().is_some_and(|d| PS_SINGLE_QUOTES.contains(&d)),
                "lone quote in {word}"
            );
        }
    }
    out
}

/// cmd.exe's reading of a `.cmd` line: `%%` is `%`, `^x` outside quotes is `x`, and an
/// unescaped `&|<>` outside quotes would end the command.
pub fn cmd_script_line(line: &str) -> String {
    let mut out = String::new();
    let mut quoted = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '%' => {
                assert_eq!(chars.next(), Some('%'), "a lone % in {line}");
                out.push('%');
            }
            '^' if !quoted => out.extend(chars.next()),
            '"' => {
                quoted = !quoted;
                out.push(c);
            }
            '&' | '|' | '<' | '>' if !quoted => panic!("unescaped {c} in {line}"),
            _ => out.push(c),
        }
    }
    out
}

//! Quoting a value as one word for each shell a fix command is written for, behind the
//! template filters `{value|sh}`, `{value|fish}`, `{value|pwsh}`, `{value|powershell}`,
//! `{value|cmd}` and `{value|goword}`. Each returns `None` for a value the shell cannot
//! carry in one word (a NUL anywhere; a line break for cmd), so the command is left out
//! rather than shown wrong.

/// POSIX sh, dash, bash, zsh: single quotes, inside which nothing is special; a `'` is
/// written `'\''` (close, escaped quote, reopen). Plain words stay bare.
pub fn sh(value: &str) -> Option<String> {
    if value.contains('\0') {
        return None;
    }
    // `=` first would be zsh's `=cmd` expansion; `~` is tilde expansion.
    let bare = |c: char| c.is_ascii_alphanumeric() || "_@%+=:,./-".contains(c);
    if !value.is_empty() && value.chars().all(bare) && !value.starts_with('=') {
        return Some(value.to_owned());
    }
    Some(format!("'{}'", value.replace('\'', r"'\''")))
}

/// fish: single quotes, inside which `\\` and `\'` are the only escapes (fish manual,
/// "Quotes"), so both are escaped. Plain words stay bare.
pub fn fish(value: &str) -> Option<String> {
    if value.contains('\0') {
        return None;
    }
    let bare = |c: char| c.is_ascii_alphanumeric() || "_+=:,./-".contains(c);
    if !value.is_empty() && value.chars().all(bare) {
        return Some(value.to_owned());
    }
    let escaped = value.replace('\\', r"\\").replace('\'', r"\'");
    Some(format!("'{escaped}'"))
}

/// The characters PowerShell takes as a single quote: the ASCII one and the typographic
/// ones (about_Quoting_Rules); inside a single-quoted string each is doubled.
const PS_SINGLE_QUOTES: [char; 5] = ['\'', '\u{2018}', '\u{2019}', '\u{201A}', '\u{201B}'];

/// PowerShell (7 and Windows PowerShell 5.1): a single-quoted string, verbatim but for
/// the quote characters, doubled. Always quoted: in an expression a bare word would be a
/// command. As an argument to a native program this is right in PowerShell 7.3 and
/// later, which pass arguments with the quoting the program's C runtime expects
/// (`$PSNativeCommandArgumentPassing`, about_Parsing); for Windows PowerShell 5.1 use
/// [`powershell`].
pub fn pwsh(value: &str) -> Option<String> {
    if value.contains('\0') {
        return None;
    }
    let mut out = String::from("'");
    for c in value.chars() {
        if PS_SINGLE_QUOTES.contains(&c) {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    Some(out)
}

/// An argument to a native program (such as go) under Windows PowerShell 5.1, whose
/// legacy argument passing puts double quotes around an argument with white space but
/// neither escapes the double quotes inside it nor doubles the backslashes before the
/// closing quote. The value is escaped for the program's command-line parser (the C
/// runtime's rules, which Go follows) before it is quoted as a [`pwsh`] string, so what
/// the program receives is the value.
pub fn powershell(value: &str) -> Option<String> {
    let escaped = msvcrt_escape(value);
    // 5.1 wraps an argument in quotes when it has white space outside quotes; every quote
    // here is escaped, so any white space counts. Backslashes before that closing quote
    // must be doubled.
    let wrapped = escaped.chars().any(char::is_whitespace);
    let escaped = if wrapped {
        let trailing = escaped.len() - escaped.trim_end_matches('\\').len();
        format!("{escaped}{}", "\\".repeat(trailing))
    } else {
        escaped
    };
    pwsh(&escaped)
}

/// `"` as `\"`, and the backslashes before a `"` doubled: the C runtime's
/// `CommandLineToArgvW` rules (Microsoft, "Parsing C command-line arguments").
fn msvcrt_escape(value: &str) -> String {
    let mut out = String::new();
    let mut backslashes = 0;
    for c in value.chars() {
        match c {
            '\\' => backslashes += 1,
            '"' => {
                out.push_str(&"\\".repeat(2 * backslashes + 1));
                out.push('"');
                backslashes = 0;
            }
            _ => {
                out.push_str(&"\\".repeat(backslashes));
                out.push(c);
                backslashes = 0;
            }
        }
    }
    out.push_str(&"\\".repeat(backslashes));
    out
}

/// An argument to a native program (go, setx) on a cmd.exe line, written as in a `.cmd`
/// file: double quotes for the program's C-runtime parser, `\"` for a quote inside, `%%`
/// for a literal `%` (a batch file's only escape for it; on an interactive command line
/// `%` cannot be escaped, see `doctor`), and `^` before `&|<>^()` where cmd.exe sees them
/// outside quotes (cmd.exe does not know `\"`, so each embedded quote flips its view).
/// A line break cannot be carried: `None`.
pub fn cmd(value: &str) -> Option<String> {
    if value.contains(['\0', '\n', '\r']) {
        return None;
    }
    let bare = |c: char| c.is_ascii_alphanumeric() || "_.:\\/=+,@-".contains(c);
    if !value.is_empty() && value.chars().all(bare) {
        return Some(value.to_owned());
    }
    let mut out = String::from("\"");
    let mut cmd_quoted = true;
    let mut backslashes = 0;
    for c in value.chars() {
        match c {
            '\\' => {
                backslashes += 1;
                continue;
            }
            '"' => {
                out.push_str(&"\\".repeat(2 * backslashes + 1));
                out.push('"');
                cmd_quoted = !cmd_quoted;
            }
            '%' => {
                out.push_str(&"\\".repeat(backslashes));
                out.push_str("%%");
            }
            _ => {
                out.push_str(&"\\".repeat(backslashes));
                if !cmd_quoted && "&|<>^()".contains(c) {
                    out.push('^');
                }
                out.push(c);
            }
        }
        backslashes = 0;
    }
    out.push_str(&"\\".repeat(2 * backslashes));
    out.push('"');
    Some(out)
}

/// One word for Go's `quoted.Split` (how cmd/go splits CC, CXX and GOFLAGS): bare when it
/// has no white space and does not start with a quote, else inside `"…"` or, when it
/// holds a `"`, `'…'` (there are no escapes). A value with both quotes and white space
/// cannot be one word: `None`.
pub fn goword(value: &str) -> Option<String> {
    let spaced = value.contains([' ', '\t', '\n', '\r']);
    if !value.is_empty() && !spaced && !value.starts_with(['"', '\'']) {
        return Some(value.to_owned());
    }
    if !value.contains('"') {
        Some(format!("\"{value}\""))
    } else if !value.contains('\'') {
        Some(format!("'{value}'"))
    } else {
        None
    }
}

/// Windows' handling of arguments, simulated for the tests (shared with tests/).
#[cfg(test)]
#[path = "../../tests/common/windows_args.rs"]
mod windows_args;

#[cfg(test)]
pub(crate) mod tests {
    use super::windows_args::{cmd_script_line, legacy_ps_arg, msvcrt_split, ps_unquote};
    use super::*;

    /// Values that break naive quoting.
    pub const HOSTILE: &[&str] = &[
        "",
        "plain",
        "/home/me/my go",
        "C:\\Program Files\\Go",
        "C:\\Users\\me\\go\\",
        "C:\\my dir\\",
        "100% %PATH% %%",
        "$HOME $(id) `id` ${x}",
        "it's",
        "say \"hi\"",
        "a\\\"b",
        "\\\\server\\share\\",
        "!history !! ^caret&and|pipe<in>out(paren)",
        "tab\there",
        "naïve 日本語 ✓",
        "‘curly’ ‚low‛",
        "*?[glob] ~ {a,b} # ; & =x",
        "-leading dash",
        "\"-ldflags=-s -w\"",
        "'single' \"double\"",
    ];

    /// POSIX single-quote reading of a word (what sh does with `sh()`'s output).
    fn sh_unquote(word: &str) -> String {
        let mut out = String::new();
        let mut chars = word.chars();
        while let Some(c) = chars.next() {
            match c {
                '\'' => out.extend(chars.by_ref().take_while(|&c| c != '\'')),
                '\\' => out.extend(chars.next()),
                _ => out.push(c),
            }
        }
        out
    }

    /// fish's reading of a word made of single-quoted parts.
    fn fish_unquote(word: &str) -> String {
        let mut out = String::new();
        let mut chars = word.chars().peekable();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (_, '\'') => quoted = !quoted,
                (true, '\\') if matches!(chars.peek(), Some('\\' | '\'')) => {
                    out.extend(chars.next())
                }
                (false, '\\') => out.extend(chars.next()),
                _ => out.push(c),
            }
        }
        out
    }

    #[test]
    fn sh_words_read_back_as_the_value() {
        for v in HOSTILE {
            let q = sh(v).unwrap();
            assert_eq!(sh_unquote(&q), *v, "{q}");
        }
        assert_eq!(sh("/usr/local/go").unwrap(), "/usr/local/go");
        assert_eq!(sh("it's").unwrap(), r"'it'\''s'");
        assert_eq!(sh("=x").unwrap(), "'=x'");
        assert_eq!(sh("").unwrap(), "''");
        assert_eq!(sh("a\0b"), None);
    }

    #[test]
    fn fish_words_read_back_as_the_value() {
        for v in HOSTILE {
            let q = fish(v).unwrap();
            assert_eq!(fish_unquote(&q), *v, "{q}");
        }
        assert_eq!(fish(r"C:\dir\").unwrap(), r"'C:\\dir\\'");
        assert_eq!(fish("it's").unwrap(), r"'it\'s'");
        assert_eq!(fish("100%").unwrap(), "'100%'");
    }

    #[test]
    fn pwsh_strings_read_back_as_the_value() {
        for v in HOSTILE {
            let q = pwsh(v).unwrap();
            assert_eq!(ps_unquote(&q), *v, "{q}");
        }
        assert_eq!(pwsh("it's $HOME").unwrap(), "'it''s $HOME'");
        assert_eq!(pwsh("a‘b").unwrap(), "'a‘‘b'");
    }

    #[test]
    fn windows_powershell_arguments_reach_the_program_intact() {
        for v in HOSTILE {
            let q = powershell(v).unwrap();
            // PowerShell hands `NAME=<string>` to the legacy binder, which builds the
            // command line the program splits.
            let arg = format!("NAME={}", ps_unquote(&q));
            let line = format!("go env -w {}", legacy_ps_arg(&arg));
            let argv = msvcrt_split(&line);
            assert_eq!(argv.len(), 4, "{line}");
            assert_eq!(argv[3], format!("NAME={v}"), "{line}");
        }
        assert_eq!(
            powershell("\"-ldflags=-s -w\"").unwrap(),
            r#"'\"-ldflags=-s -w\"'"#
        );
        assert_eq!(powershell(r"C:\my dir\").unwrap(), r"'C:\my dir\\'");
        assert_eq!(powershell(r"C:\dir\").unwrap(), r"'C:\dir\'");
    }

    #[test]
    fn cmd_arguments_reach_the_program_intact() {
        for v in HOSTILE {
            let Some(q) = cmd(v) else {
                panic!("{v:?} has no cmd form")
            };
            let line = cmd_script_line(&format!("go env -w NAME={q}"));
            let argv = msvcrt_split(&line);
            assert_eq!(argv.len(), 4, "{line}");
            assert_eq!(argv[3], format!("NAME={v}"), "{q}");
        }
        assert_eq!(cmd(r"C:\Go").unwrap(), r"C:\Go");
        assert_eq!(cmd("100%").unwrap(), "\"100%%\"");
        assert_eq!(cmd(r"C:\my dir\").unwrap(), r#""C:\my dir\\""#);
        assert_eq!(cmd("a\"b&c\"d").unwrap(), r#""a\"b^&c\"d""#);
        assert_eq!(cmd("two\nlines"), None);
    }

    #[test]
    fn go_words_survive_quoted_split() {
        assert_eq!(goword("/usr/bin/gcc").unwrap(), "/usr/bin/gcc");
        assert_eq!(goword("/opt/my dir/gcc").unwrap(), "\"/opt/my dir/gcc\"");
        assert_eq!(goword("-ldflags=-s -w").unwrap(), "\"-ldflags=-s -w\"");
        assert_eq!(goword("say \"hi\" now").unwrap(), "'say \"hi\" now'");
        assert_eq!(goword("'x' \"y\""), None);
        assert_eq!(goword("").unwrap(), "\"\"");
    }
}

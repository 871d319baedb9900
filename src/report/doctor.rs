//! `gopolicy doctor`'s report: the machine rules by section, each ✓ (nothing found), ✗
//! (an error) or ! (a warning or note), with where the value was set and the fix for the
//! user's shell.

use crate::diag::Diagnostic;
use crate::rule::schema::{Group, Severity, Shell};
use crate::rule::Rule;

/// What the report is about, for its first line.
pub struct Header {
    pub machine: String,
    pub shell: Shell,
}

pub fn render(header: &Header, rules: &[&Rule], diagnostics: &[Diagnostic]) -> String {
    let mut out = format!(
        "gopolicy doctor: {} (fixes for {})\n",
        header.machine,
        header.shell.name()
    );
    let sections = Group::ALL
        .iter()
        .map(|g| (Some(*g), g.title()))
        .chain([(None, "Other")]);
    for (group, title) in sections {
        let in_group: Vec<&&Rule> = rules.iter().filter(|r| r.group == group).collect();
        if in_group.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{title}\n"));
        for rule in in_group {
            let found: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.id == rule.id).collect();
            if found.is_empty() {
                out.push_str(&format!("  ✓ {} {}\n", rule.id, rule.name));
            }
            for d in found {
                let mark = if d.severity == Severity::Error {
                    '✗'
                } else {
                    '!'
                };
                out.push_str(&format!("  {mark} {} [{}]\n", d.message, d.id));
                // Views of the machine have no file to point at; files do.
                if !d.path.starts_with('<') {
                    out.push_str(&format!("      set in {}:{}\n", d.path, d.start.line));
                }
                if let Some(help) = &d.help {
                    out.push_str(&format!("      {help}\n"));
                }
                if let Some((_, command)) = d.fix.as_ref().and_then(|f| f.command_for(header.shell))
                {
                    out.push_str(&format!("      fix: {command}\n"));
                }
            }
        }
    }
    let problems = diagnostics.len();
    out.push_str(&match problems {
        0 => "\nNo problems found.\n".to_owned(),
        1 => "\n1 problem found.\n".to_owned(),
        n => format!("\n{n} problems found.\n"),
    });
    out
}

/// The fix commands alone, as a script for `shell`: one comment line and one command per
/// finding that has a command for it.
pub fn script(shell: Shell, diagnostics: &[Diagnostic]) -> String {
    let comment = match shell {
        Shell::Cmd => "REM",
        _ => "#",
    };
    let mut out = String::new();
    for d in diagnostics {
        if let Some((_, command)) = d.fix.as_ref().and_then(|f| f.command_for(shell)) {
            let message = super::short::one_line(&d.message);
            out.push_str(&format!("{comment} {} {message}\n{command}\n", d.id));
        }
    }
    out
}

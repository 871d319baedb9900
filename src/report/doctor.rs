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
                    out.push_str(&shown_fix(header.shell, command));
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

/// A fix command as the report shows it: `fix: ` and the command, its further lines
/// indented under the first.
fn shown_fix(shell: Shell, command: &str) -> String {
    // cmd commands are written as in a .cmd file, where `%%` is a literal `%`; on the
    // command line `%` cannot be escaped, so such a command is for a script only.
    let label = if shell == Shell::Cmd && command.contains("%%") {
        "fix (in a .cmd file: `%%` is a literal %; see --script)"
    } else {
        "fix"
    };
    let mut lines = command.lines();
    let mut out = format!("      {label}: {}\n", lines.next().unwrap_or(""));
    for line in lines {
        out.push_str(&format!("           {line}\n"));
    }
    out
}

/// One problem of a script: its finding, and a note for the script (where a profile
/// sets the variable again).
pub struct ScriptItem<'a> {
    pub diagnostic: &'a Diagnostic,
    pub note: Option<String>,
}

/// The fix commands as a script for `shell`: a header, then for each finding a comment
/// (rule id, message, where) and its command, or a comment saying what to do by hand.
/// The script is only printed; running it is the user's choice.
pub fn script(shell: Shell, machine: &str, items: &[ScriptItem<'_>]) -> String {
    let mut out = String::new();
    let comment = |out: &mut String, text: &str| {
        let text = super::short::one_line(text);
        match shell {
            // cmd expands %…% even on a REM line (and `%~` there is an error).
            Shell::Cmd => out.push_str(&format!("REM {}\n", text.replace('%', "%%"))),
            _ => out.push_str(&format!("# {text}\n")),
        }
    };
    let (first, file, run) = match shell {
        Shell::Sh => ("#!/bin/sh", "gopolicy-fix.sh", ". ./gopolicy-fix.sh"),
        Shell::Bash => (
            "#!/usr/bin/env bash",
            "gopolicy-fix.bash",
            ". ./gopolicy-fix.bash",
        ),
        Shell::Zsh => (
            "#!/usr/bin/env zsh",
            "gopolicy-fix.zsh",
            ". ./gopolicy-fix.zsh",
        ),
        Shell::Fish => (
            "#!/usr/bin/env fish",
            "gopolicy-fix.fish",
            "source gopolicy-fix.fish",
        ),
        Shell::Pwsh => ("", "gopolicy-fix.ps1", ". ./gopolicy-fix.ps1"),
        Shell::Powershell => ("", "gopolicy-fix.ps1", ". .\\gopolicy-fix.ps1"),
        Shell::Cmd => ("@echo off", "gopolicy-fix.cmd", "call gopolicy-fix.cmd"),
    };
    if !first.is_empty() {
        out.push_str(first);
        out.push('\n');
    }
    comment(
        &mut out,
        &format!("gopolicy doctor: fixes for {} on {machine}", shell.name()),
    );
    comment(
        &mut out,
        &format!("Review each command, save as {file} and run it in the shell it fixes: `{run}`,"),
    );
    comment(
        &mut out,
        "so that the environment variables it changes change in that shell too. A variable a",
    );
    comment(
        &mut out,
        "profile sets comes back in new shells until you edit the line named below.",
    );
    match shell {
        Shell::Powershell => comment(
            &mut out,
            "Windows PowerShell 5.1 reads a .ps1 without a byte order mark in the ANSI code page: save it as UTF-8 with BOM.",
        ),
        Shell::Pwsh => comment(
            &mut out,
            "For PowerShell 7.3 or later (arguments to go are passed as written); for Windows PowerShell 5.1 use --shell powershell.",
        ),
        _ => {}
    }
    if items.is_empty() {
        comment(&mut out, "No problems found: nothing to do.");
    }
    for item in items {
        let d = item.diagnostic;
        out.push('\n');
        comment(&mut out, &format!("{} {}", d.id, d.message));
        if !d.path.starts_with('<') {
            comment(
                &mut out,
                &format!("set in {} line {}", d.path, d.start.line),
            );
        }
        if let Some(note) = &item.note {
            comment(&mut out, note);
        }
        match d.fix.as_ref().and_then(|f| f.command_for(shell)) {
            Some((_, command)) => {
                out.push_str(command);
                out.push('\n');
            }
            None => {
                let what = if d.path.starts_with('<') {
                    d.help
                        .clone()
                        .unwrap_or_else(|| "see the rule's documentation".into())
                } else {
                    format!("edit {} line {}", d.path, d.start.line)
                };
                comment(&mut out, &format!("no command for this one: {what}"));
            }
        }
    }
    out
}

//! `radiocode man`: the manual page, the same on every machine.

use std::path::Path;

use anyhow::Context;
use clap_mangen::roff::{Roff, bold, roman};

use super::Out;

/// The config file, as the page says it: no machine's own path.
const CONFIG: &str = "~/.config/radiocode/config.toml on Linux, %APPDATA%\\radiocode\\config.toml \
                      on Windows, or the file RADIOCODE_CONFIG names";

/// The command line as the page describes it.
fn command() -> clap::Command {
    let mut cmd = super::with_config_path(CONFIG)
        .override_usage("radiocode [--db <PATH|URL>] [COMMAND]")
        .disable_help_subcommand(true);
    cmd.build();
    cmd
}

/// One page on standard output (its commands listed in it, no other page
/// named), or with `dir` a page for every command in that folder.
pub fn write(dir: Option<&Path>) -> anyhow::Result<u8> {
    let mut out = Out::stdout();
    match dir {
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", crate::files::shown(dir)))?;
            clap_mangen::generate_to(command(), dir).with_context(|| {
                format!("cannot write the pages into {}", crate::files::shown(dir))
            })?;
            out.line(&format!(
                "wrote radiocode.1 and a page for each command into {}",
                crate::files::shown(dir)
            ))?;
        }
        None => {
            let cmd = command();
            let man = clap_mangen::Man::new(cmd.clone());
            let w = out.writer();
            man.render_title(w)?;
            man.render_name_section(w)?;
            man.render_synopsis_section(w)?;
            man.render_description_section(w)?;
            man.render_options_section(w)?;
            commands(&cmd).to_writer(w)?;
            man.render_extra_section(w)?;
            man.render_version_section(w)?;
        }
    }
    out.flush()?;
    Ok(0)
}

/// Every command with its usage and what it does, in this one page.
fn commands(cmd: &clap::Command) -> Roff {
    let mut roff = Roff::default();
    roff.control("SH", ["COMMANDS"]);
    fn walk(roff: &mut Roff, cmd: &clap::Command, prefix: &str) {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            let name = format!("{prefix} {}", sub.get_name());
            if sub.has_subcommands() {
                walk(roff, sub, &name);
                continue;
            }
            let mut sub = sub.clone().bin_name(name.trim().to_string());
            let usage = sub.render_usage().to_string();
            let usage = usage.trim_start_matches("Usage: ").to_string();
            roff.control("TP", []);
            roff.text([bold(usage)]);
            if let Some(about) = sub.get_about() {
                roff.text([roman(about.to_string())]);
            }
        }
    }
    walk(&mut roff, cmd, "radiocode");
    roff
}

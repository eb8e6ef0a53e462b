//! `privdesk config check`.

use super::{emit, Cli, EXIT_OK, EXIT_USAGE};
use crate::config;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Validate the configuration and print every problem with file, line and column.
    Check,
}

pub fn run(cli: &Cli, cmd: &ConfigCommand) -> u8 {
    match cmd {
        ConfigCommand::Check => {
            let (file, problems) =
                config::check_with(cli.config.as_deref(), &super::load_options());
            let name = file
                .as_ref()
                .map(|f| f.display().to_string())
                .unwrap_or_else(|| "built-in defaults (no configuration file found)".into());
            if problems.is_empty() {
                match emit(&format!("{name}: ok\n")) {
                    Ok(()) => EXIT_OK,
                    Err(code) => code,
                }
            } else {
                for p in &problems {
                    eprintln!("{p}");
                }
                let n = problems.len();
                eprintln!("{n} problem{} in {name}", if n == 1 { "" } else { "s" });
                EXIT_USAGE
            }
        }
    }
}

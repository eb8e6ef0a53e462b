//! `privdesk sample-systems` and `privdesk demo`.

use super::{load_config, load_config_from, Cli, EXIT_FAILURE, EXIT_OK, EXIT_USAGE};
use crate::config::Config;
use crate::paths;
use crate::sample::{self, SampleOptions};
use clap::Args;

pub const DEMO_CONFIG: &str = "data/sample-config.toml";

#[derive(Debug, Args)]
pub struct SampleArgs {
    /// First port; the systems listen on consecutive ports from here.
    #[arg(long, default_value_t = 8701)]
    pub port_base: u16,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Run one search against the sample systems and print it instead of opening the TUI.
    #[arg(long, value_name = "QUERY")]
    pub search: Option<String>,
    /// Print JSON (with --search).
    #[arg(long)]
    pub json: bool,
    /// Answer at once instead of with a realistic delay of 50-400 ms.
    #[arg(long)]
    pub no_latency: bool,
    /// First port of the sample systems (six consecutive ports). A second
    /// demo started while another serves them there uses the same systems;
    /// 0 picks free ports, never shared.
    #[arg(long, default_value_t = sample::DEFAULT_PORT_BASE)]
    pub port_base: u16,
    /// Start with an empty store instead of the example cases a fresh demo
    /// store is given.
    #[arg(long)]
    pub no_seed: bool,
    /// Be the demo's server on this socket (started by `privdesk demo`
    /// itself, in the background).
    #[arg(long, value_name = "SOCKET", hide = true)]
    pub serve: Option<std::path::PathBuf>,
}

pub async fn serve(a: &SampleArgs) -> u8 {
    let opts = SampleOptions {
        port_base: Some(a.port_base),
        latency_ms: None,
    };
    match sample::serve_forever(opts).await {
        Ok(()) => EXIT_OK,
        Err(e) => {
            eprintln!("privdesk: cannot serve the sample systems: {e}");
            EXIT_FAILURE
        }
    }
}

/// The demo configuration: `--config` if given, else the installed sample config.
pub(crate) fn demo_config(cli: &Cli) -> Result<Config, u8> {
    if cli.config.is_some() {
        return load_config(cli);
    }
    let Some(path) = paths::find_installed(DEMO_CONFIG) else {
        eprintln!("privdesk: {DEMO_CONFIG} was not found; run ./install.sh (it installs to ~/.local/share/privdesk)");
        return Err(EXIT_USAGE);
    };
    load_config_from(cli, Some(&path), "demo configuration")
}

/// The interactive screen (`privdesk` with no subcommand): a client of
/// the server, or of a desk of one's own over `--config`.
pub async fn interactive(cli: &Cli, cfg: Option<Config>) -> u8 {
    let client = match cfg {
        Some(c) => super::connect_with(cli, c, "tui").await,
        None => super::connect(cli, "tui").await,
    };
    let client = match client {
        Ok(c) => c,
        Err(code) => return code,
    };
    run_tui(cli, client).await
}

/// The TUI on a connected client, with the operator's preferences: the
/// desk's `[ui]`/`[keys]`, the operator's own `ui.toml` over them (not for
/// a desk of one's own, whose file has them already), then `--theme`.
pub(crate) async fn run_tui(cli: &Cli, client: crate::client::Client) -> u8 {
    let file = match client.target() {
        crate::client::Target::Socket(_) => crate::tui::prefs::default_path(),
        crate::client::Target::Embedded(_) => None,
    };
    let mut prefs = crate::tui::prefs::Prefs::load(client.settings(), file.as_deref());
    if let Some(t) = &cli.theme {
        prefs.theme = t.clone();
    }
    crate::tui::run(client, prefs).await
}

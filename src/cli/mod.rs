//! The command line: every core operation as a subcommand, with `--json`
//! output for scripts. Exit codes: 0 success, 2 usage or configuration
//! errors (also: unknown case), 3 some systems failed (the
//! others' results are still printed), 4 a case changed since the version
//! the change was based on (nothing was written), 5 not allowed (the
//! operator's role forbids it, or the operator is unknown or was removed
//! from the configuration; the attempt is audited), 1 any other failure.

/// `println!` for command output: a reader that stopped reading
/// (`privdesk case list | head`) ends the output quietly instead of
/// panicking (see [`emit`]).
macro_rules! outln {
    () => {{
        let _ = $crate::cli::emit("\n");
    }};
    ($($arg:tt)*) => {{
        let _ = $crate::cli::emit(&format!("{}\n", format_args!($($arg)*)));
    }};
}

/// `print!` for command output, like [`outln!`].
macro_rules! out {
    ($($arg:tt)*) => {{
        let _ = $crate::cli::emit(&format!($($arg)*));
    }};
}

mod action;
mod action_output;
mod audit;
mod calendar;
mod case;
mod case_args;
mod case_output;
mod config_cmd;
mod demo;
mod demo_seed;
mod letter;
mod output;
mod package;
mod report;
mod retention;
mod sample;
mod search;
mod server;

use crate::client::{Client, Target};
use crate::config::{self, Config};
use crate::desk::DeskError;
use crate::protocol::Hello;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

pub use crate::exit::{
    EXIT_CONFLICT, EXIT_DENIED, EXIT_FAILURE, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE,
};

/// The exit code for a refusal (`Denied`, `Refused`), if `e` is one.
pub(crate) fn denied_exit(e: &DeskError) -> Option<u8> {
    matches!(e, DeskError::Denied(_) | DeskError::Refused(_)).then_some(EXIT_DENIED)
}

#[derive(Debug, Parser)]
#[command(
    name = "privdesk",
    version,
    about = "A terminal help desk for privacy inquiries and data-subject requests"
)]
pub struct Cli {
    /// The server's socket (else $PRIVDESK_SERVER, else /run/privdesk/privdesk.sock).
    #[arg(long, global = true, value_name = "PATH")]
    pub server: Option<PathBuf>,
    /// Run a desk of your own over this configuration instead of connecting
    /// to a server (also $PRIVDESK_CONFIG): a single-user desk, scripts, tests.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Theme name or theme file (overrides ui.theme).
    #[arg(long, global = true, value_name = "NAME")]
    pub theme: Option<String>,
    /// Act as another configured operator (demo servers only).
    #[arg(long = "as", global = true, value_name = "USER")]
    pub as_user: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Search one customer across every connected system.
    Search(search::SearchArgs),
    /// Fetch one full record from a system by its id.
    Fetch(search::FetchArgs),
    /// Validate the configuration.
    #[command(subcommand)]
    Config(config_cmd::ConfigCommand),
    /// Serve the sample systems on 127.0.0.1 until interrupted.
    SampleSystems(sample::SampleArgs),
    /// Start the sample systems in-process and run against them.
    Demo(sample::DemoArgs),
    /// The audit trail.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Business hours, national holidays and due dates.
    #[command(subcommand)]
    Calendar(calendar::CalendarCommand),
    /// Cases: open, list, show, and change them (exit 4: changed by someone else meanwhile).
    #[command(subcommand)]
    Case(case::CaseCommand),
    /// Disclosure packages: build one for a case, verify a folder.
    #[command(subcommand)]
    Package(package::PackageCommand),
    /// Render a letter to the requester of a case; --record stores it as the case's reply.
    Letter(letter::LetterArgs),
    /// Carry out requests in the systems: plan (dry run), approve, run, status (exit 3: jobs left unfinished).
    #[command(subcommand)]
    Action(action::ActionCommand),
    /// Manual tasks: list them, record one done.
    #[command(subcommand)]
    Task(action::TaskCommand),
    /// Counts, response times, deadlines met, refusals and extensions (supervisors, auditors).
    Report(report::ReportArgs),
    /// Retention: purge personal data of closed cases past their period (supervisors).
    #[command(subcommand)]
    Retention(retention::RetentionCommand),
    /// Run the desk as a server: the one process that reads the configuration,
    /// the secrets and the store; operators connect over its Unix socket.
    Server(server::ServerArgs),
}

/// Parse the command line and run it.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match &cli.command {
        Some(Command::Server(_)) => crate::logging::init_stderr(),
        Some(Command::Demo(d)) if d.serve.is_some() => crate::logging::init_stderr(),
        _ => crate::logging::init(),
    }
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("privdesk: cannot start the runtime: {e}");
            return ExitCode::from(EXIT_FAILURE);
        }
    };
    let code = rt.block_on(run(cli));
    // Do not wait for stray background tasks (a hung system) on the way out.
    rt.shutdown_background();
    ExitCode::from(code)
}

async fn run(cli: Cli) -> u8 {
    match &cli.command {
        Some(Command::Config(c)) => config_cmd::run(&cli, c),
        Some(Command::SampleSystems(a)) => sample::serve(a).await,
        Some(Command::Demo(a)) => demo::demo(&cli, a).await,
        Some(Command::Search(a)) => search::run(&cli, a).await,
        Some(Command::Fetch(a)) => search::fetch(&cli, a).await,
        Some(Command::Audit(a)) => audit::run(&cli, a).await,
        Some(Command::Calendar(c)) => calendar::run(&cli, c).await,
        Some(Command::Case(c)) => case::run(&cli, c).await,
        Some(Command::Package(c)) => package::run(&cli, c).await,
        Some(Command::Letter(a)) => letter::run(&cli, a).await,
        Some(Command::Action(c)) => action::run(&cli, c).await,
        Some(Command::Task(c)) => action::run_task(&cli, c).await,
        Some(Command::Report(a)) => report::run(&cli, a).await,
        Some(Command::Retention(c)) => retention::run(&cli, c).await,
        Some(Command::Server(a)) => server::run(&cli, a).await,
        None => sample::interactive(&cli, None).await,
    }
}

/// Write command output to stdout. A reader that stopped reading
/// (`privdesk audit log | head`) ends the output quietly; any other write
/// error is reported and `Err` holds the exit code.
pub(crate) fn emit(text: &str) -> Result<(), u8> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => {
            eprintln!("privdesk: cannot write the output: {e}");
            Err(EXIT_FAILURE)
        }
    }
}

/// How the CLI loads configurations: with the checks of the key bindings and
/// the theme, which the terminal UI owns.
pub(crate) fn load_options() -> config::LoadOptions {
    config::LoadOptions::default()
        .with_check(crate::tui::keymap::config_check)
        .with_check(crate::tui::theme::config_check)
}

/// Load the configuration or print every problem; `Err` holds the exit code.
pub(crate) fn load_config(cli: &Cli) -> Result<Config, u8> {
    load_config_from(cli, cli.config.as_deref(), "configuration")
}

/// Load the configuration at `path` (or the usual places when `None`),
/// applying `--theme`; `what` names it in the error.
pub(crate) fn load_config_from(
    cli: &Cli,
    path: Option<&std::path::Path>,
    what: &str,
) -> Result<Config, u8> {
    match config::load_with(path, &load_options()) {
        Ok(mut cfg) => {
            if let Some(t) = &cli.theme {
                cfg.ui.theme = t.clone();
            }
            Ok(cfg)
        }
        Err(problems) => {
            eprintln!("privdesk: the {what} has problems:\n{problems}");
            Err(EXIT_USAGE)
        }
    }
}

/// The configuration of an embedded desk: `--config`, else
/// `$PRIVDESK_CONFIG`; `None` when the client is to connect to a server.
pub(crate) fn embedded_config_path(cli: &Cli) -> Option<PathBuf> {
    cli.config.clone().or_else(|| {
        std::env::var_os("PRIVDESK_CONFIG")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    })
}

/// The exit code of an error that ends a command before it started.
pub(crate) fn connect_exit(e: &DeskError) -> u8 {
    match e {
        DeskError::Refused(_) | DeskError::Denied(_) => EXIT_DENIED,
        DeskError::Config(_) | DeskError::Version(_) | DeskError::Invalid(_) => EXIT_USAGE,
        _ => EXIT_FAILURE,
    }
}

/// Connect to the desk for command `what`: a desk of one's own over
/// `--config` / `$PRIVDESK_CONFIG`, else the server at `--server` /
/// `$PRIVDESK_SERVER` / the default socket. The server says who the
/// operator is; `--as` is passed on and only a demo server takes it.
pub(crate) async fn connect(cli: &Cli, what: &str) -> Result<Client, u8> {
    let hello = Hello::new(format!("cli {what}"), cli.as_user.clone());
    let result = match embedded_config_path(cli) {
        Some(path) => {
            let cfg = load_config_from(cli, Some(&path), "configuration")?;
            Client::embedded(cfg, hello).await
        }
        None => {
            Client::connect(
                Target::Socket(Client::socket_path(cli.server.as_deref())),
                hello,
            )
            .await
        }
    };
    result.map_err(|e| {
        eprintln!("privdesk: {e}");
        connect_exit(&e)
    })
}

/// [`connect`] with a configuration already loaded (the demo's).
pub(crate) async fn connect_with(cli: &Cli, cfg: Config, what: &str) -> Result<Client, u8> {
    let hello = Hello::new(format!("cli {what}"), cli.as_user.clone());
    Client::embedded(cfg, hello).await.map_err(|e| {
        eprintln!("privdesk: {e}");
        connect_exit(&e)
    })
}

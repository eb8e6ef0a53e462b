//! The command examples of README.md work as written: every ```sh block
//! preceded by the line `<!-- readme-test -->` is run line by line with the
//! real binary as `privdesk` (first on `PATH`), in one throwaway home where
//! the demo configuration is installed as `./install.sh` installs it
//! (`~/.local/share/privdesk/data/`), pointed at sample systems on
//! 127.0.0.1 and named by `$PRIVDESK_CONFIG`, as the README says to set it.
//! Blocks run in README order, sharing that home and its store. A line
//! exits 0, or the code its `# exit N` comment gives. Case numbers written
//! `PD-2026-...` are of the current year.

use crate::common;

use chrono::Datelike;
use common::{isolate, repo, Env, BIN};
use std::io::Read;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const MARKER: &str = "<!-- readme-test -->";
/// No README example takes this long; a hung command fails the test.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(120);

/// One command line of a marked block.
struct Line {
    /// 1-based line number in README.md where the command starts.
    number: usize,
    text: String,
    expected_exit: i32,
}

/// The marked blocks of `readme`, each as its command lines.
fn marked_blocks(readme: &str) -> Vec<Vec<Line>> {
    let lines: Vec<&str> = readme.lines().collect();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim() != MARKER {
            i += 1;
            continue;
        }
        let fence = lines.get(i + 1).map(|l| l.trim_end()).unwrap_or("");
        assert_eq!(
            fence,
            "```sh",
            "README.md:{}: {MARKER} must be followed at once by a ```sh block",
            i + 1
        );
        i += 2;
        let mut block = Vec::new();
        let mut pending: Option<Line> = None;
        loop {
            let raw = *lines
                .get(i)
                .unwrap_or_else(|| panic!("README.md:{}: the marked block is not closed", i));
            i += 1;
            if raw.trim_start().starts_with("```") {
                assert!(
                    pending.is_none(),
                    "README.md:{}: a continued line ends the block",
                    i - 1
                );
                break;
            }
            let (line, continues) = match raw.trim_end().strip_suffix('\\') {
                Some(head) => (head, true),
                None => (raw.trim_end(), false),
            };
            let mut cmd = match pending.take() {
                Some(mut p) => {
                    p.text.push(' ');
                    p.text.push_str(line.trim());
                    p
                }
                None => {
                    if line.trim().is_empty() || line.trim_start().starts_with('#') {
                        continue;
                    }
                    Line {
                        number: i,
                        text: line.trim().to_string(),
                        expected_exit: 0,
                    }
                }
            };
            if continues {
                pending = Some(cmd);
            } else {
                cmd.expected_exit = expected_exit(&cmd.text);
                block.push(cmd);
            }
        }
        blocks.push(block);
    }
    blocks
}

/// The `N` of a trailing `# exit N` comment, else 0.
fn expected_exit(cmd: &str) -> i32 {
    let Some(at) = cmd.rfind("# exit ") else {
        return 0;
    };
    let digits: String = cmd[at + "# exit ".len()..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().unwrap_or(0)
}

/// Whether `program` is found on `path`.
fn on_path(program: &str, path: &str) -> bool {
    std::env::split_paths(path).any(|d| d.join(program).is_file())
}

/// Lays out what `./install.sh` installs into the home (the themes and the
/// data files in `~/.local/share/privdesk/`), with the sample configuration
/// pointed at this test's sample systems; returns the configuration's path.
fn install_into(home: &Path, env: &Env) -> std::path::PathBuf {
    let dest = home.join(".local/share/privdesk");
    std::fs::create_dir_all(&dest).unwrap();
    for dir in ["data", "themes"] {
        let o = Command::new("cp")
            .arg("-R")
            .arg(repo().join(dir))
            .arg(&dest)
            .output()
            .expect("run cp");
        assert!(o.status.success(), "cp -R {dir}: {o:?}");
    }
    let config = dest.join("data/sample-config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    let mut doc: toml_edit::DocumentMut = text.parse().unwrap();
    for s in &env.samples.as_ref().expect("sample systems").systems {
        doc["systems"][s.name.as_str()]["base_url"] = toml_edit::value(s.base_url.clone());
    }
    std::fs::write(&config, doc.to_string()).unwrap();
    config
}

/// Runs `cmd` with `sh -c`, killed after `COMMAND_TIMEOUT`.
fn run_line(mut c: Command, cmd: &str) -> Result<Output, String> {
    c.arg("-c")
        .arg(cmd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().map_err(|e| format!("cannot start sh: {e}"))?;
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut b = Vec::new();
            let _ = r.read_to_end(&mut b);
            b
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let deadline = Instant::now() + COMMAND_TIMEOUT;
    let status = loop {
        if let Some(s) = child.try_wait().map_err(|e| e.to_string())? {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "did not finish within {} s",
                COMMAND_TIMEOUT.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Ok(Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    })
}

#[test]
fn parses_marked_blocks_with_continuations_and_exit_codes() {
    let text = "intro\n<!-- readme-test -->\n```sh\n# a comment\nprivdesk a \\\n  --b c\n\nprivdesk d   # exit 1\n```\n```sh\nprivdesk unmarked\n```\n";
    let blocks = marked_blocks(text);
    assert_eq!(blocks.len(), 1);
    let b = &blocks[0];
    assert_eq!(b.len(), 2);
    assert_eq!((b[0].number, b[0].text.as_str()), (5, "privdesk a --b c"));
    assert_eq!(b[0].expected_exit, 0);
    assert_eq!((b[1].number, b[1].expected_exit), (8, 1));
}

#[test]
fn marked_readme_commands_work_as_written() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let blocks = marked_blocks(&readme);
    let all: Vec<&Line> = blocks.iter().flatten().collect();
    for needed in [
        "privdesk search",
        "privdesk case new",
        "privdesk report",
        "privdesk audit verify",
        "privdesk action plan",
    ] {
        let words = needed.strip_prefix("privdesk ").unwrap();
        assert!(
            all.iter()
                .any(|l| l.text.starts_with("privdesk ") && l.text.contains(words)),
            "no marked README example runs `{needed}`"
        );
    }

    let env = Env::start();
    let home = env.dir.path();
    let config = install_into(home, &env);
    let work = home.join("work");
    std::fs::create_dir_all(&work).unwrap();
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = std::env::join_paths(std::iter::once(bin_dir.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap()
    .into_string()
    .unwrap();
    let year = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Tokyo)
        .year();

    let mut ran = 0;
    for block in &blocks {
        let missing: Vec<&str> = block
            .iter()
            .filter_map(|l| l.text.split_whitespace().next())
            .filter(|p| !on_path(p, &path))
            .collect();
        if let Some(p) = missing.first() {
            eprintln!(
                "README.md:{}: `{p}` is not installed: this block is skipped",
                block[0].number
            );
            continue;
        }
        for line in block {
            let cmd = line.text.replace("PD-2026-", &format!("PD-{year}-"));
            let mut c = Command::new("sh");
            isolate(&mut c, home);
            // As installed: ~/.local/share is the data folder, the demo
            // configuration named as the README says to.
            c.env_remove("XDG_DATA_HOME")
                .env("PATH", &path)
                .env("PRIVDESK_CONFIG", &config)
                .current_dir(&work);
            let o = run_line(c, &cmd)
                .unwrap_or_else(|e| panic!("README.md:{}: `{}` {e}", line.number, line.text));
            let code = o.status.code();
            assert_eq!(
                code,
                Some(line.expected_exit),
                "README.md:{}: `{}` exited {:?} (the README expects {})\n--- stderr\n{}\n--- stdout\n{}",
                line.number,
                line.text,
                code,
                line.expected_exit,
                String::from_utf8_lossy(&o.stderr),
                String::from_utf8_lossy(&o.stdout),
            );
            ran += 1;
        }
    }
    assert!(ran >= 20, "only {ran} README commands ran");
}

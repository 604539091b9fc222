//! Build output capture (Dokku's `dokku_setup_build_capture`) for `git-hook`,
//! `ps:rebuild` and `ps:restart`: everything the command prints is also appended to
//! `$DOKKU_LIB_ROOT/data/builds/APP/<BUILD_ID>.log`, between the
//! `builds-record-start APP BUILD_ID PID SOURCE` and
//! `builds-record-finalize APP BUILD_ID EXIT` triggers.
//!
//! Dokku redirects its own shell's output through `tee`. Here the command runs again
//! as a child with `DOKKU_BUILD_ID` set (which turns capture off in the child) and
//! our threads copy its stdout and stderr to ours and to the log, each stream kept
//! apart; stdin is passed through (`git-hook` reads the pushed refs from it).

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};

use dokku_core::env;
use dokku_core::process::Cmd;
use dokku_core::trigger::{exit_code, StdoutMode};

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;

/// `data/builds/APP/<id>.log`.
pub fn log_path(ctx: &Context, app: &str, id: &str) -> PathBuf {
    ctx.layout
        .app_data_dir("builds", app)
        .join(format!("{id}.log"))
}

/// A new build id (`dokku_core::builds::generate_id`): sortable by time.
pub fn new_id(_ctx: &Context) -> String {
    dokku_core::builds::generate_id()
}

/// Runs `command ARGS` again with its output captured, unless this process already
/// is the captured one (then `None`: go on with the command here).
pub fn capture(
    ctx: &Context,
    app: &str,
    source: &str,
    command: &str,
    args: &[String],
) -> Option<CmdResult> {
    if ctx.var(env::DOKKU_BUILD_ID).is_some() {
        return None;
    }
    Some(run_captured(ctx, app, source, command, args))
}

fn run_captured(
    ctx: &Context,
    app: &str,
    source: &str,
    command: &str,
    args: &[String],
) -> CmdResult {
    let id = new_id(ctx);
    let path = log_path(ctx, app, &id);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| CommandError::fail(format!("cannot create {}: {e}", dir.display())))?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| CommandError::fail(format!("cannot open {}: {e}", path.display())))?;
    let pid = ctx.var(env::DOKKU_PID).unwrap_or("0").to_string();
    let start = [app.to_string(), id.clone(), pid, source.to_string()];
    ctx.fire("builds-record-start", &start, StdoutMode::Inherit)?;

    let cmd = Cmd::new(&ctx.exe)
        .arg(command)
        .args(args)
        .env_clear()
        .envs(ctx.env.iter())
        .env(env::DOKKU_BUILD_ID, &id);
    ctx.trace(&cmd.to_string());
    let mut child = cmd
        .spawn(Stdio::inherit(), Stdio::piped(), Stdio::piped())
        .map_err(|e| CommandError::fail(e.to_string()))?;
    let log = Arc::new(Mutex::new(file));
    let mut copiers = Vec::new();
    if let Some(out) = child.stdout.take() {
        copiers.push(tee(out, std::io::stdout(), log.clone()));
    }
    if let Some(err) = child.stderr.take() {
        copiers.push(tee(err, std::io::stderr(), log.clone()));
    }
    let status = child
        .wait()
        .map_err(|e| CommandError::fail(format!("cannot wait for the build: {e}")))?;
    for copier in copiers {
        let _ = copier.join();
    }
    let code = exit_code(status);
    let finalize = [app.to_string(), id, code.to_string()];
    ctx.fire("builds-record-finalize", &finalize, StdoutMode::Inherit)?;
    match code {
        0 => Ok(0),
        code => Err(CommandError::silent(code)),
    }
}

/// Copies `from` to `to` and the log as it comes.
fn tee<R, W>(mut from: R, mut to: W, log: Arc<Mutex<std::fs::File>>) -> std::thread::JoinHandle<()>
where
    R: Read + Send + 'static,
    W: Write + Send + 'static,
{
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        loop {
            let n = match from.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            let _ = to.write_all(&buf[..n]);
            let _ = to.flush();
            if let Ok(mut file) = log.lock() {
                let _ = file.write_all(&buf[..n]);
            }
        }
    })
}

//! The `git:*` commands that let git reach private remotes: `git:auth`,
//! `git:auth-status` (`.netrc` credentials), `git:allow-host` (known hosts),
//! `git:generate-deploy-key`, `git:public-key`; and `git:unlock`, which Dokku 0.34
//! retired.

use std::io::BufRead;

use dokku_core::git::auth;
use dokku_core::log::Level;
use dokku_core::process::Cmd;

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::output;
use dokku_host::pipeline::existing_app;

/// Runs one of these commands (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    match command {
        "git:auth" => auth_set(ctx, args),
        "git:auth-status" => auth_status(ctx, args),
        "git:allow-host" => allow_host(ctx, args),
        "git:generate-deploy-key" => generate_deploy_key(ctx),
        "git:public-key" => public_key(ctx),
        "git:unlock" => {
            let app = existing_app(ctx, args)?;
            ctx.log(
                Level::Info1,
                &format!("Nothing to unlock for {app}: sources are cloned into private temporary directories removed when each command ends"),
            );
            Ok(0)
        }
        other => Err(CommandError::fail(format!(
            "`{other}` is not a dokku command."
        ))),
    }
}

fn words(args: &[String]) -> Vec<&str> {
    args.iter()
        .map(String::as_str)
        .filter(|a| !matches!(*a, "--quiet" | "--trace"))
        .collect()
}

/// The first word: a host, checked before it reaches a file or `ssh-keyscan`.
fn host_arg<'a>(words: &[&'a str]) -> Result<&'a str, CommandError> {
    let host = words.first().copied().unwrap_or("");
    if host.is_empty() {
        return Err(CommandError::fail("Please supply a git host"));
    }
    if !auth::valid_host(host) {
        return Err(CommandError::fail(format!("Invalid git host: {host}"))
            .hint("a host name or address, optionally with :PORT"));
    }
    Ok(host)
}

/// `HOST [USERNAME [PASSWORD]]`: the host checked; with a username and no password,
/// the password is the first line of stdin when stdin is a pipe (as Dokku reads it).
fn host_and_credentials(
    args: &[String],
) -> Result<(String, Option<(String, String)>), CommandError> {
    let words = words(args);
    let host = host_arg(&words)?;
    let Some(username) = words.get(1).filter(|u| !u.is_empty()) else {
        return Ok((host.to_string(), None));
    };
    let mut password = words.get(2).map(|p| p.to_string()).unwrap_or_default();
    if password.is_empty() && stdin_is_pipe() {
        let mut line = String::new();
        let _ = std::io::stdin().lock().read_line(&mut line);
        password = line.strip_suffix('\n').unwrap_or(&line).to_string();
    }
    if password.is_empty() {
        return Err(CommandError::fail("Missing password for netrc auth entry"));
    }
    Ok((host.to_string(), Some((username.to_string(), password))))
}

fn stdin_is_pipe() -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::metadata("/dev/stdin").is_ok_and(|m| m.file_type().is_fifo())
}

/// The system user's ids, when root writes files into its home.
fn owner(ctx: &Context) -> Option<dokku_core::ownership::Ids> {
    if dokku_core::ownership::effective_uid() != Some(0) {
        return None;
    }
    let user = ctx
        .var(dokku_core::env::DOKKU_SYSTEM_USER)
        .unwrap_or("dokku");
    let group = ctx
        .var(dokku_core::env::DOKKU_SYSTEM_GROUP)
        .unwrap_or("dokku");
    dokku_core::ownership::resolve(user, group)
}

fn auth_set(ctx: &Context, args: &[String]) -> CmdResult {
    let (host, credentials) = host_and_credentials(args)?;
    let message = match &credentials {
        Some(_) => format!("Setting netrc auth entry for host {host}"),
        None => format!("Removing netrc auth entry for host {host}"),
    };
    ctx.log(Level::Info1, &message);
    auth::set_credentials(
        &ctx.layout,
        &host,
        credentials.as_ref().map(|(u, p)| (u.as_str(), p.as_str())),
        owner(ctx),
    )
    .map_err(|e| CommandError::fail(e.to_string()))?;
    Ok(0)
}

/// Exit 0 when the host's entry is the one given (or, without a username, when it
/// has none); 1 otherwise, silently.
fn auth_status(ctx: &Context, args: &[String]) -> CmdResult {
    let (host, credentials) = host_and_credentials(args)?;
    let matches = auth::credentials_match(
        &ctx.layout,
        &host,
        credentials.as_ref().map(|(u, p)| (u.as_str(), p.as_str())),
    )
    .map_err(|e| CommandError::fail(e.to_string()))?;
    if matches {
        Ok(0)
    } else {
        Err(CommandError::silent(1))
    }
}

fn allow_host(ctx: &Context, args: &[String]) -> CmdResult {
    let host = host_arg(&words(args))?;
    let (name, port) = match host.rsplit_once(':') {
        Some((name, port)) if !name.contains(':') && port.parse::<u16>().is_ok() => {
            (name, Some(port))
        }
        _ => (host, None),
    };
    let mut cmd = Cmd::new("ssh-keyscan").args(["-t", "rsa"]);
    if let Some(port) = port {
        cmd = cmd.args(["-p", port]);
    }
    let out = cmd
        .arg("--")
        .arg(name)
        .output()
        .map_err(|e| CommandError::fail(e.to_string()))?;
    let scanned = String::from_utf8_lossy(&out.stdout);
    let added = auth::add_known_hosts(&ctx.layout, &scanned, owner(ctx))
        .map_err(|e| CommandError::fail(format!("Unable to update known_hosts: {e}")))?;
    if !added {
        return Err(CommandError::fail(format!("No host key found for {host}"))
            .hint("check the host name and that it accepts ssh connections"));
    }
    ctx.log(Level::Info1, &format!("{host} added to known hosts"));
    Ok(0)
}

fn generate_deploy_key(ctx: &Context) -> CmdResult {
    if auth::public_key(&ctx.layout).is_some() {
        ctx.log(
            Level::WarnQuiet,
            "A deploy key already exists for this host",
        );
        return Ok(0);
    }
    let dir = auth::ssh_dir(&ctx.layout);
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&dir)
            .map_err(|e| CommandError::fail(format!("Unable to create {}: {e}", dir.display())))?;
    }
    let hostname = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    let status = Cmd::new("ssh-keygen")
        .args(["-t", "ed25519", "-C"])
        .arg(format!("dokku@{}", hostname.trim()))
        .args(["-N", "", "-f"])
        .arg(dir.join("id_ed25519"))
        .status()
        .map_err(|e| CommandError::fail(e.to_string()))?;
    match status.code() {
        Some(0) => Ok(0),
        code => Err(CommandError::silent(code.unwrap_or(1))),
    }
}

fn public_key(ctx: &Context) -> CmdResult {
    if let Some(path) = auth::public_key(&ctx.layout) {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| CommandError::fail(format!("Unable to read {}: {e}", path.display())))?;
        output::write(dokku_core::log::Stream::Stdout, &text);
        return Ok(0);
    }
    let user = ctx
        .var(dokku_core::env::DOKKU_SYSTEM_USER)
        .unwrap_or("dokku");
    for line in [
        format!("There is no deploy key associated with the {user} user."),
        "Generate an ssh key with the following command:".to_string(),
        "  dokku git:generate-deploy-key".to_string(),
    ] {
        ctx.log(Level::Warn, &line);
    }
    Err(CommandError::fail(
        "As an alternative, configure the netrc authentication via the git:auth command",
    ))
}

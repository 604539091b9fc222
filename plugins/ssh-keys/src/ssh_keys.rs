//! `ssh-keys:add`, `ssh-keys:list`, `ssh-keys:remove`.

use std::io::{IsTerminal, Read};

use dokku_core::sshkeys::{self, SshKeyError};

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::output;

/// Runs one `ssh-keys:*` command (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    match command {
        "ssh-keys:add" => add(ctx, args),
        "ssh-keys:list" => list(ctx, args),
        "ssh-keys:remove" => remove(ctx, args),
        other => Err(CommandError::fail(format!(
            "`{other}` is not a dokku command."
        ))),
    }
}

fn key_error(err: SshKeyError) -> CommandError {
    CommandError::fail(err.to_string())
}

/// sshcommand prints its own one-line error, then ssh-keys reports its status.
fn acl_error(err: SshKeyError) -> CommandError {
    match err {
        SshKeyError::DuplicateName
        | SshKeyError::DuplicateKey
        | SshKeyError::InvalidForAcl
        | SshKeyError::BadName => {
            output::write(dokku_core::log::Stream::Stderr, &format!("{err}\n"));
            CommandError::fail("sshcommand returned an error: 1")
        }
        other => key_error(other),
    }
}

fn add(ctx: &mut Context, args: &[String]) -> CmdResult {
    let Some(name) = args.first().filter(|n| !n.is_empty()) else {
        return Err(CommandError::fail(
            "A name for the ssh key is required, ie: dokku ssh-keys:add <name> <key-file>",
        ));
    };
    let text = match args.get(1) {
        Some(file) => std::fs::read_to_string(file)
            .map_err(|e| CommandError::fail(format!("cannot read {file}: {e}")))?,
        None if !std::io::stdin().is_terminal() => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| CommandError::fail(e.to_string()))?;
            // Dokku takes the first line of a pipe.
            text.lines().next().unwrap_or_default().to_string()
        }
        None => return Err(CommandError::fail("No key specified via file or pipe")),
    };
    let key = sshkeys::validate_key(&text).map_err(key_error)?;
    let fp = sshkeys::add(&ctx.layout, name, &key, ctx.var("SSHCOMMAND_ALLOWED_KEYS"))
        .map_err(acl_error)?;
    output::println(&fp);
    sshkeys::verify(&ctx.layout).map_err(key_error)?;
    Ok(0)
}

fn list(ctx: &Context, args: &[String]) -> CmdResult {
    let mut format = "text".to_string();
    let mut name = None;
    let mut iter = args.iter();
    while let Some(a) = iter.next() {
        if a == "--format" {
            format = iter.next().cloned().unwrap_or_default();
        } else if let Some(f) = a.strip_prefix("--format=") {
            format = f.to_string();
        } else if !a.starts_with("--") {
            name = Some(a.clone());
        }
    }
    if format != "text" && format != "json" {
        return Err(CommandError::fail(
            "Invalid output format specified, supported formats: json, text",
        ));
    }
    let path = ctx.layout.authorized_keys();
    if !path.exists() {
        return Err(CommandError::fail("authorized_keys not found for dokku"));
    }
    // As sshcommand: a file ssh-keygen refuses is reported, not listed.
    match sshkeys::verify(&ctx.layout) {
        Ok(()) | Err(SshKeyError::NoKeys) => {}
        Err(e) => return Err(key_error(e)),
    }
    let keys: Vec<_> = sshkeys::list(&ctx.layout)
        .into_iter()
        .filter(|k| name.as_ref().is_none_or(|n| &k.name == n))
        .collect();
    if format == "json" {
        output::println(&serde_json::to_string(&keys).unwrap_or_else(|_| "[]".into()));
        return Ok(0);
    }
    if keys.is_empty() {
        return Err(match name {
            Some(_) => CommandError::silent(1),
            None => CommandError::fail("authorized_keys is empty for dokku"),
        });
    }
    for k in keys {
        output::println(&format!(
            "{} NAME=\"{}\" SSHCOMMAND_ALLOWED_KEYS=\"{}\"",
            k.fingerprint, k.name, k.allowed
        ));
    }
    Ok(0)
}

fn remove(ctx: &mut Context, args: &[String]) -> CmdResult {
    match args.first().map(String::as_str) {
        Some("--fingerprint") => {
            let Some(fp) = args.get(1).filter(|f| !f.is_empty()) else {
                return Err(CommandError::fail(
                    "A fingerprint is required to remove a key, ie: dokku ssh-keys:remove --fingerprint FINGERPRINT",
                ));
            };
            sshkeys::remove_by_fingerprint(&ctx.layout, fp).map_err(key_error)?;
        }
        Some(name) if !name.is_empty() => {
            sshkeys::remove_by_name(&ctx.layout, name).map_err(key_error)?
        }
        _ => {
            return Err(CommandError::fail(
                "A name is required to remove a key, ie: dokku ssh-keys:remove <name>",
            ))
        }
    }
    Ok(0)
}

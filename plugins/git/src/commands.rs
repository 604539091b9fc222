//! The `git:*` commands: `git:initialize`, `git:set`, `git:report`, `git:status`,
//! `git:sync`, and the sources `git:from-image`, `git:from-archive`, `git:load-image`.

use dokku_core::git;
use dokku_core::log::Level;
use dokku_core::process::Cmd;
use dokku_core::property::{PropertyStore, GLOBAL};
use dokku_core::trigger::exit_code;

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::pipeline::{cli_error, existing_app};
use dokku_plugin_common::build_capture::capture;
use dokku_plugin_common::report::run_report;

/// Runs one `git:*` command (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    match command {
        "git:initialize" => {
            let app = existing_app(ctx, args)?;
            ctx.log(
                Level::Info1,
                &format!("Initializing git repository for {app}"),
            );
            git::create_repo(&&*ctx, &app).map_err(cli_error)?;
            Ok(0)
        }
        "git:set" => set(ctx, args),
        "git:from-image" => from_image(ctx, args),
        "git:from-archive" => from_archive(ctx, args),
        "git:load-image" => load_image(ctx, args),
        "git:report" => {
            let props = PropertyStore::new(&ctx.layout.lib_root);
            run_report(ctx, git::PLUGIN, args, |app| {
                Ok(git::report::report(&ctx.layout, &props, app))
            })
        }
        "git:status" => {
            let app = existing_app(ctx, args)?;
            // As Dokku: `git status` in the app's (bare) repository, passed through.
            let cmd = Cmd::new("git")
                .arg("status")
                .current_dir(ctx.layout.app_root(&app))
                .env_clear()
                .envs(ctx.env.iter());
            ctx.trace(&cmd.to_string());
            let status = cmd
                .status()
                .map_err(|e| CommandError::fail(e.to_string()))?;
            match exit_code(status) {
                0 => Ok(0),
                code => Err(CommandError::silent(code)),
            }
        }
        "git:sync" => sync(ctx, args),
        other => Err(CommandError::fail(format!(
            "`{other}` is not a dokku command."
        ))),
    }
}

fn set(ctx: &mut Context, args: &[String]) -> CmdResult {
    let scope = args.first().map(String::as_str).unwrap_or("");
    let app = if scope == GLOBAL {
        GLOBAL.to_string()
    } else {
        existing_app(ctx, args)?
    };
    let Some(key) = args.get(1) else {
        return Err(CommandError::fail("No key specified"));
    };
    if !git::SET_KEYS.contains(&key.as_str()) {
        return Err(CommandError::fail(format!(
            "Invalid key specified, valid keys include: {}",
            git::SET_KEYS.join(", ")
        )));
    }
    let props = PropertyStore::new(&ctx.layout.lib_root);
    let value = args.get(2..).map(|v| v.join(" ")).unwrap_or_default();
    if value.is_empty() {
        ctx.log(Level::Info2, &format!("Unsetting {key}"));
    } else {
        ctx.log(Level::Info2, &format!("Setting {key} to {value}"));
    }
    git::set_property(&props, &app, key, &value).map_err(|e| CommandError::fail(e.to_string()))?;
    Ok(0)
}

/// Splits `--flag value` / `--flag=value` options (those in `valued`) and bare
/// `--switch`es from positional arguments.
fn options(args: &[String], valued: &[&str]) -> (Vec<(String, String)>, Vec<String>) {
    let (mut opts, mut rest) = (Vec::new(), Vec::new());
    let mut iter = args.iter();
    while let Some(a) = iter.next() {
        if let Some((k, v)) = a.split_once('=').filter(|(k, _)| valued.contains(k)) {
            opts.push((k.to_string(), v.to_string()));
        } else if valued.contains(&a.as_str()) {
            opts.push((a.clone(), iter.next().cloned().unwrap_or_default()));
        } else if a.starts_with("--") && a != "--" {
            opts.push((a.clone(), String::new()));
        } else {
            rest.push(a.clone());
        }
    }
    (opts, rest)
}

fn opt<'a>(opts: &'a [(String, String)], name: &str) -> Option<&'a str> {
    opts.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn from_image(ctx: &mut Context, args: &[String]) -> CmdResult {
    let (opts, rest) = options(args, &["--build-dir"]);
    let app = existing_app(ctx, &rest)?;
    let Some(image) = rest.get(1).filter(|i| !i.is_empty()) else {
        return Err(CommandError::fail("Please specify a docker image"));
    };
    let (user, email) = author(&rest);
    if let Some(result) = capture(ctx, &app, "git:from-image", "git:from-image", args) {
        return result;
    }
    // Dokku's `cmd-git-from-image`: `--force` travels as DOKKU_APPS_FORCE_DELETE=1.
    if opt(&opts, "--force").is_some() {
        ctx.export(dokku_core::env::DOKKU_APPS_FORCE_DELETE, "1");
    }
    let build_dir = opt(&opts, "--build-dir").unwrap_or("");
    let host = &*ctx;
    fire(
        host,
        "git-from-image",
        &[&app, image, build_dir, user, email],
    )?;
    dokku_core::deploy::Host::fire_checked(
        &host,
        "deploy-source-set",
        &[&app, "docker-image", image],
    )
    .map_err(cli_error)?;
    Ok(0)
}

fn load_image(ctx: &mut Context, args: &[String]) -> CmdResult {
    use std::io::IsTerminal;
    let (opts, rest) = options(args, &["--build-dir"]);
    let app = existing_app(ctx, &rest)?;
    let Some(image) = rest.get(1).filter(|i| !i.is_empty()) else {
        return Err(CommandError::fail("Please specify a docker image"));
    };
    if std::io::stdin().is_terminal() {
        return Err(CommandError::fail(
            "Expecting tar archive containing docker image on STDIN",
        ));
    }
    if let Some(result) = capture(ctx, &app, "git:load-image", "git:load-image", args) {
        return result;
    }
    let (user, email) = author(&rest);
    let host = &*ctx;
    let build_dir = opt(&opts, "--build-dir").map(std::path::Path::new);
    git::sources::load_image(&host, &app, image, build_dir, user, email).map_err(cli_error)?;
    dokku_core::deploy::Host::fire_checked(
        &host,
        "deploy-source-set",
        &[&app, "docker-image", image],
    )
    .map_err(cli_error)?;
    Ok(0)
}

fn sync(ctx: &mut Context, args: &[String]) -> CmdResult {
    use git::sync::{SyncBuild, SyncRequest};
    let (opts, rest) = options(args, &[]);
    for (flag, _) in &opts {
        if !matches!(
            flag.as_str(),
            "--build" | "--build-if-changes" | "--skip-deploy-branch" | "--quiet" | "--trace"
        ) {
            return Err(CommandError::with_code(format!("unknown flag: {flag}"), 2));
        }
    }
    let app = existing_app(ctx, &rest)?;
    let Some(remote) = rest.get(1).filter(|r| !r.is_empty()) else {
        return Err(CommandError::fail("Missing GIT_REMOTE parameter"));
    };
    if let Some(result) = capture(ctx, &app, "git:sync", "git:sync", args) {
        return result;
    }
    let build = if opt(&opts, "--build").is_some() {
        SyncBuild::Always
    } else if opt(&opts, "--build-if-changes").is_some() {
        SyncBuild::IfChanged
    } else {
        SyncBuild::Never
    };
    let req = SyncRequest {
        app: &app,
        remote,
        git_ref: rest.get(2).map(String::as_str).filter(|r| !r.is_empty()),
        build,
        skip_deploy_branch: opt(&opts, "--skip-deploy-branch").is_some(),
    };
    git::sync::sync(&&*ctx, &req).map_err(cli_error)?;
    Ok(0)
}

fn from_archive(ctx: &mut Context, args: &[String]) -> CmdResult {
    let (opts, rest) = options(args, &["--archive-type"]);
    let app = existing_app(ctx, &rest)?;
    let kind_name = opt(&opts, "--archive-type").unwrap_or("tar");
    let kind = git::sources::ArchiveType::parse(kind_name)
        .ok_or_else(|| CommandError::fail(format!("Invalid archive type specified, valid archive types include: tar, tar.gz, zip (got {kind_name})")))?;
    let Some(url) = rest.get(1).filter(|u| !u.is_empty()) else {
        return Err(CommandError::fail(
            "Please specify an archive url or -- to fetch the archive from stdin",
        ));
    };
    if let Some(result) = capture(ctx, &app, "git:from-archive", "git:from-archive", args) {
        return result;
    }
    let (user, email) = author(&rest);
    let host = &*ctx;
    fire(
        host,
        "git-from-archive",
        &[&app, url, kind.as_str(), user, email],
    )?;
    dokku_core::deploy::Host::fire_checked(&host, "deploy-source-set", &[&app, kind.as_str(), url])
        .map_err(cli_error)?;
    Ok(0)
}

/// Fires an import trigger: its handler says why it failed, so a failure ends the
/// command with the handler's status and nothing more.
fn fire(host: &Context, trigger: &str, args: &[&str]) -> Result<(), CommandError> {
    match dokku_core::deploy::Host::fire(&host, trigger, args).map_err(cli_error)? {
        0 => Ok(()),
        code => Err(CommandError::silent(code)),
    }
}

/// The commit author of an import: `<app> <source> [<user-name>] [<user-email>]`,
/// Dokku's defaults when not given.
fn author(rest: &[String]) -> (&str, &str) {
    let word = |n: usize, default: &'static str| rest.get(n).map(String::as_str).unwrap_or(default);
    (
        word(2, git::sources::DEFAULT_USER_NAME),
        word(3, git::sources::DEFAULT_USER_EMAIL),
    )
}

//! `dokku __core` helpers behind the functions of `common/functions` that ask about
//! images, containers and deploys (`is_deployed`, `get_image_builder_type`,
//! `acquire_app_deploy_lock`, ...). Each answers from the same code the Rust core
//! uses; see docs/contracts/layout.md for the table.
//!
//! Predicates (`is-deployed`, `verify-app-image`) answer with their exit code only;
//! the `image-is-*` helpers print `true` or `false`, as Dokku's `common` binary does.

use dokku_core::app::AppName;
use dokku_core::lock::{DeployLock, LockError};
use dokku_core::log::Level;
use dokku_core::owner::Owner;

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::images;
use dokku_host::output;

/// The helpers this module answers.
pub(crate) const HELPERS: &[&str] = &[
    "is-deployed",
    "image-is-cnb-based",
    "image-is-herokuish-based",
    "image-builder-type",
    "verify-app-image",
    "registry-docker-config-dir",
    "docker-args-split",
    "docker-cleanup",
    "app-container-ids",
    "app-container-types",
    "deploy-lock",
    "build-id",
    "deploy",
    "checks-status",
    "ssh-keys-verify",
    "git",
    "dockerfile-exposed-ports",
    "ports-detect-map",
];

/// Runs `helper` (one of [`HELPERS`]) with `rest`, its arguments.
pub(crate) fn run(ctx: &mut Context, helper: &str, rest: &[String]) -> CmdResult {
    let arg = |i: usize| rest.get(i).map(String::as_str).unwrap_or("");
    match helper {
        "is-deployed" => {
            let app = AppName::parse_existing(arg(0))?;
            Ok(status(dokku_core::config::ops::is_deployed(
                &ctx.layout.lib_root,
                app.as_str(),
            )))
        }
        "image-is-cnb-based" => print_bool(images::image_is_cnb(ctx, arg(0))),
        "image-is-herokuish-based" => print_bool(images::image_is_herokuish(ctx, arg(0), arg(1))),
        "image-builder-type" => print(images::image_builder_type(ctx, arg(0), arg(1))),
        "verify-app-image" => Ok(status(images::verify_app_image(ctx, arg(0), arg(1)))),
        "registry-docker-config-dir" => {
            if let Some(dir) = images::registry_docker_config_dir(ctx, arg(0)) {
                output::println(&dir.display().to_string());
            }
            Ok(0)
        }
        "docker-args-split" => {
            let mut out = String::new();
            for word in dokku_core::shell::split_words(arg(0)) {
                out.push_str(&word);
                out.push('\0');
            }
            output::write(dokku_core::log::Stream::Stdout, &out);
            Ok(0)
        }
        "docker-cleanup" => {
            // `docker-cleanup [APP|--global] [force]`.
            let app = match arg(0) {
                "" | "--global" => None,
                name => Some(AppName::parse_existing(name)?.to_string()),
            };
            let force = matches!(arg(1), "true" | "force" | "--force");
            dokku_core::deploy::docker_cleanup(&&*ctx, app.as_deref(), force);
            Ok(0)
        }
        "app-container-ids" => {
            let app = AppName::parse_existing(arg(0))?;
            let ids = dokku_core::scheduler::container_ids(&ctx.layout, app.as_str(), arg(1));
            output::println(&ids.join(" "));
            Ok(0)
        }
        "app-container-types" => {
            let app = AppName::parse_existing(arg(0))?;
            let types = dokku_core::scheduler::container_types(&ctx.layout, app.as_str());
            output::println(&types.join(" "));
            Ok(0)
        }
        "deploy-lock" => deploy_lock(ctx, rest),
        "build-id" => print(dokku_plugin_common::build_capture::new_id(ctx)),
        "deploy" => deploy_step(ctx, rest),
        "git" => git_step(ctx, rest),
        "dockerfile-exposed-ports" => {
            print(dokku_core::ports::exposed_in_dockerfile(&read_text(arg(0))?).join(" "))
        }
        "ports-detect-map" => {
            // `ports-detect-map APP IMAGE DOCKERFILE`: the Dockerfile's EXPOSE ports,
            // else the image's, as mappings; else the app's default mapping.
            let app = AppName::parse_existing(arg(0))?;
            let mut exposed = match arg(2) {
                "" => Vec::new(),
                path => dokku_core::ports::exposed_in_dockerfile(
                    &std::fs::read_to_string(path).unwrap_or_default(),
                ),
            };
            if exposed.is_empty() && !arg(1).is_empty() {
                exposed = ctx.docker().image_exposed_ports(arg(1));
            }
            let maps = dokku_core::ports::detect_map(&exposed);
            if !maps.is_empty() {
                let maps: Vec<String> = maps.iter().map(ToString::to_string).collect();
                return print(maps.join(" "));
            }
            ctx.fire(
                "ports-configure",
                &[app.to_string()],
                dokku_core::trigger::StdoutMode::Inherit,
            )?;
            let props = dokku_core::property::PropertyStore::new(&ctx.layout.lib_root);
            print(format!(
                "http:{}:5000",
                dokku_core::proxy::http_port(&props, app.as_str())
            ))
        }
        "ssh-keys-verify" => {
            dokku_core::sshkeys::verify(&ctx.layout)
                .map_err(|e| CommandError::fail(e.to_string()))?;
            Ok(0)
        }
        "checks-status" => {
            // `checks-status APP PROCTYPE disabled|skipped`.
            let app = AppName::parse_existing(arg(0))?;
            let props = dokku_core::property::PropertyStore::new(&ctx.layout.lib_root);
            let yes = match arg(2) {
                "disabled" => dokku_core::checks::is_disabled(&props, app.as_str(), arg(1)),
                "skipped" => dokku_core::checks::is_skipped(&props, app.as_str(), arg(1)),
                other => {
                    return Err(
                        CommandError::fail(format!("unknown checks status '{other}'"))
                            .hint("dokku __core checks-status APP PROCTYPE disabled|skipped"),
                    )
                }
            };
            print_bool(yes)
        }
        other => Err(CommandError::fail(format!("unknown core helper '{other}'"))),
    }
}

fn read_text(path: &str) -> Result<String, CommandError> {
    std::fs::read_to_string(path)
        .map_err(|e| CommandError::fail(format!("cannot read {path}: {e}")))
}

fn status(yes: bool) -> i32 {
    if yes {
        0
    } else {
        1
    }
}

fn print(value: String) -> CmdResult {
    output::println(&value);
    Ok(0)
}

fn print_bool(value: bool) -> CmdResult {
    print(value.to_string())
}

/// `deploy-lock acquire APP PID [waiting|exclusive]` and `deploy-lock release APP
/// PID`: the app's deploy lock, taken for process PID (the calling shell), so Rust
/// deploys and bash plugins exclude each other (`acquire_app_deploy_lock`).
fn deploy_lock(ctx: &Context, rest: &[String]) -> CmdResult {
    let usage = "dokku __core deploy-lock acquire APP PID [waiting|exclusive] | release APP PID";
    let arg = |i: usize| rest.get(i).map(String::as_str).unwrap_or("");
    let app = AppName::parse_existing(arg(1))?;
    let pid: u32 = arg(2)
        .parse()
        .map_err(|_| CommandError::fail(format!("invalid pid '{}'", arg(2))).hint(usage))?;
    let owner = Owner::of_pid(pid)
        .ok_or_else(|| CommandError::fail(format!("no running process {pid}")).hint(usage))?;
    let path = ctx.layout.deploy_lock(app.as_str());
    match arg(0) {
        "acquire" => {
            let wait = match arg(3) {
                "" | "waiting" => true,
                "exclusive" | "non-waiting" => false,
                other => {
                    return Err(
                        CommandError::fail(format!("unknown lock type '{other}'")).hint(usage)
                    )
                }
            };
            let waiting = || {
                output::println(&format!(
                    "{app} currently has a deploy lock in place. Waiting..."
                ));
            };
            match DeployLock::acquire_for(&path, app.as_str(), &owner, wait, waiting) {
                Ok(took_over) => {
                    if let Some(id) = ctx.var(dokku_core::env::DOKKU_BUILD_ID) {
                        // Best effort: only `builds:cancel` reads it.
                        let _ = dokku_core::lock::note_build(&path, id);
                    }
                    if let Some(dead) = took_over {
                        ctx.log(
                            Level::Warn,
                            &dokku_core::lock::takeover_warning(app.as_str(), &dead),
                        );
                    }
                    Ok(0)
                }
                Err(LockError::Held { .. }) => {
                    ctx.log(
                        Level::Warn,
                        &format!("{app} currently has a deploy lock in place. Exiting..."),
                    );
                    Err(CommandError::fail(
                        "Run 'apps:unlock' to release the existing deploy lock",
                    ))
                }
                Err(e) => Err(CommandError::fail(e.to_string())),
            }
        }
        "release" => {
            DeployLock::release_for(&path, &owner).map_err(|e| {
                CommandError::fail(format!("cannot release {}: {e}", path.display()))
            })?;
            Ok(0)
        }
        other => {
            Err(CommandError::fail(format!("unknown deploy-lock action '{other}'")).hint(usage))
        }
    }
}

/// `deploy <step> APP ...`: one step of the deploy pipeline, for `dokku_receive`,
/// `dokku_build`, `dokku_release`, `cmd-deploy` and `release_and_deploy`.
///
/// | step | arguments | bash function |
/// |---|---|---|
/// | `receive` | `APP SOURCE_TYPE WORKDIR` | `dokku_receive` |
/// | `build` | `APP SOURCE_TYPE WORKDIR` | `dokku_build` |
/// | `release` | `APP SOURCE_TYPE [TAG]` | `dokku_release` |
/// | `deploy` | `APP [TAG] [PROC_TYPE]` | `cmd-deploy` |
/// | `release-and-deploy` | `APP [TAG]` | `release_and_deploy` |
fn deploy_step(ctx: &Context, rest: &[String]) -> CmdResult {
    use dokku_core::deploy;
    use dokku_host::pipeline::cli_error;

    let usage = "dokku __core deploy receive|build|release|deploy|release-and-deploy APP ...";
    let arg = |i: usize| rest.get(i).map(String::as_str).unwrap_or("");
    let opt = |i: usize| Some(arg(i)).filter(|v| !v.is_empty());
    let app = AppName::parse_existing(arg(1))?;
    let app = app.as_str();
    let host = &ctx;
    let done = match arg(0) {
        "receive" => deploy::receive(host, app, arg(2), arg(3)),
        "build" => deploy::build(host, app, arg(2), arg(3)),
        "release" => deploy::release(host, app, arg(2), opt(3)),
        "deploy" => {
            dokku_core::app::verify(&ctx.layout.dokku_root, app)?;
            deploy::deploy(host, app, opt(2).unwrap_or("latest"), opt(3))
        }
        "release-and-deploy" => deploy::release_and_deploy(host, app, opt(2)),
        other => {
            return Err(CommandError::fail(format!("unknown deploy step '{other}'")).hint(usage))
        }
    };
    done.map_err(cli_error)?;
    Ok(0)
}

/// `git <step> APP ...`: the git plugin's build steps, for `git/functions`.
///
/// | step | arguments | bash function |
/// |---|---|---|
/// | `build-app-repo` | `APP REV` | `git_build_app_repo` |
/// | `trigger-build` | `APP WORKDIR REV` | `git_trigger_build` |
/// | `build` | `APP [REV]` | `git_build` |
/// | `receive-app` | `APP [REV]` | `git_receive_app` (takes the deploy lock) |
fn git_step(ctx: &Context, rest: &[String]) -> CmdResult {
    use dokku_core::git;
    use dokku_host::pipeline::cli_error;

    let usage = "dokku __core git build-app-repo|trigger-build|build|receive-app APP ...";
    let arg = |i: usize| rest.get(i).map(String::as_str).unwrap_or("");
    let opt = |i: usize| Some(arg(i)).filter(|v| !v.is_empty());
    let app = AppName::parse_existing(arg(1))?;
    dokku_core::app::verify(&ctx.layout.dokku_root, app.as_str())?;
    let app = app.as_str();
    let host = &ctx;
    let done = match arg(0) {
        "build-app-repo" => {
            let rev = opt(2).ok_or_else(|| CommandError::fail("missing revision").hint(usage))?;
            git::extract(host, app, rev).and_then(|workdir| {
                let result = git::trigger_build(host, app, workdir.path(), rev);
                drop(workdir);
                result
            })
        }
        "trigger-build" => git::trigger_build(host, app, std::path::Path::new(arg(2)), arg(3)),
        "build" => git::build(host, app, opt(2)),
        "receive-app" => git::receive_app(host, app, opt(2)),
        other => return Err(CommandError::fail(format!("unknown git step '{other}'")).hint(usage)),
    };
    done.map_err(cli_error)?;
    Ok(0)
}

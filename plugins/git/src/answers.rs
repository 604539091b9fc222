//! The `git` triggers other plugins ask, as in Dokku: `git-revision`,
//! `git-deploy-branch`, `git-get-property`, `git-has-code`, and the imports
//! `git-from-directory`, `git-from-archive` and `git-from-image` (the last two are
//! what `git:from-archive` and `git:from-image` fire).

use std::io::Write;
use std::path::Path;

use dokku_core::config::ConfigStore;
use dokku_core::deploy::{DeployError, Host};
use dokku_core::git::{self, query, sources};
use dokku_core::trigger::TriggerError;

use dokku_host::context::Context;
use dokku_host::pipeline::{arg, trigger_status};

/// The `n`th argument, or `default` when it is missing or empty.
fn arg_or<'a>(args: &'a [String], n: usize, default: &'a str) -> &'a str {
    Some(arg(args, n))
        .filter(|a| !a.is_empty())
        .unwrap_or(default)
}

/// The plugin's answers to other plugins.
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let host = ctx;
    let app = arg(args, 0);
    let props = host.properties();
    match trigger {
        // APP: the value of the app's revision variable (GIT_REV by default).
        "git-revision" => {
            let config = ConfigStore::new(&ctx.layout.lib_root);
            if let Some(rev) = query::revision(&props, &config, app) {
                let _ = writeln!(stdout, "{rev}");
            }
            Ok(0)
        }
        // APP: the branch a push must reach to deploy.
        "git-deploy-branch" => {
            let _ = writeln!(stdout, "{}", git::deploy_branch(&props, app).0);
            Ok(0)
        }
        // APP KEY: only `source-image` is handed out; any other key fails.
        "git-get-property" => match query::property(&props, app, arg(args, 1)) {
            Some(value) => {
                let _ = writeln!(stdout, "{value}");
                Ok(0)
            }
            None => Ok(1),
        },
        // APP [BRANCH]
        "git-has-code" => {
            let branch = args.get(1).map(String::as_str);
            Ok(if query::has_code(&host, app, branch) {
                0
            } else {
                1
            })
        }
        // APP DIR [USER_NAME] [USER_EMAIL]
        "git-from-directory" => trigger_status(
            ctx,
            sources::from_directory(
                &host,
                app,
                Path::new(arg(args, 1)),
                arg_or(args, 2, sources::DEFAULT_USER_NAME),
                arg_or(args, 3, sources::DEFAULT_USER_EMAIL),
            ),
        ),
        // APP URL|-- TYPE [USER_NAME] [USER_EMAIL]
        "git-from-archive" => {
            let result = match sources::ArchiveType::parse(arg_or(args, 2, "tar")) {
                Some(kind) => {
                    let source = match arg(args, 1) {
                        "--" => sources::ArchiveSource::Stdin,
                        url => sources::ArchiveSource::Url(url.to_string()),
                    };
                    sources::from_archive(
                        &host,
                        app,
                        kind,
                        &source,
                        arg_or(args, 3, sources::DEFAULT_USER_NAME),
                        arg_or(args, 4, sources::DEFAULT_USER_EMAIL),
                    )
                }
                None => Err(DeployError::fail(format!(
                    "Invalid archive type specified, valid archive types include: tar, tar.gz, zip (got {})",
                    arg(args, 2)
                ))),
            };
            trigger_status(ctx, result)
        }
        // APP IMAGE [BUILD_DIR] [USER_NAME] [USER_EMAIL]; DOKKU_APPS_FORCE_DELETE=1
        // pulls the image even when it is on the host (`git:from-image --force`).
        "git-from-image" => {
            let build_dir = Some(arg(args, 2)).filter(|d| !d.is_empty()).map(Path::new);
            let force = ctx.var(dokku_core::env::DOKKU_APPS_FORCE_DELETE) == Some("1");
            trigger_status(
                ctx,
                sources::from_image(
                    &host,
                    app,
                    arg(args, 1),
                    build_dir,
                    force,
                    arg_or(args, 3, sources::DEFAULT_USER_NAME),
                    arg_or(args, 4, sources::DEFAULT_USER_EMAIL),
                ),
            )
        }
        _ => Ok(0),
    }
}

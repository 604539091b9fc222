//! The `certs:*` commands: `certs:add`, `certs:update`, `certs:generate`,
//! `certs:remove`, `certs:report` and `certs:show`.

use std::io::{IsTerminal, Read};
use std::path::Path;

use dokku_core::certs::{self, CertPair};

use dokku_host::output;
use dokku_plugin_common::report::run_report;
use dokku_plugin_common::{cli_error, existing_app, CmdResult, CommandError, Context};

fn positional(args: &[String]) -> Vec<String> {
    args.iter()
        .filter(|a| !a.starts_with("--"))
        .cloned()
        .collect()
}

/// Runs one `certs:*` command (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    let host = &*ctx;
    let words = positional(args);
    match command {
        "certs:add" | "certs:update" => {
            let app = existing_app(ctx, args)?;
            let pair = match (words.get(1), words.get(2)) {
                (Some(crt), Some(key)) => CertPair::from_files(Path::new(crt), Path::new(key)),
                _ => {
                    let stdin = std::io::stdin();
                    if stdin.is_terminal() {
                        Err(certs::CertsError::TarExpected)
                    } else {
                        let mut bytes = Vec::new();
                        stdin
                            .lock()
                            .read_to_end(&mut bytes)
                            .map_err(|e| CommandError::fail(format!("cannot read stdin: {e}")))?;
                        CertPair::from_tar(&bytes)
                    }
                }
            }
            .map_err(|e| CommandError::fail(e.to_string()))?;
            certs::add(&host, &app, &pair).map_err(cli_error)?;
        }
        "certs:generate" => {
            let app = existing_app(ctx, args)?;
            let domain = words.get(1).map(String::as_str).unwrap_or("");
            if domain.is_empty() {
                return Err(CommandError::fail("Please specify a domain name")
                    .hint("dokku certs:generate <app> <domain>"));
            }
            certs::generate(&host, &app, domain).map_err(cli_error)?;
        }
        "certs:remove" => certs::remove(&host, &existing_app(ctx, args)?).map_err(cli_error)?,
        "certs:show" => {
            let app = existing_app(ctx, args)?;
            let file = match words.get(1).map(String::as_str) {
                Some("crt") => "server.crt",
                Some("key") => "server.key",
                _ => return Err(CommandError::fail("specify either 'key' or 'crt'")),
            };
            if !certs::is_enabled(&ctx.layout, &app) {
                return Err(CommandError::fail(format!(
                    "{app} does not have an ssl certificate"
                )));
            }
            let path = certs::tls_dir(&ctx.layout, &app).join(file);
            let text = std::fs::read_to_string(&path)
                .map_err(|e| CommandError::fail(format!("cannot read {}: {e}", path.display())))?;
            output::write(dokku_core::log::Stream::Stdout, &text);
        }
        "certs:report" | "certs" => {
            return run_report(ctx, "ssl", args, |app| Ok(certs::report(&ctx.layout, app)));
        }
        other => {
            return Err(CommandError::fail(format!(
                "`{other}` is not a dokku command."
            )))
        }
    }
    Ok(0)
}

//! The `dokku` binary. When called as `plugn` it is the plugn-compatible entry point;
//! when called as `sigil`, the sigil-compatible template renderer; when called as
//! `netrc`, Dokku's `.netrc` helper.

mod commands;

mod dispatch;

mod flags;
mod help;
mod identity;
mod netrc;

mod plugin_host;
mod plugn;

mod sigil;
mod ssh_command;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let invoked_as = args
        .first()
        .and_then(|a| std::path::Path::new(a).file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let code = if invoked_as == "plugn" {
        plugn::main(&args[1..])
    } else if invoked_as == "sigil" {
        sigil::main(&args[1..])
    } else if invoked_as == "netrc" {
        netrc::main(&args[1..])
    } else {
        dispatch::main(args.get(1..).unwrap_or_default().to_vec())
    };
    ExitCode::from(u8::try_from(code.clamp(0, 255)).unwrap_or(1))
}

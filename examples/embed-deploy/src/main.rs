//! # embed-deploy: Dokku inside another program
//!
//! A deploy bot, a dashboard or a CI runner can drive Dokku as a library, without the
//! `dokku` binary in between: [`dokku_platform::Platform`] opens an install and runs
//! the same command handlers the CLI runs, so every trigger reaches core, native
//! (library) and legacy plugins as it would from `dokku`. This program shows the
//! whole round trip against an install:
//!
//! 1. opens the install (`Platform::open_prefix`, or `Platform::from_process` for the
//!    system install when no prefix is given);
//! 2. creates the app (`apps:create`; an existing one is reused);
//! 3. sets `GREETING` without restarting (`config:set --no-restart`);
//! 4. packs the source directory (default: `examples/hello-app`, a Dockerfile app)
//!    with `tar` and deploys the tarball (`git:from-archive`), streaming Dokku's
//!    usual build and deploy output;
//! 5. lists every app with its state (deployed, running, containers, main URL);
//! 6. prints the app's URL.
//!
//! ## Running it
//!
//! ```sh
//! ./install.sh --prefix /tmp/dokku          # a prefix install, no root needed
//! ./scripts/build-base-image.sh             # the local base image hello-app builds FROM
//! cargo run -p dokku-example-embed-deploy -- --prefix /tmp/dokku --app hello
//! ```
//!
//! Options (each also read from the environment):
//!
//! | Option | Environment | Default |
//! |---|---|---|
//! | `--prefix DIR` | `DOKKU_PREFIX` | none: the install the process environment points at |
//! | `--app NAME` | `EMBED_APP` | `embed-hello` |
//! | `--source DIR` | `EMBED_SOURCE` | this repository's `examples/hello-app` |
//!
//! Its own lines start with `embed-deploy:`; the rest is what `dokku` would print. A
//! failed step prints one ` !     message` line (and a `hint:`) as `dokku` does, and
//! exits with the code `dokku` would. Deploying an unchanged source again is refused
//! by Dokku ("No changes detected"), as for `git:from-archive`.
//!
//! ## The code that matters
//!
//! ```no_run
//! use dokku_platform::{Archive, Platform, Restart};
//! # fn main() -> Result<(), dokku_platform::Error> {
//! # let tarball: Vec<u8> = Vec::new();
//! let dokku = Platform::open_prefix("/tmp/dokku")?;
//! dokku.create_app("hello")?;
//! dokku.set_config("hello", &[("GREETING", "hi")], Restart::No)?;
//! dokku.deploy_tarball("hello", Archive::Reader(&mut tarball.as_slice()))?;
//! for app in dokku.apps()? {
//!     println!("{} deployed={} url={:?}", app.name, app.deployed, app.url);
//! }
//! # Ok(())
//! # }
//! ```

use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};

use dokku_platform::{AppState, Archive, Error, Platform, Restart};

/// What the command line (or the environment) asked for.
struct Options {
    prefix: Option<PathBuf>,
    app: String,
    source: PathBuf,
}

const USAGE: &str = "usage: dokku-example-embed-deploy [--prefix DIR] [--app NAME] [--source DIR]";

fn options() -> Result<Options, String> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let mut opts = Options {
        prefix: var("DOKKU_PREFIX").map(PathBuf::from),
        app: var("EMBED_APP").unwrap_or_else(|| "embed-hello".into()),
        source: var("EMBED_SOURCE")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../hello-app"))),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--prefix" => opts.prefix = Some(PathBuf::from(value()?)),
            "--app" => opts.app = value()?,
            "--source" => opts.source = PathBuf::from(value()?),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument: {other}")),
        }
    }
    Ok(opts)
}

fn main() -> ExitCode {
    let opts = match options() {
        Ok(opts) => opts,
        Err(problem) => {
            if !problem.is_empty() {
                eprintln!(" !     {problem}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // Printed the way `dokku` prints a failed command.
            eprintln!(" !     {err}");
            if let Some(hint) = err.hint() {
                eprintln!("       hint: {hint}");
            }
            ExitCode::from(u8::try_from(err.exit_code().clamp(1, 255)).unwrap_or(1))
        }
    }
}

fn say(line: &str) {
    println!("embed-deploy: {line}");
}

fn run(opts: &Options) -> Result<(), Error> {
    let dokku = match &opts.prefix {
        Some(prefix) => Platform::open_prefix(prefix)?,
        None => Platform::from_process()?,
    };
    say(&format!("using {}", dokku.dokku_bin().display()));

    match dokku.create_app(&opts.app) {
        Ok(()) => say(&format!("created {}", opts.app)),
        Err(Error::AppExists { .. }) => say(&format!("{} exists, deploying it again", opts.app)),
        Err(err) => return Err(err),
    }

    dokku.set_config(
        &opts.app,
        &[("GREETING", "hello from embed-deploy")],
        Restart::No,
    )?;
    say("set GREETING without a restart");

    let tarball = pack(&opts.source)?;
    say(&format!(
        "deploying a {} byte tarball of {}",
        tarball.len(),
        opts.source.display()
    ));
    dokku.deploy_tarball(&opts.app, Archive::Reader(&mut tarball.as_slice()))?;

    say("apps:");
    for app in dokku.apps()? {
        say(&format!("  {}", describe(&app)));
    }
    let state = dokku.app(&opts.app)?;
    match &state.url {
        Some(url) => say(&format!("{} is at {url}", state.name)),
        None => say(&format!("{} has no URL", state.name)),
    }
    Ok(())
}

/// One line of the listing.
fn describe(app: &AppState) -> String {
    format!(
        "{} deployed={} running={:?} processes={} url={}",
        app.name,
        app.deployed,
        app.running,
        app.processes,
        app.url.as_deref().unwrap_or("-")
    )
}

/// `tar -C SOURCE -c .`, read whole: the tarball is only handed on once tar succeeded.
fn pack(source: &std::path::Path) -> Result<Vec<u8>, Error> {
    let io = |what: &str| {
        let what = format!("{what} {}", source.display());
        move |source| Error::Io { what, source }
    };
    let out = Command::new("tar")
        .arg("-C")
        .arg(source)
        .args(["-c", "."])
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(io("cannot run tar to pack"))?;
    if !out.status.success() {
        return Err(io("tar failed to pack")(std::io::Error::other(format!(
            "tar exited with {}",
            out.status
        ))));
    }
    Ok(out.stdout)
}

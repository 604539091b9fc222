//! Dokku's documented plugin triggers against ours.
//!
//! `docs/contracts/triggers-dokku.txt` lists every trigger Dokku 0.38.27 documents, with
//! the Dokku plugins that fire and answer it. This test holds our side:
//!
//! - [`FIRED`]: every trigger our code fires, checked against the code both ways (each
//!   literal name at a `fire*(` call is listed; each listed name is in the code);
//! - what we answer: the `[[trigger]]` entries of `plugins/*/plugin.toml` (the registry
//!   test ties each one to a handler);
//! - [`NOT_YET`]: documented triggers Dokku fires or answers that we neither fire nor
//!   answer, each with why; [`NOT_FIRED_YET`]: triggers we answer that Dokku fires and
//!   we do not.
//!
//! A documented trigger that is neither fired nor answered fails the test unless it is in
//! `NOT_YET`; an entry there that is fired or answered fails it too, so the lists only
//! shrink as work lands. Our `20_events` logs triggers as Dokku's does; logging is not
//! answering, so it counts for neither side.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use dokku_plugin_sdk::Manifest;

/// Every trigger our source fires (Rust `fire*(` calls, `plugn trigger NAME` in the bash
/// files and in the commands we spawn), in name order.
const FIRED: &[&str] = &[
    "app-json-is-valid",
    "app-list",
    "app-maybe-create",
    "app-restart",
    "app-urls",
    "builder-build",
    "builder-create-dokku-image",
    "builder-detect",
    "builder-dokku-image",
    "builder-release",
    "builder-set-property",
    "builds-generate-id",
    "builds-record-finalize",
    "builds-record-start",
    "check-deploy",
    "config-migrate-env",
    "core-post-deploy",
    "core-post-extract",
    "cron-entries",
    "dependencies",
    "deploy",
    "deploy-source-set",
    "deployed-app-image-repo",
    "deployed-app-image-tag",
    "deployed-app-repository",
    "docker-args-build",
    "docker-args-deploy",
    "docker-args-process-build",
    "docker-args-process-deploy",
    "docker-args-process-run",
    "docker-args-run",
    "domains-setup",
    "domains-urls",
    "git-from-archive",
    "git-from-directory",
    "git-from-image",
    "git-has-code",
    "git-post-pull",
    "git-pre-pull",
    "install",
    "network-build-config",
    "network-clear-config",
    "network-config-exists",
    "network-get-ipaddr",
    "network-get-listeners",
    "network-write-ipaddr",
    "nginx-app-template-source",
    "nginx-hostname",
    "nginx-pre-reload",
    "ports-configure",
    "ports-get",
    "ports-set-detected",
    "post-app-clone",
    "post-app-clone-setup",
    "post-app-rename",
    "post-app-rename-setup",
    "post-build",
    "post-build-buildpack",
    "post-build-dockerfile",
    "post-certs-remove",
    "post-certs-update",
    "post-config-update",
    "post-container-create",
    "post-create",
    "post-delete",
    "post-deploy",
    "post-domains-update",
    "post-extract",
    "post-proxy-ports-update",
    "post-registry-login",
    "post-release-builder",
    "post-stack-set",
    "post-stop",
    "pre-build",
    "pre-build-buildpack",
    "pre-build-dockerfile",
    "pre-delete",
    "pre-deploy",
    "pre-disable-vhost",
    "pre-enable-vhost",
    "pre-receive-app",
    "pre-release-builder",
    "pre-release-buildpack",
    "pre-release-dockerfile",
    "pre-restore",
    "pre-start",
    "proxy-build-config",
    "proxy-clear-config",
    "proxy-disable",
    "proxy-enable",
    "ps-can-scale",
    "ps-set-scale",
    "receive-app",
    "receive-branch",
    "release-and-deploy",
    "report",
    "retire-container-failed",
    "scheduler-app-status",
    "scheduler-cron-write",
    "scheduler-deploy",
    "scheduler-detect",
    "scheduler-enter",
    "scheduler-inspect",
    "scheduler-is-deployed",
    "scheduler-logs",
    "scheduler-logs-failed",
    "scheduler-post-delete",
    "scheduler-post-deploy-process",
    "scheduler-post-run",
    "scheduler-pre-restore",
    "scheduler-register-retired",
    "scheduler-retire",
    "scheduler-run",
    "scheduler-run-list",
    "scheduler-run-logs",
    "scheduler-run-retire",
    "scheduler-run-stop",
    "scheduler-stop",
    "scheduler-storage-exec",
    "scheduler-uses-host-cron",
    "storage-create",
    "storage-destroy",
    "storage-status",
    "uninstall",
    "update",
    "user-auth",
    "user-auth-app",
];

/// Documented triggers Dokku fires or answers that we neither fire nor answer yet.
const NOT_YET: &[&str] = &[
    // The build steps of pack and lambda, which fail fast naming what the host lacks
    // and do not build yet.
    "post-build-lambda",
    "post-build-pack",
    "pre-build-lambda",
    "pre-build-pack",
    "pre-release-lambda",
    "pre-release-pack",
    // Proxies other than nginx (caddy, haproxy, openresty, traefik) are out of scope;
    // they are also the only plugins that answer certs-force.
    "caddy-template-source",
    "certs-force",
    "haproxy-template-source",
    "openresty-template-source",
    "traefik-template-source",
    // The vector shipper's config template (our vector.json is written directly).
    "vector-template-source",
    // Dokku's nginx-vhosts fires it from its install trigger when it writes
    // conf.d/dokku.conf; ours has no install trigger (install.sh lays nginx out).
    "nginx-dokku-template-source",
    // Fired by Dokku's k3s scheduler only (out of scope).
    "scheduler-proxy-logs",
];

/// Triggers we answer that Dokku fires and we do not fire yet: our code asks the rule
/// directly where Dokku asks the bus.
const NOT_FIRED_YET: &[&str] = &[
    // Our scheduler reads the app.json and the Procfile of the deploy itself
    // (`dokku_core::scheduler`), where Dokku's asks app-json and ps.
    "app-json-process-deploy-parallelism",
    "procfile-exists",
    "procfile-get-command",
    // Dokku's nginx-vhosts fires it from its pre-enable-vhost / pre-disable-vhost
    // handlers, which ours does not have (port mappings stay as set).
    "ports-clear",
    // Our scheduler writes PORT.TYPE.N and reads bind-all-interfaces itself; nginx
    // reads the static listener with the other listeners (`nginx::listeners`).
    "network-get-property",
    "network-get-static-listeners",
    "network-write-port",
    // Asked only by Dokku plugins we do not have (k3s, herokuish, app-json's build-dir
    // for herokuish) or read directly by our scheduler (wait-to-retire).
    "builder-get-property",
    "certs-get",
    "checks-get-property",
    "resource-get-property",
    // Asked only by Dokku's herokuish build steps (ours asks the rule directly) and its
    // unit tests.
    "builder-herokuish-allowed",
    "buildpack-stack-name",
    // Only Dokku's k3s scheduler asks it; our docker-local scheduler reads the
    // attachments directly (`dokku_core::storage::docker_args`).
    "storage-app-mounts",
    // Only Dokku's lambda builder asks it; we have no lambda builder.
    "git-revision",
    // Our core plugins ask the rule in dokku-core directly.
    "git-get-property",
    "app-exists",
    "app-json-get-content",
    "certs-exists",
    "config-export",
    "config-get",
    "config-get-global",
    "config-set",
    "domains-add",
    "domains-disable",
    "domains-enable",
    "domains-list",
    "domains-vhost-enabled",
    "ports-get-property",
    "proxy-is-enabled",
    "proxy-type",
    "ps-current-scale",
];

/// The events logger: it logs triggers, it does not answer them.
const EVENTS: &str = "20_events";

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("dokku-platform lives one level below the repo root")
        .to_path_buf()
}

/// One line of `docs/contracts/triggers-dokku.txt`.
#[derive(Debug)]
struct Documented {
    name: String,
    fired_by: BTreeSet<String>,
    answered_by: BTreeSet<String>,
}

impl Documented {
    /// Whether Dokku does anything with it besides logging it.
    fn used_by_dokku(&self) -> bool {
        !self.fired_by.is_empty() || self.answered_by.iter().any(|p| p != EVENTS)
    }
}

fn plugins(column: &str) -> BTreeSet<String> {
    if column == "-" {
        return BTreeSet::new();
    }
    column.split(',').map(str::to_string).collect()
}

fn documented() -> Vec<Documented> {
    let path = repo_root().join("docs/contracts/triggers-dokku.txt");
    let text = std::fs::read_to_string(&path).expect("read triggers-dokku.txt");
    let mut rows = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 4, "triggers-dokku.txt:{}: four columns", n + 1);
        rows.push(Documented {
            name: cols[0].to_string(),
            fired_by: plugins(cols[2]),
            answered_by: plugins(cols[3]),
        });
    }
    rows
}

/// Trigger name -> our plugins answering it (`[[trigger]]` of `plugins/*/plugin.toml`).
fn answered() -> BTreeMap<String, BTreeSet<String>> {
    let mut found: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for entry in std::fs::read_dir(repo_root().join("plugins")).expect("read plugins/") {
        let dir = entry.expect("plugins/ entry").path();
        let Ok(text) = std::fs::read_to_string(dir.join("plugin.toml")) else {
            continue;
        };
        let manifest = Manifest::parse(&text).expect("plugin.toml");
        let plugin = dir
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        for trigger in manifest.triggers() {
            found
                .entry(trigger.clone())
                .or_default()
                .insert(plugin.clone());
        }
    }
    found
}

/// Our non-test source: `(path, text)` of each `.rs` file (cut at its `#[cfg(test)]`)
/// and of each bash file under `plugins/`.
fn sources() -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
        for entry in std::fs::read_dir(dir).expect("read source dir") {
            let path = entry.expect("dir entry").path();
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            if path.is_dir() {
                if !matches!(
                    name.as_str(),
                    "target" | "tests" | "examples" | "dokku-test-support" | "docs"
                ) && !name.starts_with('.')
                {
                    walk(&path, out);
                }
                continue;
            }
            let is_rust =
                name.ends_with(".rs") && !matches!(name.as_str(), "tests.rs" | "testing.rs");
            let is_bash = path
                .parent()
                .and_then(Path::parent)
                .is_some_and(|p| p.file_name().is_some_and(|n| n == "plugins"))
                && !name.contains('.')
                && name != "Cargo";
            if !is_rust && !is_bash {
                continue;
            }
            let Ok(mut text) = std::fs::read_to_string(&path) else {
                continue;
            };
            if let Some(at) = text.find("#[cfg(test)]") {
                text.truncate(at);
            }
            if is_rust {
                // Comments name triggers too; keep the line numbers.
                text = text
                    .lines()
                    .map(|l| {
                        if l.trim_start().starts_with("//") {
                            ""
                        } else {
                            l
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("\n");
            }
            out.push((path, text));
        }
    }
    let mut out = Vec::new();
    walk(&repo_root(), &mut out);
    out
}

/// The top-level arguments of the call whose `(` ends at `open` (exclusive).
fn call_args(text: &str, open: usize) -> Vec<&str> {
    let bytes = text.as_bytes();
    let (mut depth, mut start, mut i, mut in_str) = (1usize, open, open, false);
    let mut args = Vec::new();
    while i < bytes.len() && depth > 0 {
        match bytes[i] {
            b'\\' if in_str => i += 1,
            b'"' => in_str = !in_str,
            b'(' | b'[' | b'{' if !in_str => depth += 1,
            b')' | b']' | b'}' if !in_str => {
                depth -= 1;
                if depth == 0 {
                    args.push(text[start..i].trim());
                }
            }
            b',' if !in_str && depth == 1 => {
                args.push(text[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    args
}

/// Trigger names our code fires by a literal: the first of a `fire*(` call's first two
/// arguments that is a string literal (`host.fire_checked("x", …)`,
/// `Host::fire_checked(&host, "x", …)`, `fire_all(ctx, "x", …)`), `plugn trigger NAME`
/// in bash, and `"$0" trigger NAME` in the bash lines we spawn as plugn. `file:line`
/// of each.
fn fired_in_code(sources: &[(PathBuf, String)]) -> BTreeMap<String, Vec<String>> {
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let root = repo_root();
    for (path, text) in sources {
        let rel = path
            .strip_prefix(&root)
            .unwrap_or(path)
            .display()
            .to_string();
        let mut record = |name: &str, at: usize| {
            let line = text[..at].matches('\n').count() + 1;
            found
                .entry(name.to_string())
                .or_default()
                .push(format!("{rel}:{line}"));
        };
        for call in [
            "fire(",
            "fire_checked(",
            "fire_capture(",
            "fire_all(",
            "fire_over(",
            "fire_with_input(",
        ] {
            let mut from = 0;
            while let Some(pos) = text[from..].find(call) {
                let at = from + pos;
                from = at + call.len();
                let before = text[..at].chars().next_back().unwrap_or(' ');
                if before.is_alphanumeric() || before == '_' {
                    continue;
                }
                if text[..at].trim_end().ends_with("fn") {
                    continue;
                }
                let args = call_args(text, from);
                if let Some(lit) = args.iter().take(2).find(|a| is_literal(a)) {
                    record(&lit[1..lit.len() - 1], at);
                }
            }
        }
        let mut from = 0;
        while let Some(pos) = text[from..].find("trigger ") {
            let at = from + pos;
            from = at + "trigger ".len();
            // Bash: `plugn trigger NAME`; Rust: the bash line we spawn as plugn,
            // `exec -a plugn "$0" trigger NAME` (messages naming plugn do not count).
            let is_rust = path.extension().is_some_and(|e| e == "rs");
            let spawned = text[..at].ends_with("\\\" ");
            if !(spawned || !is_rust && text[..at].ends_with("plugn ")) {
                continue;
            }
            let name: String = text[from..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
                .collect();
            if !name.is_empty() {
                record(&name, at);
            }
        }
    }
    found
}

fn is_literal(arg: &str) -> bool {
    arg.len() >= 2
        && arg.starts_with('"')
        && arg.ends_with('"')
        && arg[1..arg.len() - 1]
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn unique<'a>(list: &[&'a str], what: &str) -> BTreeSet<&'a str> {
    let mut set = BTreeSet::new();
    for name in list {
        assert!(set.insert(*name), "{what}: `{name}` is listed twice");
    }
    set
}

#[test]
fn the_data_file_lists_dokkus_documented_triggers_once_each() {
    let rows = documented();
    assert_eq!(rows.len(), 180, "Dokku 0.38.27 documents 180 triggers");
    let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    unique(&names, "triggers-dokku.txt");
    for row in &rows {
        assert!(
            row.fired_by
                .iter()
                .chain(&row.answered_by)
                .all(|p| !p.is_empty()),
            "{}: empty plugin name",
            row.name
        );
    }
}

#[test]
fn fired_lists_exactly_the_triggers_the_code_fires() {
    let sources = sources();
    let in_code = fired_in_code(&sources);
    let listed = unique(FIRED, "FIRED");
    let mut sorted = FIRED.to_vec();
    sorted.sort_unstable();
    assert_eq!(FIRED, sorted.as_slice(), "keep FIRED in name order");
    for (name, places) in &in_code {
        assert!(
            listed.contains(name.as_str()),
            "`{name}` is fired at {places:?} but missing from FIRED"
        );
    }
    for name in &listed {
        if in_code.contains_key(*name) {
            continue;
        }
        // Fired under a name held in a variable: the literal must still be in the code.
        let quoted = format!("\"{name}\"");
        assert!(
            sources.iter().any(|(_, text)| text.contains(&quoted)),
            "`{name}` is in FIRED but our source never fires it"
        );
    }
}

#[test]
fn every_trigger_dokku_uses_is_fired_or_answered_here_or_listed_as_not_yet() {
    let rows = documented();
    let answered = answered();
    let answers = |name: &str| {
        answered
            .get(name)
            .is_some_and(|plugins| plugins.iter().any(|p| p != EVENTS))
    };
    let fired = unique(FIRED, "FIRED");
    let not_yet = unique(NOT_YET, "NOT_YET");
    let not_fired_yet = unique(NOT_FIRED_YET, "NOT_FIRED_YET");
    let documented: BTreeMap<&str, &Documented> =
        rows.iter().map(|r| (r.name.as_str(), r)).collect();

    let mut missing = Vec::new();
    let mut unfired = Vec::new();
    for row in &rows {
        let name = row.name.as_str();
        let ours = fired.contains(name) || answers(name);
        if row.used_by_dokku() && !ours && !not_yet.contains(name) {
            missing.push(name);
        }
        if !row.fired_by.is_empty()
            && answers(name)
            && !fired.contains(name)
            && !not_fired_yet.contains(name)
        {
            unfired.push(name);
        }
    }
    assert!(
        missing.is_empty(),
        "documented triggers Dokku uses that we neither fire nor answer (implement them, \
         or add them to NOT_YET with why): {missing:?}"
    );
    assert!(
        unfired.is_empty(),
        "triggers we answer that Dokku fires and we never fire (fire them where Dokku \
         does, or add them to NOT_FIRED_YET): {unfired:?}"
    );

    for name in &not_yet {
        let row = documented
            .get(name)
            .unwrap_or_else(|| panic!("NOT_YET: `{name}` is not a documented trigger"));
        assert!(
            row.used_by_dokku(),
            "NOT_YET: Dokku does nothing with `{name}`"
        );
        assert!(
            !fired.contains(name) && !answers(name),
            "NOT_YET: `{name}` is fired or answered now; take it off the list"
        );
    }
    for name in &not_fired_yet {
        let row = documented
            .get(name)
            .unwrap_or_else(|| panic!("NOT_FIRED_YET: `{name}` is not a documented trigger"));
        assert!(
            !row.fired_by.is_empty() && answers(name),
            "NOT_FIRED_YET: `{name}` is not answered here or Dokku never fires it"
        );
        assert!(
            !fired.contains(name),
            "NOT_FIRED_YET: `{name}` is fired now; take it off the list"
        );
    }
}

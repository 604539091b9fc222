//! Plugins written the way Dokku's community nginx plugins are (dokku-http-auth,
//! dokku-redirect, dokku-maintenance): bash that sources Dokku's functions files,
//! checks `is_deployed`, renders a template with `sigil -f FILE KEY=value` (and
//! `$KEY` variables), drops it into the app's `nginx.conf.d` and calls
//! `restart_nginx`. Each changes what nginx answers for a deployed app (401, 302,
//! 503) and puts it back. The real plugins cannot be fetched in CI; these use the
//! same helpers, so a regression in any of them fails here.

use std::path::Path;
use std::time::Duration;

use crate::harness::{output, skipped, Deployer};
use crate::nginx_support::{create_app, curl_head, get_via, TestNginx};

const PLUGIN_TOML: &str = "[plugin]\ndescription = \"e2e community-style plugin\"\nversion = \"0.1.0\"\n[plugin.config]\n";

/// The shared front of every command: Dokku's helpers, and `prepare APP` (the app
/// checked and deployed, its `nginx.conf.d`), which each of the plugin's own commands
/// calls first (`commands` sees every dokku command, so nothing runs before the
/// `case`).
const PRELUDE: &str = r#"#!/usr/bin/env bash
set -eo pipefail
source "$PLUGIN_CORE_AVAILABLE_PATH/common/functions"
source "$PLUGIN_AVAILABLE_PATH/nginx-vhosts/functions"
prepare() {
  APP="$1"
  verify_app_name "$APP"
  if ! is_deployed "$APP"; then
    dokku_log_fail "App $APP has not been deployed"
  fi
  CONF_D="$DOKKU_ROOT/$APP/nginx.conf.d"
  mkdir -p "$CONF_D"
}
"#;

/// http-auth: `auth_basic` from a template whose `$ALLOWED_IPS` variable decides
/// whether an `allow` block is rendered (sigil defines `$KEY` for every `KEY=value`).
const AUTH_TEMPLATE: &str = r#"{{ if $ALLOWED_IPS }}satisfy any;
{{ range $ip := .ALLOWED_IPS | split " " }}allow {{ $ip }};
{{ end }}deny all;
{{ end }}auth_basic "{{ .APP }} is private";
auth_basic_user_file {{ .HTPASSWD }};
"#;

const AUTH_COMMANDS: &str = r#"
case "$1" in
  e2e-auth:on)
    prepare "$2"
    htpasswd="$CONF_D/e2e-auth.htpasswd"
    printf '%s:%s\n' "$3" "$(openssl passwd -apr1 "$4")" >"$htpasswd"
    sigil -f "$PLUGIN_AVAILABLE_PATH/e2e-auth/templates/auth.conf.sigil" \
      APP="$APP" HTPASSWD="$htpasswd" ALLOWED_IPS="${5:-}" >"$CONF_D/e2e-auth.conf"
    restart_nginx
    ;;
  e2e-auth:off)
    prepare "$2"
    rm -f "$CONF_D/e2e-auth.conf" "$CONF_D/e2e-auth.htpasswd"
    restart_nginx
    ;;
  *) exit "$DOKKU_NOT_IMPLEMENTED_EXIT" ;;
esac
"#;

const REDIRECT_COMMANDS: &str = r#"
case "$1" in
  e2e-redirect:set)
    prepare "$2"
    echo 'return 302 {{ .DEST }}$request_uri;' |
      sigil DEST="$3" >"$CONF_D/e2e-redirect.conf"
    restart_nginx
    ;;
  e2e-redirect:unset)
    prepare "$2"
    rm -f "$CONF_D/e2e-redirect.conf"
    restart_nginx
    ;;
  *) exit "$DOKKU_NOT_IMPLEMENTED_EXIT" ;;
esac
"#;

const MAINTENANCE_COMMANDS: &str = r#"
case "$1" in
  e2e-maintenance:on)
    prepare "$2"
    printf 'return 503;\n' >"$CONF_D/e2e-maintenance.conf"
    restart_nginx
    ;;
  e2e-maintenance:off)
    prepare "$2"
    rm -f "$CONF_D/e2e-maintenance.conf"
    restart_nginx
    ;;
  *) exit "$DOKKU_NOT_IMPLEMENTED_EXIT" ;;
esac
"#;

/// Writes and installs the plugin `name` whose `commands` is [`PRELUDE`] + `body`.
fn install_plugin(d: &Deployer, name: &str, body: &str, files: &[(&str, &str)]) {
    let dir = d.env.scratch("plugins").join(name);
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("plugin.toml"), PLUGIN_TOML).expect("toml");
    dokku_test_support::write_executable(&dir.join("commands"), &format!("{PRELUDE}{body}"));
    for (rel, text) in files {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap_or(Path::new("."))).expect("mkdir");
        std::fs::write(&path, text).expect("file");
    }
    let run = d.env.dokku(["plugin:install", dir.to_str().expect("utf8")]);
    assert_eq!(run.code, 0, "{}", output(&run));
}

fn status(nginx: &TestNginx, host: &str) -> u16 {
    get_via(nginx.http, host, "/").expect("GET").0
}

fn dokku_ok(d: &Deployer, args: &[&str]) {
    let run = d.env.dokku(args);
    assert_eq!(run.code, 0, "{args:?}: {}", output(&run));
}

#[test]
fn community_style_plugins_answer_401_302_and_503_and_give_the_app_back() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let nginx = TestNginx::start(&d);
    let app = create_app(&d, &nginx, "gate");
    let host = nginx.host_of(&app);
    install_plugin(
        &d,
        "e2e-auth",
        AUTH_COMMANDS,
        &[("templates/auth.conf.sigil", AUTH_TEMPLATE)],
    );
    install_plugin(&d, "e2e-redirect", REDIRECT_COMMANDS, &[]);
    install_plugin(&d, "e2e-maintenance", MAINTENANCE_COMMANDS, &[]);

    // Before the first deploy the plugins refuse, as the real ones do.
    let early = d.env.dokku(["e2e-maintenance:on", &app]);
    assert_ne!(early.code, 0, "{}", output(&early));
    assert!(
        early.stderr.contains("has not been deployed"),
        "{}",
        output(&early)
    );

    let push = d.push(&d.hello_source("gate"), &app, "main");
    assert_eq!(push.code, 0, "{}", output(&push));
    assert_eq!(status(&nginx, &host), 200);

    // http-auth: 401 without credentials, 200 with them; no `allow` block without IPs.
    dokku_ok(&d, &["e2e-auth:on", &app, "ops", "s3cret"]);
    assert_eq!(status(&nginx, &host), 401);
    let auth = [
        ("Host".to_string(), host.clone()),
        (
            "Authorization".to_string(),
            "Basic b3BzOnMzY3JldA==".to_string(),
        ),
    ];
    let addr = ([127, 0, 0, 1], nginx.http).into();
    let with_creds =
        dokku_core::checks::healthcheck::http_get(addr, "/", &auth, Duration::from_secs(5))
            .expect("GET with credentials");
    assert_eq!(with_creds.0, 200, "{}", with_creds.1);
    let conf_d = d.env.dokku_root().join(&app).join("nginx.conf.d");
    let rendered = std::fs::read_to_string(conf_d.join("e2e-auth.conf")).expect("auth.conf");
    assert!(!rendered.contains("allow"), "{rendered}");
    assert!(
        rendered.contains(&format!("auth_basic \"{app} is private\";")),
        "{rendered}"
    );
    // With allowed IPs, the loopback client passes without credentials.
    dokku_ok(&d, &["e2e-auth:on", &app, "ops", "s3cret", "127.0.0.1"]);
    assert_eq!(status(&nginx, &host), 200);
    dokku_ok(&d, &["e2e-auth:off", &app]);

    // redirect: 302 to the destination, keeping the path.
    dokku_ok(&d, &["e2e-redirect:set", &app, "https://elsewhere.test"]);
    let head = curl_head(&host, nginx.http);
    assert!(head.starts_with("HTTP/1.1 302"), "{head}");
    assert!(head.contains("Location: https://elsewhere.test/"), "{head}");
    dokku_ok(&d, &["e2e-redirect:unset", &app]);
    assert_eq!(status(&nginx, &host), 200);

    // maintenance: 503 while on, the app again when off.
    dokku_ok(&d, &["e2e-maintenance:on", &app]);
    assert_eq!(status(&nginx, &host), 503);
    // A redeploy keeps the plugin's snippet (nginx.conf.d is the app's, not ours).
    let again = d.env.dokku(["ps:rebuild", &app]);
    assert_eq!(again.code, 0, "{}", output(&again));
    assert_eq!(status(&nginx, &host), 503);
    dokku_ok(&d, &["e2e-maintenance:off", &app]);
    assert_eq!(status(&nginx, &host), 200);
}

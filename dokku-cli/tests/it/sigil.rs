//! `sigil` (the dokku binary called by that name) as community plugins call it:
//! `sigil -f FILE KEY=value...`, a template on stdin, `-p` expansion, errors.

use std::fs::File;
use std::path::PathBuf;

use dokku_test_support::{Run, TestEnv};

use crate::install;

/// Writes `text` as a template in the install's scratch space.
fn template(env: &TestEnv, name: &str, text: &str) -> PathBuf {
    let path = env.scratch("sigil").join(name);
    std::fs::write(&path, text).expect("write template");
    path
}

/// Runs `sigil ARGS` with `stdin` (a file's contents) on its standard input.
fn sigil_with_stdin(env: &TestEnv, stdin: &str, args: &[&str]) -> Run {
    let input = template(env, "stdin.txt", stdin);
    let mut cmd = env.command("sigil");
    cmd.args(args)
        .stdin(File::open(input).expect("open stdin file"));
    env.run(&mut cmd)
}

#[test]
fn the_prefix_has_sigil_linked_to_dokku() {
    let env = install();
    let link = std::fs::read_link(env.prefix().join("bin/sigil")).expect("bin/sigil is a link");
    assert_eq!(link, PathBuf::from("dokku"));
}

#[test]
fn a_file_renders_with_key_value_variables_as_fields_and_dollar_variables() {
    let env = install();
    let file = template(
        &env,
        "t.sigil",
        "app={{ .APP }} port={{ $PORT }}\n\n\n{{ if $EMPTY }}never{{ else }}empty{{ end }}\n",
    );
    let run = env
        .run(
            env.command("sigil")
                .arg("-f")
                .arg(&file)
                .args(["APP=web", "PORT=5000", "EMPTY="]),
        )
        .success();
    // Unlike Dokku's `sigil | cat -s`, sigil itself keeps blank lines.
    assert_eq!(run.stdout, "app=web port=5000\n\n\nempty\n");
    assert_eq!(run.stderr, "");
}

#[test]
fn stdin_inline_and_posix_expansion() {
    let env = install();
    let run = sigil_with_stdin(&env, "Hello, {{ $name }}!\n", &["name=Jeff"]).success();
    assert_eq!(run.stdout, "Hello, Jeff!\n");
    let run = sigil_with_stdin(
        &env,
        "${name} is{{ range seq ${count:-3} }} cool{{ end }}! $FROM_ENV\n",
        &["-p", "name=Sigil"],
    );
    let run = run.success();
    assert_eq!(run.stdout, "Sigil is cool cool cool! \n");
    let run = env
        .run(env.command("sigil").env("FROM_ENV", "from-env").args([
            "-i",
            "{{ var \"FROM_ENV\" }}/{{ var \"K\" }}",
            "K=k",
        ]))
        .success();
    assert_eq!(run.stdout, "from-env/k");
}

#[test]
fn errors_are_one_line_on_stderr_with_status_1() {
    let env = install();
    let bad = template(&env, "bad.sigil", "ok\n{{ if $X }}\nunclosed\n");
    let cases: Vec<Run> = vec![
        env.run(env.command("sigil").arg("-f").arg(&bad).arg("X=1")),
        env.run(env.command("sigil").args(["-i", "{{ $NOPE }}"])),
        env.run(env.command("sigil").args(["-f", "/nonexistent/t.sigil"])),
        sigil_with_stdin(&env, "${REQUIRED:?}", &["-p"]),
        env.run(env.command("sigil").arg("--bogus")),
    ];
    for run in cases {
        assert_eq!(run.code, 1, "{run:?}");
        assert_eq!(run.stdout, "", "{run:?}");
        assert!(run.stderr.starts_with("sigil: "), "{run:?}");
        assert_eq!(run.stderr.lines().count(), 1, "{run:?}");
    }
    let run = env.run(env.command("sigil").arg("-f").arg(&bad).arg("X=1"));
    assert!(
        run.stderr.contains("template: bad.sigil:"),
        "{}",
        run.stderr
    );
    let run = env.run(env.command("sigil").args(["-i", "{{ $NOPE }}"]));
    assert!(
        run.stderr.contains("undefined variable: $NOPE"),
        "{}",
        run.stderr
    );
}

/// A location block shaped like an http-auth plugin's: an allow list from a
/// space-separated variable, then basic auth with a realm from the environment.
const AUTH_TEMPLATE: &str = r#"location / {
{{- if $ALLOWED_IPS }}
  satisfy any;
{{- range $ip := $ALLOWED_IPS | split " " }}{{ if $ip }}
  allow {{ $ip }};
{{- end }}{{ end }}
  deny all;
{{- end }}
  auth_basic "{{ var "AUTH_REALM" | default "Restricted" }}";
  auth_basic_user_file {{ $HTPASSWD_PATH }};
}
"#;

#[test]
fn an_http_auth_shaped_template_renders_with_and_without_an_allow_list() {
    let env = install();
    let file = template(&env, "http-auth.conf.sigil", AUTH_TEMPLATE);
    let render = |ips: &str, realm: Option<&str>| {
        let mut cmd = env.command("sigil");
        cmd.arg("-f").arg(&file).args([
            format!("ALLOWED_IPS={ips}"),
            "HTPASSWD_PATH=/home/dokku/app/htpasswd".to_string(),
        ]);
        if let Some(realm) = realm {
            cmd.env("AUTH_REALM", realm);
        }
        env.run(&mut cmd).success().stdout
    };
    assert_eq!(
        render("10.0.0.1  192.168.1.0/24", Some("Staff only")),
        "location / {\n  satisfy any;\n  allow 10.0.0.1;\n  allow 192.168.1.0/24;\n  deny all;\n  \
         auth_basic \"Staff only\";\n  auth_basic_user_file /home/dokku/app/htpasswd;\n}\n"
    );
    assert_eq!(
        render("", None),
        "location / {\n  auth_basic \"Restricted\";\n  \
         auth_basic_user_file /home/dokku/app/htpasswd;\n}\n"
    );
}

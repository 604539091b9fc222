//! The `buildpacks:*` commands and the builders other than `dockerfile`
//! (`builder-herokuish|pack|nixpacks|lambda|railpack`): their settings and reports,
//! `builder-detect`, the hook files that rename a configured config file, and a
//! build that fails fast when the host lacks the builder's image or program.

use dokku_test_support::{FakeDocker, TestEnv};

use crate::install;

const NODE: &str = "https://github.com/heroku/heroku-buildpack-nodejs.git";
const RUBY: &str = "https://github.com/heroku/heroku-buildpack-ruby.git";
const GO: &str = "https://github.com/heroku/heroku-buildpack-golang.git";

/// `buildpacks:list APP` quietly: the URLs, one a line, trimmed.
fn urls(env: &TestEnv, app: &str) -> Vec<String> {
    env.dokku(["--quiet", "buildpacks:list", app])
        .success()
        .stdout
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn buildpack_list_add_set_replace_remove_clear() {
    let env = install();
    env.dokku(["apps:create", "web"]).success();
    env.dokku(["buildpacks:add", "web", "heroku/nodejs"])
        .success();
    env.dokku(["buildpacks:add", "--index", "1", "web", "heroku/golang"])
        .success();
    assert_eq!(urls(&env, "web"), [GO, NODE]);

    // A bad buildpack among several changes nothing.
    let bad = env.dokku([
        "buildpacks:set",
        "--replace",
        "web",
        "heroku/ruby",
        "nodejs",
    ]);
    assert_eq!(bad.code, 1);
    assert!(
        bad.stderr
            .starts_with(" !     Invalid buildpack specified: nodejs\n"),
        "{}",
        bad.stderr
    );
    assert!(bad.stderr.contains("hint:"), "{}", bad.stderr);
    assert_eq!(urls(&env, "web"), [GO, NODE]);
    let many = env.dokku(["buildpacks:set", "web", "heroku/ruby", "heroku/nodejs"]);
    assert_eq!(many.code, 1);
    assert!(many.stderr.contains("--replace"), "{}", many.stderr);
    let index = env.dokku([
        "buildpacks:set",
        "--replace",
        "--index",
        "1",
        "web",
        "heroku/ruby",
    ]);
    assert!(index.stderr.contains("--index"), "{}", index.stderr);

    env.dokku([
        "buildpacks:set",
        "--replace",
        "web",
        "heroku/ruby",
        "heroku/nodejs",
    ])
    .success();
    assert_eq!(urls(&env, "web"), [RUBY, NODE]);
    let removed = env
        .dokku(["buildpacks:remove", "web", "--index", "1"])
        .success();
    assert_eq!(removed.stdout, format!("-----> Removing {RUBY}\n"));
    let absent = env.dokku(["buildpacks:remove", "web", "heroku/php"]);
    assert_eq!(absent.code, 1);
    assert_eq!(urls(&env, "web"), [NODE]);
    env.dokku(["buildpacks:clear", "web"]).success();
    assert!(urls(&env, "web").is_empty());

    let missing = env.dokku(["buildpacks:add", "nosuch", "heroku/nodejs"]);
    assert_eq!(missing.code, 20, "{}", missing.stderr);
}

#[test]
fn buildpack_report_keys_and_stack() {
    let env = install();
    env.dokku(["apps:create", "web"]).success();
    env.dokku(["buildpacks:set-property", "--global", "stack", "img:global"])
        .success();
    env.dokku(["buildpacks:add", "web", "heroku/nodejs"])
        .success();
    let json = env
        .dokku(["buildpacks:report", "web", "--format", "json"])
        .success();
    let parsed: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(parsed["computed-stack"], "img:global");
    assert_eq!(parsed["buildpacks-computed-stack"], "img:global");
    assert_eq!(parsed["stack"], "");
    assert_eq!(parsed["list"], NODE);
    assert_eq!(parsed["buildpacks-list"], NODE);
    env.dokku(["buildpacks:set-property", "web", "stack", "img:app"])
        .success();
    assert_eq!(
        env.dokku(["buildpacks:report", "web", "--buildpacks-computed-stack"])
            .success()
            .stdout,
        "img:app\n"
    );
    let stack = env
        .dokku(["plugin:trigger", "buildpack-stack-name", "web"])
        .success();
    assert_eq!(stack.stdout, "img:app\n");
    let bad = env.dokku(["buildpacks:set-property", "web", "nope", "x"]);
    assert_eq!(bad.code, 1);
    assert!(
        bad.stderr.contains("Invalid property specified"),
        "{}",
        bad.stderr
    );
}

#[test]
fn builder_reports_and_properties() {
    let env = install();
    env.dokku(["apps:create", "web"]).success();
    for (plugin, key, default) in [
        ("builder-pack", "projecttoml-path", "project.toml"),
        ("builder-nixpacks", "nixpackstoml-path", "nixpacks.toml"),
        ("builder-lambda", "lambdayml-path", "lambda.yml"),
        ("builder-railpack", "railpackjson-path", "railpack.json"),
    ] {
        let computed = format!("--{plugin}-computed-{key}");
        assert_eq!(
            env.dokku([&format!("{plugin}:report"), "web", &computed])
                .success()
                .stdout,
            format!("{default}\n")
        );
        env.dokku([&format!("{plugin}:set"), "--global", key, "g.file"])
            .success();
        env.dokku([&format!("{plugin}:set"), "web", key, "a.file"])
            .success();
        let json = env
            .dokku([&format!("{plugin}:report"), "web", "--format", "json"])
            .success();
        let parsed: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
        assert_eq!(parsed[format!("computed-{key}")], "a.file", "{plugin}");
        assert_eq!(parsed[format!("global-{key}")], "g.file", "{plugin}");
        // No legacy `<plugin>-<key>` keys for these plugins, as in Dokku.
        assert!(parsed.get(format!("{plugin}-{key}")).is_none(), "{plugin}");
        let bad = env.dokku([&format!("{plugin}:set"), "web", "nope", "x"]);
        assert_eq!(bad.code, 1, "{plugin}");
    }
    env.dokku(["builder-herokuish:set", "web", "allowed", "false"])
        .success();
    assert_eq!(
        env.dokku([
            "builder-herokuish:report",
            "web",
            "--builder-herokuish-computed-allowed"
        ])
        .success()
        .stdout,
        "false\n"
    );
    let allowed = env.dokku(["plugin:trigger", "builder-herokuish-allowed", "web"]);
    assert_eq!(allowed.code, 1);
}

#[test]
fn builders_detect_their_files_and_hooks_rename_them() {
    let env = install();
    env.dokku(["apps:create", "web"]).success();
    let src = env.scratch("src");
    let detect = |env: &TestEnv| {
        env.dokku([
            "plugin:trigger",
            "builder-detect",
            "web",
            &src.display().to_string(),
        ])
        .success()
        .stdout
    };
    std::fs::write(src.join("Dockerfile"), "FROM scratch\n").expect("write");
    assert_eq!(detect(&env), "dockerfile\n");
    std::fs::write(src.join("project.toml"), "").expect("write");
    assert_eq!(detect(&env), "pack\n", "pack wins over a Dockerfile");
    std::fs::remove_file(src.join("project.toml")).expect("rm");
    std::fs::write(src.join("nixpacks.toml"), "").expect("write");
    assert_eq!(detect(&env), "dockerfile\nnixpacks\n");

    // Dokku's hook file, run directly as Dokku's tests do, reaches the handler.
    std::fs::write(src.join("alt.toml"), "x").expect("write");
    env.dokku([
        "builder-nixpacks:set",
        "web",
        "nixpackstoml-path",
        "alt.toml",
    ])
    .success();
    let hook = env
        .lib_root()
        .join("plugins/enabled/builder-nixpacks/core-post-extract");
    let run = env.run(env.command(&hook).arg("web").arg(&src).arg("HEAD"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(src.join("nixpacks.toml")).expect("moved"),
        "x"
    );
    assert!(!src.join("alt.toml").exists());
    env.dokku(["builder-nixpacks:set", "web", "nixpackstoml-path", "../x"])
        .success();
    let escape = env.run(env.command(&hook).arg("web").arg(&src).arg("HEAD"));
    assert_eq!(escape.code, 1);
    assert!(
        escape
            .stderr
            .contains("Invalid nixpackstoml-path specified: ../x"),
        "{}",
        escape.stderr
    );
}

#[test]
fn a_build_without_the_builders_image_or_program_fails_in_one_line() {
    let env = install();
    env.fake_docker(FakeDocker {
        missing_images: &["gliderlabs/herokuish"],
        ..FakeDocker::default()
    });
    env.dokku(["apps:create", "web"]).success();
    let src = env.scratch("src").display().to_string();
    let herokuish = env.dokku(["plugin:trigger", "builder-build", "herokuish", "web", &src]);
    assert_eq!(herokuish.code, 1);
    assert!(
        herokuish.stderr.starts_with(
            " !     Unable to build web: the herokuish builder needs the image gliderlabs/herokuish:latest-24, which is not on this host\n"
        ),
        "{}",
        herokuish.stderr
    );
    assert!(
        herokuish
            .stderr
            .contains("docker pull gliderlabs/herokuish:latest-24"),
        "{}",
        herokuish.stderr
    );
    let detect = env.dokku(["buildpacks:detect", "web"]);
    assert_eq!(detect.code, 1);
    assert!(
        detect
            .stderr
            .contains("needs the image gliderlabs/herokuish:latest-24"),
        "{}",
        detect.stderr
    );
    let option = env.dokku(["buildpacks:detect", "web", "--branch=-x"]);
    assert_eq!(option.code, 1);
    assert!(
        option
            .stderr
            .starts_with(" !     Invalid branch specified: -x\n"),
        "{}",
        option.stderr
    );
    let nixpacks = env.dokku(["plugin:trigger", "builder-build", "nixpacks", "web", &src]);
    assert_eq!(nixpacks.code, 1);
    assert!(
        nixpacks
            .stderr
            .contains("the nixpacks builder needs the program nixpacks"),
        "{}",
        nixpacks.stderr
    );
}

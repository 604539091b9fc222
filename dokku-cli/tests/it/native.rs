//! Native (cdylib) plugins through the real binary: built during the test run,
//! installed with `plugin:install`, run next to legacy plugins on one bus.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use dokku_test_support::{copy_tree, git_commit_all, repo_root, write_executable, TestEnv};

use crate::{install, install_hello};

/// The workspace target directory (respecting `CARGO_TARGET_DIR`).
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"))
}

/// Builds the example and fixture cdylibs once per test run.
pub(crate) fn built_library(package: &str, file: &str) -> PathBuf {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        let status = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "--lib"])
            .args([
                "-p",
                "dokku-example-hello-native",
                "-p",
                "dokku-fixture-panicking-plugin",
            ])
            .args([
                "-p",
                "dokku-fixture-abi-mismatch",
                "-p",
                "dokku-fixture-not-a-plugin",
                "-p",
                "dokku-fixture-echo-plugin",
                "-p",
                "dokku-fixture-services-plugin",
            ])
            .current_dir(repo_root())
            .status()
            .expect("run cargo build");
        assert!(status.success(), "building the plugin cdylibs failed");
    });
    let _ = package;
    target_dir().join("debug").join(file)
}

/// Installs a prebuilt native plugin: its plugin.toml (library path rewritten to the
/// copied file) and the library, from a local directory.
pub(crate) fn install_prebuilt(env: &TestEnv, name: &str, manifest_from: &Path, library: &Path) {
    let dir = env.scratch("src").join(name);
    std::fs::create_dir_all(&dir).expect("mkdir");
    let file = library
        .file_name()
        .expect("library file name")
        .to_string_lossy()
        .into_owned();
    let manifest = std::fs::read_to_string(manifest_from).expect("read plugin.toml");
    let manifest: String = manifest
        .lines()
        .map(|l| {
            if l.starts_with("library") {
                format!("library = \"{file}\"")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(dir.join("plugin.toml"), manifest + "\n").expect("write plugin.toml");
    std::fs::copy(library, dir.join(&file)).expect("copy library");
    env.dokku([
        "plugin:install",
        dir.to_str().expect("utf8"),
        "--name",
        name,
    ])
    .success();
}

fn install_hello_native(env: &TestEnv, name: &str) {
    let lib = built_library(
        "dokku-example-hello-native",
        "libdokku_example_hello_native.so",
    );
    install_prebuilt(
        env,
        name,
        &repo_root().join("examples/hello-native/plugin.toml"),
        &lib,
    );
}

#[test]
fn hello_native_matches_hello_legacy_byte_for_byte() {
    let legacy = install();
    install_hello(&legacy);
    let native = install();
    install_hello_native(&native, "hello");
    let cases: Vec<Vec<&str>> = vec![
        vec!["hello", "myapp"],
        vec!["--app", "myapp", "hello"],
        vec!["hello:world"],
        vec!["hello:help"],
        vec!["hello", "Bad_Name"],
        vec!["hello:nope"],
    ];
    for args in cases {
        let a = legacy.dokku(&args);
        let b = native.dokku(&args);
        assert_eq!(
            (a.code, &a.stdout, &a.stderr),
            (b.code, &b.stdout, &b.stderr),
            "dokku {args:?}"
        );
    }
    for args in [vec!["help"], vec!["help", "--all"]] {
        let a = legacy.dokku_tty(&args).success();
        let b = native.dokku_tty(&args).success();
        let community = |s: &str| {
            s.split("Community plugin commands:")
                .nth(1)
                .map(str::to_string)
        };
        assert_eq!(community(&a.stdout), community(&b.stdout), "dokku {args:?}");
    }
}

#[test]
fn native_command_uses_host_services() {
    let env = install();
    install_hello_native(&env, "hello");
    std::fs::create_dir_all(env.dokku_root().join("shop")).expect("app dir");
    env.dokku(["__core", "prop", "set", "config", "shop", "unused", "x"])
        .success();
    let config_dir = env.lib_root().join("config/shop");
    std::fs::create_dir_all(&config_dir).expect("config dir");
    std::fs::write(config_dir.join("ENV"), "GREETING=\"hi there\"\n").expect("ENV");
    let run = env.dokku(["hello:info", "shop"]).success();
    assert!(run.stdout.contains("dokku/shop:latest"), "{}", run.stdout);
    assert!(run.stdout.contains("hi there"), "{}", run.stdout);
    let missing = env.dokku(["hello:info", "ghost"]);
    assert_eq!(missing.code, 20, "{}", missing.stderr);
}

#[test]
fn native_and_legacy_handlers_of_one_trigger_interleave_in_name_order() {
    let env = install();
    install_hello_native(&env, "b-native");
    for name in ["a-legacy", "c-legacy"] {
        let dir = env.scratch("src").join(name);
        write_executable(
            &dir.join("hello-trigger"),
            &format!("#!/usr/bin/env bash\necho \"{name} $*\"\n"),
        );
        env.dokku(["plugin:install", dir.to_str().expect("utf8")])
            .success();
    }
    let run = env
        .dokku(["plugin:trigger", "hello-trigger", "x"])
        .success();
    assert_eq!(
        run.stdout,
        "a-legacy x\nhello-native trigger x\nc-legacy x\n"
    );
    // A legacy plugin's `plugn trigger` reaches the native handler too.
    let dir = env.scratch("src").join("d-caller");
    write_executable(
        &dir.join("commands"),
        "#!/usr/bin/env bash\n[[ $1 == call-plugn ]] || exit 10\nplugn trigger hello-trigger from-bash\n",
    );
    env.dokku(["plugin:install", dir.to_str().expect("utf8")])
        .success();
    let run = env.dokku(["call-plugn"]).success();
    assert_eq!(
        run.stdout,
        "a-legacy from-bash\nhello-native trigger from-bash\nc-legacy from-bash\n"
    );
}

#[test]
fn a_library_plugin_and_a_linked_core_plugin_answer_one_trigger_in_plugn_order() {
    let env = install();
    let lib = built_library(
        "dokku-fixture-echo-plugin",
        "libdokku_fixture_echo_plugin.so",
    );
    let manifest = repo_root().join("dokku-test-support/fixtures/echo-plugin/plugin.toml");
    // `domains` (linked into the binary) sorts between the two library plugins.
    install_prebuilt(&env, "do-native", &manifest, &lib);
    install_prebuilt(&env, "dz-native", &manifest, &lib);
    env.dokku(["apps:create", "shop"]).success();
    env.dokku(["domains:set", "shop", "shop.example.com"])
        .success();
    let expected = "native shop\nshop.example.com\nnative shop\n";
    // Streamed to our stdout...
    let run = env
        .dokku(["plugin:trigger", "domains-list", "shop"])
        .success();
    assert_eq!(run.stdout, expected);
    // ...and captured, as `$(plugn trigger ...)` in a bash plugin does: the same
    // handlers, in the same order, through the same host adapter.
    let dir = env.scratch("src").join("caller");
    write_executable(
        &dir.join("commands"),
        "#!/usr/bin/env bash\n[[ $1 == list-twice ]] || exit 10\nout=\"$(plugn trigger domains-list shop)\"\necho \"[$out]\"\n",
    );
    env.dokku(["plugin:install", dir.to_str().expect("utf8")])
        .success();
    let run = env.dokku(["list-twice"]).success();
    assert_eq!(run.stdout, format!("[{}]\n", expected.trim_end()));
}

#[test]
fn a_panicking_plugin_fails_cleanly_and_the_host_keeps_working() {
    let env = install();
    let lib = built_library(
        "dokku-fixture-panicking-plugin",
        "libdokku_fixture_panicking_plugin.so",
    );
    install_prebuilt(
        &env,
        "panicking",
        &repo_root().join("dokku-test-support/fixtures/panicking-plugin/plugin.toml"),
        &lib,
    );
    let run = env.dokku(["panicking:command"]);
    assert_ne!(run.code, 0);
    let lines: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| !l.starts_with("thread ") && !l.starts_with("note:"))
        .collect();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(
        lines[0].starts_with(" !     command `panicking:command` panicked"),
        "{}",
        run.stderr
    );
    env.dokku(["panicking:ok"]).success();
    let dir = env.scratch("src").join("z-after");
    write_executable(
        &dir.join("panicking-trigger"),
        "#!/usr/bin/env bash\necho never-reached\n",
    );
    env.dokku(["plugin:install", dir.to_str().expect("utf8")])
        .success();
    let run = env.dokku(["plugin:trigger", "panicking-trigger"]);
    assert_ne!(run.code, 0);
    assert!(
        !run.stdout.contains("never-reached"),
        "the chain must stop at the panic"
    );
    assert!(run.stderr.contains("panicked"), "{}", run.stderr);
    let run = env.dokku(["panicking:unknown-service"]);
    assert_ne!(run.code, 0);
    assert!(
        run.stderr.contains("is not provided by this dokku"),
        "{}",
        run.stderr
    );
}

#[test]
fn mismatched_and_broken_libraries_are_refused_with_one_line() {
    let env = install();
    install_hello(&env);
    let fixtures = repo_root().join("dokku-test-support/fixtures");
    let abi = built_library(
        "dokku-fixture-abi-mismatch",
        "libdokku_fixture_abi_mismatch.so",
    );
    install_prebuilt(
        &env,
        "abi-mismatch",
        &fixtures.join("abi-mismatch/plugin.toml"),
        &abi,
    );
    let not_plugin = built_library(
        "dokku-fixture-not-a-plugin",
        "libdokku_fixture_not_a_plugin.so",
    );
    install_prebuilt(
        &env,
        "not-a-plugin",
        &fixtures.join("not-a-plugin/plugin.toml"),
        &not_plugin,
    );
    let garbage = env.scratch("garbage").join("libgarbage.so");
    std::fs::write(&garbage, b"\x7fELF this is not a library at all").expect("garbage");
    let garbage_toml = env.scratch("garbage").join("plugin.toml");
    std::fs::write(
        &garbage_toml,
        "[plugin]\ndescription = \"garbage\"\nversion = \"0\"\n[plugin.config]\n[plugin.native]\nlibrary = \"x\"\n[[command]]\nname = \"garbage:cmd\"\nhelp = \"Fails\"\n",
    )
    .expect("write garbage plugin.toml");
    install_prebuilt(&env, "garbage", &garbage_toml, &garbage);
    let commands = |toml: &Path| -> String {
        let text = std::fs::read_to_string(toml).expect("toml");
        let name = text
            .lines()
            .find_map(|l| l.strip_prefix("name = \""))
            .expect("a command");
        name.trim_end_matches('"').to_string()
    };
    for (plugin, toml, expect) in [
        (
            "abi-mismatch",
            fixtures.join("abi-mismatch/plugin.toml"),
            "ABI 999",
        ),
        (
            "not-a-plugin",
            fixtures.join("not-a-plugin/plugin.toml"),
            "is not a dokku native plugin",
        ),
        ("garbage", garbage_toml.clone(), "libgarbage.so"),
    ] {
        let run = env.dokku([commands(&toml)]);
        assert_eq!(run.code, 1, "{plugin}: {}", run.stderr);
        let first = run.stderr.lines().next().unwrap_or("");
        assert!(first.starts_with(" !     "), "{plugin}: {}", run.stderr);
        assert!(first.contains(expect), "{plugin}: {}", run.stderr);
        assert!(run.stderr.contains("hint:"), "{plugin}: {}", run.stderr);
        assert!(
            run.stderr.lines().count() <= 2,
            "{plugin}: one line plus a hint\n{}",
            run.stderr
        );
    }
    // The host keeps working for everything else.
    assert_eq!(env.dokku(["hello:world"]).success().stdout, "Hello world\n");
    let traced = env.dokku([
        "--trace",
        &commands(&fixtures.join("abi-mismatch/plugin.toml")),
    ]);
    assert!(
        traced.stderr.lines().count() > 2,
        "--trace shows the full detail"
    );
}

#[test]
fn a_manifest_that_disagrees_with_its_library_is_refused() {
    let env = install();
    let lib = built_library(
        "dokku-example-hello-native",
        "libdokku_example_hello_native.so",
    );
    install_prebuilt(
        &env,
        "hello",
        &repo_root().join("examples/hello-native/plugin.toml"),
        &lib,
    );
    let toml = env.lib_root().join("plugins/available/hello/plugin.toml");
    let text = std::fs::read_to_string(&toml).expect("read");
    std::fs::write(
        &toml,
        text.replace("name = \"hello:world\"", "name = \"hello:planet\""),
    )
    .expect("write");
    let run = env.dokku(["hello:planet"]);
    assert_eq!(run.code, 1);
    let library = env
        .lib_root()
        .join("plugins/enabled/hello/libdokku_example_hello_native.so");
    assert_eq!(
        run.stderr,
        format!(
            " !     plugin hello: plugin.toml routes hello:planet, the library does not; \
             the library routes hello:world, plugin.toml does not ({})\n       \
             hint: the library was built from other sources than plugin.toml: rebuild it \
             with `dokku plugin:update hello`\n",
            library.display()
        )
    );
}

/// `examples/hello-native` as a plugin author's repository: copied out of the workspace,
/// built by `plugin:install file://…` against the SDK install.sh installed, offline and in
/// the target directory every plugin build shares, then changed (a command added to
/// plugin.toml and the code) and rebuilt by `plugin:update`, which fires the plugin's
/// `install` trigger because it has no `update` trigger.
#[test]
fn hello_native_installs_from_its_own_repository_and_updates() {
    let env = TestEnv::install_with_sdk(env!("CARGO_BIN_EXE_dokku"));
    let sdk = env.lib_root().join("sdk/rust");
    let dokku = |args: &[&str]| env.dokku_with_cargo(args);

    let repo = env.scratch("src").join("hello-native");
    copy_tree(&repo_root().join("examples/hello-native"), &repo);
    git_commit_all(&repo); // .gitignore leaves out target/ and Cargo.lock
    let url = format!("file://{}", repo.display());
    dokku(&["plugin:install", &url, "--name", "hello-native"]).success();
    assert_eq!(dokku(&["hello", "myapp"]).success().stdout, "Hello myapp\n");
    assert_eq!(dokku(&["hello:world"]).success().stdout, "Hello world\n");
    assert!(
        sdk.join("target/release/libdokku_example_hello_native.so")
            .is_file(),
        "built in the shared target directory"
    );
    assert_eq!(dokku(&["hello:new"]).code, 1, "no such command yet");

    let edit = |file: &str, anchor: &str, with: &str| {
        dokku_test_support::replace_once(&repo.join(file), anchor, with)
    };
    edit(
        "plugin.toml",
        "[[trigger]]",
        "[[command]]\nname = \"hello:new\"\nusage = \"hello:new\"\nhelp = \"Says \\\"Hello new\\\"\"\n\n[[trigger]]",
    );
    edit(
        "src/lib.rs",
        ".hidden_command(\"hello:info\")",
        ".command(\"hello:new\", \"hello:new\", \"Says \\\"Hello new\\\"\")\n            .hidden_command(\"hello:info\")",
    );
    edit(
        "src/lib.rs",
        "\"hello:world\" => {",
        "\"hello:new\" => {\n                host.write_stdout(\"Hello new\\n\");\n                Ok(0)\n            }\n            \"hello:world\" => {",
    );
    dokku_test_support::git_commit_changes(&repo, "hello:new");

    let update = dokku(&["plugin:update", "hello-native"]).success();
    assert!(
        update.stdout.contains("Building hello-native"),
        "plugin:update ran the install trigger\n{}",
        update.stdout
    );
    assert!(
        update
            .stderr
            .contains("Compiling dokku-example-hello-native")
            && !update.stderr.contains("Compiling abi_stable"),
        "only the plugin was rebuilt, its dependencies came from the shared target dir\n{}",
        update.stderr
    );
    assert_eq!(dokku(&["hello:new"]).success().stdout, "Hello new\n");
    assert_eq!(dokku(&["hello", "myapp"]).success().stdout, "Hello myapp\n");
    let help = dokku(&["hello:help"]).success().stdout;
    assert!(
        help.contains("    hello:new     Says \"Hello new\"\n"),
        "{help}"
    );
}

#[test]
fn config_values_round_trip_between_the_sdk_and_the_cli() {
    let env = install();
    install_hello_native(&env, "hello");
    std::fs::create_dir_all(env.dokku_root().join("shop")).expect("app dir");
    let values = [
        "plain",
        "with \"double\" and 'single' quotes",
        "dollar $HOME and ${PATH} and \\$",
        "a=b=c",
        "back\\slash\\",
        "unicode: héllo ✓ 日本",
        "",
        "ends with quote\"",
        "007",
    ];
    for value in values {
        // Written through the SDK (host service config-set), read by the CLI.
        env.dokku(["hello:greet-with", "shop", value]).success();
        let got = env.dokku(["config:get", "shop", "GREETING"]);
        assert_eq!(got.stdout, format!("{value}\n"), "SDK → CLI for {value:?}");
        // Written by the CLI, read through the SDK (host service config-get).
        env.dokku([
            "config:set",
            "--no-restart",
            "shop",
            &format!("GREETING={value}"),
        ])
        .success();
        let info = env.dokku(["hello:info", "shop"]).success();
        let shown = if value.is_empty() { "" } else { value };
        assert!(
            info.stdout
                .contains(&format!("       Greeting:  {shown}\n")),
            "CLI → SDK for {value:?}: {}",
            info.stdout
        );
    }
    let multiline = "two\nlines";
    env.dokku(["hello:greet-with", "shop", multiline]).success();
    assert_eq!(
        env.dokku(["config:get", "shop", "GREETING"]).stdout,
        format!("{multiline}\n")
    );
}

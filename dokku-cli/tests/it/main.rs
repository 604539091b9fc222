//! Integration tests: the real `dokku` binary in a prefix install (install.sh
//! --prefix) in a temp dir. No Docker needed here; see tests/e2e for that.

mod app_settings;
mod apps;
mod bash_library;
mod boot;
mod buildpacks;
mod builds;
mod checks_settings;
mod concurrent_writers;
mod config;
mod deploy_commands;
mod dispatch;
mod docker_options;
mod dokku_triggers;
mod embed;
mod events;
mod logs_failed;
mod logs_settings;
mod native;
mod native_services;
mod plugins;
mod proxy;
mod registry_auth;
mod releases;
mod schedulers_cron;
mod shell;
mod sigil;
mod ssh;
mod storage_dirs;
mod storage_entries;
mod temp_files;

use dokku_test_support::TestEnv;

/// A fresh prefix install of the binary under test.
pub(crate) fn install() -> TestEnv {
    TestEnv::install(env!("CARGO_BIN_EXE_dokku"))
}

/// Installs examples/hello-legacy under the name `hello`, from a local git repo.
pub(crate) fn install_hello(env: &TestEnv) {
    let repo = env.scratch("src").join("dokku-hello");
    dokku_test_support::copy_tree(
        &dokku_test_support::repo_root().join("examples/hello-legacy"),
        &repo,
    );
    dokku_test_support::git_commit_all(&repo);
    env.dokku(["plugin:install", &format!("file://{}", repo.display())])
        .success();
}

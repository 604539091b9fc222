//! Dokku's `git` core plugin: deploys by `git push` (the ssh entry points
//! `git-receive-pack` / `git-upload-pack` and the pre-receive `git-hook`), the `git:*`
//! commands that manage an app's repository and its other sources (image, archive,
//! remote sync), the credentials and keys git uses for private remotes, and its
//! triggers. The rules live in `dokku_core::git`.

mod answers;
mod auth;
mod commands;
mod ssh;
mod triggers;

dokku_plugin_common::core_plugin! {
    /// The `git` core plugin.
    Git = "git",
    commands: [
        ("git:from-archive", commands::run),
        ("git:from-image", commands::run),
        ("git:initialize", commands::run),
        ("git:set", commands::run),
        ("git-receive-pack", ssh::run),
        ("git-upload-pack", ssh::run),
        ("git-hook", ssh::run),
        ("git:load-image", commands::run),
        ("git:report", commands::run),
        ("git:status", commands::run),
        ("git:sync", commands::run),
        ("git:allow-host", auth::run),
        ("git:auth", auth::run),
        ("git:auth-status", auth::run),
        ("git:generate-deploy-key", auth::run),
        ("git:public-key", auth::run),
        ("git:unlock", auth::run),
    ],
    triggers: [
        ("post-create", triggers::trigger),
        ("receive-app", triggers::trigger),
        ("deploy-source-set", triggers::trigger),
        ("post-delete", triggers::trigger),
        ("git-revision", answers::trigger),
        ("git-deploy-branch", answers::trigger),
        ("git-get-property", answers::trigger),
        ("git-has-code", answers::trigger),
        ("git-from-directory", answers::trigger),
        ("git-from-archive", answers::trigger),
        ("git-from-image", answers::trigger),
    ],
}

//! Dokku's `ssh-keys` core plugin: adds, lists and removes the public keys allowed to
//! connect to Dokku (`~dokku/.ssh/authorized_keys`, through `dokku_core::sshkeys`).

mod ssh_keys;

dokku_plugin_common::core_plugin! {
    /// The `ssh-keys` core plugin.
    SshKeys = "ssh-keys",
    commands: [
        ("ssh-keys:add", ssh_keys::run),
        ("ssh-keys:list", ssh_keys::run),
        ("ssh-keys:remove", ssh_keys::run),
    ],
    triggers: [],
}

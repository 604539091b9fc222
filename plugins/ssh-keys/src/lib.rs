//! Dokku's `ssh-keys` core plugin (being moved here from `dokku-cli`).

//! Dokku's `config` core plugin (being moved here from `dokku-cli`).

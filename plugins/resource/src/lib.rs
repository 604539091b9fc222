//! Dokku's `resource` core plugin (being moved here from `dokku-cli`).

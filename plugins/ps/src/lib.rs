//! Dokku's `ps` core plugin (being moved here from `dokku-cli`).

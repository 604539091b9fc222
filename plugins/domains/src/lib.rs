//! Dokku's `domains` core plugin (being moved here from `dokku-cli`).

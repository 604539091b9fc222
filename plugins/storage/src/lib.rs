//! Dokku's `storage` core plugin (being moved here from `dokku-cli`).

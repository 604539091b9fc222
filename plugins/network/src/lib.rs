//! Dokku's `network` core plugin (being moved here from `dokku-cli`).

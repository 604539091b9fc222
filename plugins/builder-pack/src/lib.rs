//! Dokku's `builder-pack` core plugin (being moved here from `dokku-cli`).

//! Dokku's `ports` core plugin (being moved here from `dokku-cli`).

//! Dokku's `builder` core plugin (being moved here from `dokku-cli`).

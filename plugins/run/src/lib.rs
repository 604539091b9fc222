//! Dokku's `run` core plugin (being moved here from `dokku-cli`).

//! Dokku's `trace` core plugin (being moved here from `dokku-cli`).

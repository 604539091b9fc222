//! Dokku's `checks` core plugin (being moved here from `dokku-cli`).

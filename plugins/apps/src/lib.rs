//! Dokku's `apps` core plugin (being moved here from `dokku-cli`).

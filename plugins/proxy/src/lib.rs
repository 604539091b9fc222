//! Dokku's `proxy` core plugin (being moved here from `dokku-cli`).

//! Dokku's `plugin` core plugin (being moved here from `dokku-cli`).

//! Dokku's `enter` core plugin (being moved here from `dokku-cli`).

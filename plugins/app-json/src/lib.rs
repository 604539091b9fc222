//! Dokku's `app-json` core plugin (being moved here from `dokku-cli`).

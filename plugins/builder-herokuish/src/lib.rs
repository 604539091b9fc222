//! Dokku's `builder-herokuish` core plugin (being moved here from `dokku-cli`).

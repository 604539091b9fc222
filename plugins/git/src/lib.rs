//! Dokku's `git` core plugin (being moved here from `dokku-cli`).

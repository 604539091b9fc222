//! Dokku's `docker-options` core plugin (being moved here from `dokku-cli`).

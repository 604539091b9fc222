//! Dokku's `certs` core plugin (being moved here from `dokku-cli`).

//! Dokku's `nginx-vhosts` core plugin (being moved here from `dokku-cli`).

//! Dokku's `logs` core plugin (being moved here from `dokku-cli`).

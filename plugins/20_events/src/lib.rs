//! Dokku's `20_events` core plugin (being moved here from `dokku-cli`).

//! Dokku's `00_dokku-standard` core plugin (being moved here from `dokku-cli`).

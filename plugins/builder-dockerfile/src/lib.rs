//! Dokku's `builder-dockerfile` core plugin (being moved here from `dokku-cli`).

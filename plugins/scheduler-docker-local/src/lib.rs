//! Dokku's `scheduler-docker-local` core plugin (being moved here from `dokku-cli`).

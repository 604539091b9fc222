//! Dokku's `trace` core plugin: `trace:on` and `trace:off` write or remove
//! `$DOKKU_ROOT/.dokkurc/DOKKU_TRACE`; the deprecated `trace on|off` still works.

mod trace;

dokku_plugin_common::core_plugin! {
    /// The `trace` core plugin.
    Trace = "trace",
    commands: [
        ("trace", trace::run),
        ("trace:on", trace::run),
        ("trace:off", trace::run),
    ],
    triggers: [],
}

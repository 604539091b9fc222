// hello-native: the `hello` example plugin as a native Dokku plugin.
//
// It behaves like examples/hello-legacy (same commands, same output, same exit codes)
// and adds a trigger handler and a command that uses host services. Build it with
// `cargo build --release`; `dokku plugin:install` does that through the `install` script.

use dokku_plugin_sdk::prelude::*;

/// The plugin. One value per `dokku` process, created with `Default`.
#[derive(Default)]
pub struct HelloNative;

impl Plugin for HelloNative {
    fn manifest() -> Manifest {
        // Must agree with plugin.toml: dokku routes and renders help from that file
        // without opening the library, then checks the two agree when it loads it.
        Manifest::new("0.1.0", "dokku hello plugin (native)")
            .help("Says hello")
            .library("target/release/libdokku_example_hello_native.so")
            .command("hello", "hello <app>", "Says \"Hello <app>\"")
            .command("hello:world", "hello:world", "Says \"Hello world\"")
            // Routed to this plugin but kept out of the help listing, so that `hello:help`
            // prints exactly what hello-legacy prints.
            .hidden_command("hello:info")
            .hidden_command("hello:greet-with")
            .hidden_command("hello:help")
            .trigger("hello-trigger")
    }

    fn command(&self, ctx: &CommandContext<'_>) -> Result<i32, PluginError> {
        let host = ctx.host();
        match ctx.name() {
            "help" => {
                // `dokku help` wants one summary line; `dokku help --all` every command.
                let text = if ctx.env("DOKKU_HELP_ALL") == Some("1") {
                    Self::manifest().render_help_all()
                } else {
                    Self::manifest().render_help_summary()
                };
                host.write_stdout(text);
                Ok(0)
            }
            "hello:help" => {
                host.write_stdout(Self::manifest().render_plugin_help());
                Ok(0)
            }
            "hello" => {
                // `dokku --app myapp hello` arrives as DOKKU_APP_NAME, not as an argument:
                // `app_and_rest` reads both forms alike.
                let (app, _) = ctx.app_and_rest();
                let app = app.ok_or("Please specify an app to run the command on")?;
                host.is_valid_app_name(app)?;
                host.write_stdout(format!("Hello {app}\n"));
                Ok(0)
            }
            "hello:world" => {
                host.write_stdout("Hello world\n");
                Ok(0)
            }
            "hello:info" => {
                let (app, _) = ctx.app_and_rest();
                let app = app.ok_or("Please specify an app to run the command on")?;
                host.verify_app_name(app)?; // a missing app fails with exit code 20
                let image = host.get_app_image_name(app, None, None)?;
                let greeting = host.config_get(app, "GREETING")?;
                host.log_info2(&format!("{app} hello info"));
                host.log_verbose(&format!("Image:     {image}"));
                host.log_verbose(&format!(
                    "Greeting:  {}",
                    greeting.as_deref().unwrap_or("(GREETING is not set)")
                ));
                Ok(0)
            }
            "hello:greet-with" => {
                // `hello:greet-with <app> <greeting>` (or `--app <app> hello:greet-with
                // <greeting>`): stores the greeting hello:info shows, as a config var,
                // without restarting the app.
                let (app, rest) = ctx.app_and_rest();
                let app = app.ok_or("Please specify an app to run the command on")?;
                host.verify_app_name(app)?;
                let greeting = rest.first().copied().ok_or("Please specify a greeting")?;
                host.config_set(app, &[("GREETING", greeting)], Restart::No)?;
                Ok(0)
            }
            _ => Ok(NOT_IMPLEMENTED_EXIT),
        }
    }

    fn trigger(&self, ctx: &TriggerContext<'_>) -> Result<i32, PluginError> {
        match ctx.name() {
            "hello-trigger" => {
                ctx.host()
                    .write_stdout(format!("hello-native trigger {}\n", ctx.args().join(" ")));
                Ok(0)
            }
            _ => Ok(NOT_IMPLEMENTED_EXIT),
        }
    }
}

dokku_plugin_sdk::export_plugin!(HelloNative);

#[cfg(test)]
mod tests {
    use super::*;
    use dokku_plugin_sdk::testing::MockHost;

    #[test]
    fn hello_greets_the_app_from_args_or_dokku_app_name() {
        let host = MockHost::new();
        assert_eq!(host.command(&HelloNative, "hello", &["myapp"]), Ok(0));
        assert_eq!(host.stdout(), "Hello myapp\n");

        let host = MockHost::new().with_env("DOKKU_APP_NAME", "other");
        assert_eq!(host.command(&HelloNative, "hello", &[]), Ok(0));
        assert_eq!(host.stdout(), "Hello other\n");
    }

    #[test]
    fn hello_without_an_app_fails_like_dokku_log_fail() {
        let host = MockHost::new();
        let err = host
            .command(&HelloNative, "hello", &[])
            .expect_err("no app given");
        assert_eq!(err.message(), "Please specify an app to run the command on");
        assert_eq!(err.exit_code(), 1);

        let err = host
            .command(&HelloNative, "hello", &["Bad_Name"])
            .expect_err("invalid name");
        assert_eq!(err.kind(), ErrorKind::InvalidArguments);
    }

    #[test]
    fn world_help_and_unknown_commands() {
        let host = MockHost::new();
        assert_eq!(host.command(&HelloNative, "hello:world", &[]), Ok(0));
        assert_eq!(host.command(&HelloNative, "help", &[]), Ok(0));
        assert_eq!(host.command(&HelloNative, "hello:help", &[]), Ok(0));
        assert_eq!(
            host.stdout(),
            "Hello world\n    hello, Says hello\n\
             Usage: dokku hello[:COMMAND]\n\nSays hello\n\nAdditional commands:\n\
             \x20   hello <app>   Says \"Hello <app>\"\n\
             \x20   hello:world   Says \"Hello world\"\n"
        );
        assert_eq!(
            host.command(&HelloNative, "nope", &[]),
            Ok(NOT_IMPLEMENTED_EXIT)
        );
    }

    #[test]
    fn info_uses_host_services() {
        let host = MockHost::new()
            .with_app("myapp")
            .with_config("myapp", "GREETING", "Hi there");
        assert_eq!(host.command(&HelloNative, "hello:info", &["myapp"]), Ok(0));
        assert_eq!(
            host.stdout(),
            "=====> myapp hello info\n       Image:     dokku/myapp:latest\n       Greeting:  Hi there\n"
        );
        let services: Vec<String> = host.calls().into_iter().map(|c| c.service).collect();
        assert_eq!(services, ["verify-app-name", "image-name", "config-get"]);

        let err = host
            .command(&HelloNative, "hello:info", &["missing"])
            .expect_err("missing app");
        assert_eq!((err.kind(), err.exit_code()), (ErrorKind::AppNotFound, 20));
    }

    #[test]
    fn greet_with_reads_the_app_and_greeting_with_or_without_app_flag() {
        for (env, args) in [
            (None, vec!["myapp", "Howdy"]),
            (Some("myapp"), vec!["Howdy"]),
        ] {
            let mut host = MockHost::new().with_app("myapp");
            if let Some(app) = env {
                host = host.with_env("DOKKU_APP_NAME", app);
            }
            assert_eq!(
                host.command(&HelloNative, "hello:greet-with", &args),
                Ok(0),
                "{args:?}"
            );
            assert_eq!(
                host.config("myapp", "GREETING").as_deref(),
                Some("Howdy"),
                "--app {env:?} {args:?}"
            );
            let calls = host.calls();
            let set = calls.last().expect("a config-set call");
            assert_eq!(set.args, ["--no-restart", "myapp", "GREETING=Howdy"]);
        }
        let host = MockHost::new()
            .with_app("myapp")
            .with_env("DOKKU_APP_NAME", "myapp");
        let err = host
            .command(&HelloNative, "hello:greet-with", &[])
            .expect_err("no greeting");
        assert_eq!(err.message(), "Please specify a greeting");
    }

    #[test]
    fn trigger_echoes_its_arguments() {
        let host = MockHost::new();
        assert_eq!(
            host.trigger(&HelloNative, "hello-trigger", &["myapp", "x"], b""),
            Ok(0)
        );
        assert_eq!(host.stdout(), "hello-native trigger myapp x\n");
    }

    #[test]
    fn plugin_toml_agrees_with_the_embedded_manifest() {
        let on_disk = Manifest::parse(include_str!("../plugin.toml")).expect("plugin.toml parses");
        assert_eq!(on_disk, HelloNative::manifest());
    }
}

//! The docker calls answered through the Engine API print what the CLI prints: each
//! shape run both ways on real, labelled containers and images, outputs compared.
//! Calls that change something run on twin objects (one for the CLI, one for the
//! API) and are compared with the twin's names swapped.

use dokku_core::docker::{Call, CallResult, CliRunner};

use crate::harness::{docker, prepare_docker, skipped, unique_id};

/// Removes what the test labelled, whatever happens.
struct Labelled {
    label: String,
}

impl Drop for Labelled {
    fn drop(&mut self) {
        crate::harness::remove_labelled(&format!("label={}", self.label));
    }
}

/// The API's answer for `args`; it must not leave the call to the CLI.
fn api(runner: &CliRunner, args: &[&str]) -> CallResult {
    runner
        .through_engine(&Call::new(args.iter().copied()))
        .unwrap_or_else(|| panic!("the API left `docker {}` to the CLI", args.join(" ")))
}

/// The CLI's answer for `args`, as a [`CallResult`].
fn cli(args: &[&str]) -> CallResult {
    let run = docker(args);
    CallResult {
        code: run.code,
        stdout: run.stdout,
        stderr: run.stderr,
    }
}

/// The same call both ways, on the same objects.
fn same(runner: &CliRunner, args: &[&str]) -> CallResult {
    let by_cli = cli(args);
    let by_api = api(runner, args);
    assert_eq!(by_api, by_cli, "docker {}", args.join(" "));
    by_cli
}

/// A call on twins: `cli_args` by the CLI, `api_args` by the API; the API's output
/// must be the CLI's with each `(cli, api)` pair of names swapped.
fn twins(runner: &CliRunner, cli_args: &[&str], api_args: &[&str], swaps: &[(&str, &str)]) {
    let by_cli = cli(cli_args);
    let by_api = api(runner, api_args);
    let swap = |text: &str| {
        swaps
            .iter()
            .fold(text.to_string(), |t, (from, to)| t.replace(from, to))
    };
    let expected = CallResult {
        code: by_cli.code,
        stdout: swap(&by_cli.stdout),
        stderr: swap(&by_cli.stderr),
    };
    assert_eq!(by_api, expected, "docker {}", api_args.join(" "));
}

fn ok(run: CallResult) -> String {
    assert_eq!(run.code, 0, "{run:?}");
    run.stdout.trim().to_string()
}

#[test]
fn every_api_shape_prints_what_the_cli_prints() {
    if skipped() {
        return;
    }
    prepare_docker();
    let id = unique_id();
    let label = format!("com.dokku-rs.test=apicalls-{id}");
    let _cleanup = Labelled {
        label: label.clone(),
    };
    let env = [
        "PATH",
        "HOME",
        "DOCKER_HOST",
        "DOCKER_CONFIG",
        "DOCKER_CONTEXT",
    ]
    .into_iter()
    .filter_map(|k| Some((k.to_string(), std::env::var(k).ok()?)))
    .collect();
    let runner = CliRunner::new("docker", env);
    let create = |name: &str, command: &[&str]| {
        let mut args = vec!["container", "create", "--label", &label, "--name", name];
        args.push("dokku-rs/base:busybox");
        args.extend(command);
        ok(cli(&args))
    };
    let name = |what: &str| format!("apicalls-{id}-{what}");
    let sleeper = |what: &str| create(&name(what), &["sleep", "300"]);
    let filter = format!("label={label}");

    // Twins for the calls that change a container.
    let (a, b) = (sleeper("a"), sleeper("b"));
    twins(
        &runner,
        &["container", "start", &a],
        &["container", "start", &b],
        &[(&a, &b)],
    );
    twins(
        &runner,
        &["container", "update", "--restart=on-failure:3", &a],
        &["container", "update", "--restart=on-failure:3", &b],
        &[(&a, &b)],
    );
    let still = create(&name("still"), &["true"]);

    // Queries, on the same objects.
    same(
        &runner,
        &["container", "ls", "--quiet", "--filter", &filter],
    );
    same(
        &runner,
        &["container", "ls", "--quiet", "--all", "--filter", &filter],
    );
    let listed = same(
        &runner,
        &[
            "container",
            "ls",
            "--quiet",
            "--no-trunc",
            "--all",
            "--filter",
            &filter,
            "--filter",
            "status=created",
        ],
    );
    assert_eq!(listed.stdout, format!("{still}\n"));
    let inspected = same(&runner, &["container", "inspect", &a, &still]);
    let parsed: serde_json::Value = serde_json::from_str(&inspected.stdout).expect("JSON");
    assert_eq!(parsed.as_array().map(Vec::len), Some(2));
    let missing = name("missing");
    let half = same(&runner, &["container", "inspect", &missing, &a]);
    assert_eq!(half.code, 1);
    same(&runner, &["container", "inspect", &missing]);
    same(
        &runner,
        &["system", "info", "--format", "{{ .LoggingDriver }}"],
    );

    // Images: one tagged twice, one untagged, both labelled.
    let image = name("img");
    let tagged = ok(cli(&[
        "container",
        "commit",
        "--change",
        &format!("LABEL {label}"),
        "--change",
        "EXPOSE 5000/tcp",
        "--change",
        "LABEL x=<&>",
        &still,
        &format!("{image}:1"),
    ]));
    ok(cli(&[
        "image",
        "tag",
        &format!("{image}:1"),
        &format!("{image}:2"),
    ]));
    ok(cli(&[
        "container",
        "commit",
        "--change",
        &format!("LABEL {label}"),
        &still,
    ]));
    let listed = same(
        &runner,
        &["image", "ls", "--quiet", "--all", "--filter", &filter],
    );
    assert_eq!(listed.stdout.lines().count(), 3, "{listed:?}");
    for format in [
        "{{.Id}}",
        "{{json .Config.Labels}}",
        "{{json .Config.ExposedPorts}}",
    ] {
        same(
            &runner,
            &[
                "image",
                "inspect",
                "--format",
                format,
                &format!("{image}:1"),
            ],
        );
        same(
            &runner,
            &[
                "image",
                "inspect",
                "--format",
                format,
                "dokku-rs/base:busybox",
            ],
        );
        same(
            &runner,
            &[
                "image",
                "inspect",
                "--format",
                format,
                &format!("{image}:nosuch"),
            ],
        );
    }
    assert_eq!(
        ok(cli(&["image", "inspect", "--format", "{{.Id}}", &tagged])),
        tagged
    );

    // Twins for the calls that change an image: tag, then remove the tags.
    let (t1, t2) = (format!("{image}-t1:x"), format!("{image}-t2:x"));
    twins(
        &runner,
        &["image", "tag", &tagged, &t1],
        &["image", "tag", &tagged, &t2],
        &[],
    );
    twins(
        &runner,
        &["image", "rm", &t1],
        &["image", "rm", &t2],
        &[(&t1, &t2)],
    );
    let nosuch = format!("{image}:nosuch");
    same(&runner, &["image", "rm", &nosuch]);
    twins(
        &runner,
        &["image", "tag", &nosuch, &t1],
        &["image", "tag", &nosuch, &t2],
        &[],
    );

    // Prune: twin images each under a label of its own side.
    let side = |which: &str| {
        let side_label = format!("com.dokku-rs.apicalls-side={id}-{which}");
        let tag = format!("{image}-prune-{which}:1");
        let made = ok(cli(&[
            "container",
            "commit",
            "--change",
            &format!("LABEL {label}"),
            "--change",
            &format!("LABEL {side_label}"),
            &still,
            &tag,
        ]));
        (format!("label={side_label}"), tag, made)
    };
    let (cli_filter, cli_tag, cli_image) = side("cli");
    let (api_filter, api_tag, api_image) = side("api");
    twins(
        &runner,
        &[
            "image",
            "prune",
            "--all",
            "--force",
            "--filter",
            &cli_filter,
        ],
        &[
            "image",
            "prune",
            "--all",
            "--force",
            "--filter",
            &api_filter,
        ],
        &[(&cli_tag, &api_tag), (&cli_image, &api_image)],
    );

    // Stop, rename and remove, on the twins again.
    twins(
        &runner,
        &["container", "stop", "-t=1", &a],
        &["container", "stop", "-t=1", &b],
        &[(&a, &b)],
    );
    let (a2, b2) = (name("a2"), name("b2"));
    twins(
        &runner,
        &["container", "rename", &a, &a2],
        &["container", "rename", &b, &b2],
        &[],
    );
    twins(
        &runner,
        &["container", "rm", &a2],
        &["container", "rm", &b2],
        &[(&a2, &b2)],
    );
    same(&runner, &["container", "rm", &missing]);
    same(&runner, &["container", "rm", "--force", &missing]);
    same(&runner, &["container", "start", &missing]);
    same(&runner, &["container", "stop", &missing]);
    same(&runner, &["container", "rename", &missing, &name("other")]);
    same(&runner, &["container", "update", "--restart=no", &missing]);
}

/// The micro benchmark behind the numbers in docs/deploy-path.md: 100 `image_id`
/// lookups and 100 labelled `container_ls` through the CLI (`DOKKU_DOCKER_API=0`)
/// and through the API. Run by hand:
/// `cargo test --release -p dokku-cli --test e2e engine_calls_timing -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement, not a check"]
fn engine_calls_timing() {
    use dokku_core::docker::Docker;
    use std::time::Instant;
    prepare_docker();
    let env = |api: &str| {
        ["PATH", "HOME"]
            .into_iter()
            .filter_map(|k| Some((k.to_string(), std::env::var(k).ok()?)))
            .chain([("DOKKU_DOCKER_API".to_string(), api.to_string())])
            .collect()
    };
    let filters = ["label=com.dokku-rs.base".to_string()];
    for (what, api) in [("CLI", "0"), ("API", "1")] {
        let docker = Docker::cli("docker", env(api));
        let started = Instant::now();
        for _ in 0..100 {
            assert!(docker.image_id("dokku-rs/base:busybox").is_some());
        }
        let image_id = started.elapsed();
        let started = Instant::now();
        for _ in 0..100 {
            docker.container_ls(&filters, true);
        }
        let container_ls = started.elapsed();
        eprintln!(
            "{what}: image_id {:.2} ms/call, container_ls {:.2} ms/call",
            image_id.as_secs_f64() * 10.0,
            container_ls.as_secs_f64() * 10.0
        );
    }
}

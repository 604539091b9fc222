//! The `com.dokku.*` labels Dokku puts on images, containers and volumes
//! (`dokku-core-behaviour.md` §5.2), and the label filters built from them.

/// `com.dokku.app-name=<app>`: on every build/release image and every container of an
/// app, and on temporary copy containers; the primary filter of cleanup.
pub const APP_NAME: &str = "com.dokku.app-name";
/// `com.dokku.image-stage`: `build` (builder output) or `release`.
pub const IMAGE_STAGE: &str = "com.dokku.image-stage";
/// `com.dokku.builder-type`: `dockerfile`, `herokuish`, `pack`, ...
pub const BUILDER_TYPE: &str = "com.dokku.builder-type";
/// `com.dokku.container-type`: `deploy`, `run` or `cron`.
pub const CONTAINER_TYPE: &str = "com.dokku.container-type";
/// `com.dokku.process-type=<proc>` on deploy containers.
pub const PROCESS_TYPE: &str = "com.dokku.process-type";
/// `com.dokku.dyno=<proc>.<index>` on deploy containers.
pub const DYNO: &str = "com.dokku.dyno";
/// The label Cloud Native Buildpacks images carry (`is_image_cnb_based`).
pub const CNB_STACK_ID: &str = "io.buildpacks.stack.id";

/// `com.dokku.app-name=<app>`, as given to `--label`.
pub fn app_name(app: &str) -> String {
    format!("{APP_NAME}={app}")
}

/// `label=com.dokku.app-name=<app>`, as given to `--filter`.
pub fn app_filter(app: &str) -> String {
    format!("label={}", app_name(app))
}

/// `org.label-schema.schema-version=1.0`, on everything Dokku builds.
const SCHEMA_VERSION: &str = "org.label-schema.schema-version=1.0";
/// `org.label-schema.vendor=dokku`, on everything Dokku builds.
const VENDOR: &str = "org.label-schema.vendor=dokku";
/// The bare `dokku` label (`$DOKKU_CONTAINER_LABEL`), on everything Dokku makes.
const DOKKU: &str = "dokku";

/// The label sets Dokku's builders give docker, one per kind of call (the
/// `DOCKER_*_LABEL_ARGS` of its `builder-build` and `builder-release` scripts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelSet {
    /// `docker image build` of a build image (`DOCKER_BUILD_LABEL_ARGS`).
    Build,
    /// `docker image build` of the release image (`builder-release`).
    Release,
    /// `docker container commit` of a build image: `--change "LABEL k=v"` pairs
    /// (`DOCKER_COMMIT_LABEL_ARGS`).
    Commit,
    /// `docker container run`/`create` of a container working on a build
    /// (`DOCKER_RUN_LABEL_ARGS`).
    Run,
}

impl LabelSet {
    /// Every set, by its name.
    pub const ALL: [(&'static str, LabelSet); 4] = [
        ("build", LabelSet::Build),
        ("release", LabelSet::Release),
        ("commit", LabelSet::Commit),
        ("run", LabelSet::Run),
    ];

    /// The set called `name` (`build`, `release`, `commit`, `run`).
    pub fn from_name(name: &str) -> Option<LabelSet> {
        Self::ALL
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, set)| *set)
    }

    /// The docker arguments of this set for `app`, in Dokku's order; `builder_type`
    /// adds `com.dokku.builder-type`.
    pub fn args(self, app: &str, builder_type: Option<&str>) -> Vec<String> {
        let stage = |s: &str| format!("{IMAGE_STAGE}={s}");
        let builder = builder_type
            .filter(|t| !t.is_empty())
            .map(|t| format!("{BUILDER_TYPE}={t}"));
        let labels: Vec<String> = match self {
            LabelSet::Build => [SCHEMA_VERSION.into(), VENDOR.into(), stage("build")]
                .into_iter()
                .chain(builder)
                .chain([app_name(app), DOKKU.into()])
                .collect(),
            LabelSet::Release => [
                SCHEMA_VERSION.into(),
                VENDOR.into(),
                app_name(app),
                stage("release"),
            ]
            .into_iter()
            .chain(builder)
            .chain([DOKKU.into()])
            .collect(),
            LabelSet::Run | LabelSet::Commit => [
                DOKKU.into(),
                SCHEMA_VERSION.into(),
                VENDOR.into(),
                stage("build"),
            ]
            .into_iter()
            .chain(builder)
            .chain([app_name(app)])
            .collect(),
        };
        if self == LabelSet::Commit {
            // `LABEL dokku=`: a Dockerfile LABEL needs a value.
            return labels
                .into_iter()
                .flat_map(|l| {
                    let l = if l.contains('=') { l } else { format!("{l}=") };
                    ["--change".to_string(), format!("LABEL {l}")]
                })
                .collect();
        }
        labels.into_iter().map(|l| format!("--label={l}")).collect()
    }
}

/// `docker ARGS...` as Dokku would run it for `app`: a command that makes a container
/// (`run`, `create`, `container run`, `container create`) gets `global_run` (the words
/// of `$DOKKU_GLOBAL_RUN_ARGS`) and the app's label right after the command words, a
/// build (`build`, `image build`, `buildx build`, `builder build`) gets `global_build`
/// and the app's label; anything else runs as given. The command must come first (no
/// docker options before it). `app` `None` adds the global words only.
pub fn with_dokku_labels(
    args: &[String],
    app: Option<&str>,
    global_build: &[String],
    global_run: &[String],
) -> Vec<String> {
    let word = |i: usize| args.get(i).map(String::as_str);
    let (command_words, global) = match (word(0), word(1)) {
        (Some("container"), Some("run" | "create")) => (2, global_run),
        (Some("image" | "buildx" | "builder"), Some("build")) => (2, global_build),
        (Some("run" | "create"), _) => (1, global_run),
        (Some("build"), _) => (1, global_build),
        _ => return args.to_vec(),
    };
    let mut out: Vec<String> = args[..command_words].to_vec();
    out.extend(global.iter().cloned());
    if let Some(app) = app.filter(|a| !a.is_empty()) {
        out.push(format!("--label={}", app_name(app)));
    }
    out.extend(args[command_words..].iter().cloned());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    /// The sets of Dokku's builder scripts, word for word.
    #[test]
    fn label_sets_are_dokkus() {
        assert_eq!(
            LabelSet::Build.args("web", Some("herokuish")).join(" "),
            "--label=org.label-schema.schema-version=1.0 --label=org.label-schema.vendor=dokku \
             --label=com.dokku.image-stage=build --label=com.dokku.builder-type=herokuish \
             --label=com.dokku.app-name=web --label=dokku"
        );
        assert_eq!(
            LabelSet::Release.args("web", None).join(" "),
            "--label=org.label-schema.schema-version=1.0 --label=org.label-schema.vendor=dokku \
             --label=com.dokku.app-name=web --label=com.dokku.image-stage=release --label=dokku"
        );
        assert_eq!(
            LabelSet::Run.args("web", Some("herokuish")).join(" "),
            "--label=dokku --label=org.label-schema.schema-version=1.0 \
             --label=org.label-schema.vendor=dokku --label=com.dokku.image-stage=build \
             --label=com.dokku.builder-type=herokuish --label=com.dokku.app-name=web"
        );
        assert_eq!(
            LabelSet::Commit.args("web", Some("herokuish")),
            [
                "--change",
                "LABEL dokku=",
                "--change",
                "LABEL org.label-schema.schema-version=1.0",
                "--change",
                "LABEL org.label-schema.vendor=dokku",
                "--change",
                "LABEL com.dokku.image-stage=build",
                "--change",
                "LABEL com.dokku.builder-type=herokuish",
                "--change",
                "LABEL com.dokku.app-name=web",
            ]
        );
        for (name, set) in LabelSet::ALL {
            assert_eq!(LabelSet::from_name(name), Some(set));
        }
        assert_eq!(LabelSet::from_name("deploy"), None);
    }

    #[test]
    fn docker_commands_that_make_things_get_dokkus_labels() {
        let build = words("--label=dokku");
        let run = words("--label=dokku --label=x");
        let labelled = |args: &str, app| with_dokku_labels(&words(args), app, &build, &run);
        assert_eq!(
            labelled("container run --rm alpine true", Some("web")),
            words("container run --label=dokku --label=x --label=com.dokku.app-name=web --rm alpine true")
        );
        assert_eq!(
            labelled("run alpine", None),
            words("run --label=dokku --label=x alpine")
        );
        assert_eq!(
            labelled("image build -t t .", Some("web")),
            words("image build --label=dokku --label=com.dokku.app-name=web -t t .")
        );
        assert_eq!(labelled("image ls", Some("web")), words("image ls"));
        assert_eq!(
            labelled("--debug run x", Some("web")),
            words("--debug run x")
        );
        assert!(labelled("", Some("web")).is_empty());
    }

    #[test]
    fn label_and_filter() {
        assert_eq!(app_name("web"), "com.dokku.app-name=web");
        assert_eq!(app_filter("web"), "label=com.dokku.app-name=web");
    }
}

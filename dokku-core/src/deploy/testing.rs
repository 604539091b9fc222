//! A recording [`Host`] for unit tests: a temp-dir layout, a fake Docker, and
//! triggers answered by closures (or ignored, status 0).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::PathBuf;

use super::{DeployError, Host};
use crate::docker::fake::FakeDocker;
use crate::docker::Docker;
use crate::log::Level;
use crate::paths::Layout;
use crate::settings::EnvMap;

type Handler = Box<dyn Fn(&FakeHost, &[&str]) -> (i32, String)>;

pub(crate) struct FakeHost {
    _dir: tempfile::TempDir,
    pub(crate) layout: Layout,
    pub(crate) env: EnvMap,
    pub(crate) fake: FakeDocker,
    docker: Docker,
    pub(crate) logs: RefCell<Vec<String>>,
    pub(crate) fired: RefCell<Vec<String>>,
    handlers: BTreeMap<String, Handler>,
}

impl FakeHost {
    pub(crate) fn new() -> FakeHost {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut vars = EnvMap::new();
        vars.insert(
            "DOKKU_ROOT".into(),
            dir.path().join("home").display().to_string(),
        );
        vars.insert(
            "DOKKU_LIB_PATH".into(),
            dir.path().join("lib").display().to_string(),
        );
        // Logs (nginx's among them) stay in the temp dir too, never /var/log.
        vars.insert(
            "DOKKU_LOGS_DIR".into(),
            dir.path().join("log").display().to_string(),
        );
        let layout = Layout::from_env(&vars);
        std::fs::create_dir_all(&layout.dokku_root).expect("mkdir home");
        std::fs::create_dir_all(&layout.lib_root).expect("mkdir lib");
        vars.insert(
            "DOKKU_GLOBAL_RUN_ARGS".into(),
            crate::env::fixed::GLOBAL_DOCKER_ARGS.into(),
        );
        vars.insert(
            "DOKKU_GLOBAL_BUILD_ARGS".into(),
            crate::env::fixed::GLOBAL_DOCKER_ARGS.into(),
        );
        let fake = FakeDocker::new();
        let docker = fake.docker();
        FakeHost {
            _dir: dir,
            layout,
            env: vars,
            fake,
            docker,
            logs: RefCell::new(Vec::new()),
            fired: RefCell::new(Vec::new()),
            handlers: BTreeMap::new(),
        }
    }

    /// Answers `trigger` with `handler` (status, stdout).
    pub(crate) fn on(
        &mut self,
        trigger: &str,
        handler: impl Fn(&FakeHost, &[&str]) -> (i32, String) + 'static,
    ) {
        self.handlers.insert(trigger.to_string(), Box::new(handler));
    }

    pub(crate) fn log_text(&self) -> String {
        self.logs.borrow().join("")
    }

    pub(crate) fn mkapp(&self, app: &str) {
        std::fs::create_dir_all(self.layout.app_root(app)).expect("mkdir app");
    }
}

impl Host for FakeHost {
    fn layout(&self) -> &Layout {
        &self.layout
    }

    fn env(&self) -> &EnvMap {
        &self.env
    }

    fn docker(&self) -> &Docker {
        &self.docker
    }

    fn log(&self, level: Level, msg: &str) {
        self.logs.borrow_mut().push(crate::log::line(level, msg));
    }

    fn fire(&self, trigger: &str, args: &[&str]) -> Result<i32, DeployError> {
        self.fired.borrow_mut().push(
            format!("{trigger} {}", args.join(" "))
                .trim_end()
                .to_string(),
        );
        Ok(self
            .handlers
            .get(trigger)
            .map(|h| h(self, args).0)
            .unwrap_or(0))
    }

    fn fire_capture(&self, trigger: &str, args: &[&str]) -> Result<String, DeployError> {
        self.fired.borrow_mut().push(
            format!("{trigger} {}", args.join(" "))
                .trim_end()
                .to_string(),
        );
        match self.handlers.get(trigger).map(|h| h(self, args)) {
            Some((0, out)) => Ok(out),
            Some((code, _)) => Err(DeployError::Exit { code }),
            None => Ok(String::new()),
        }
    }

    fn has_trigger(&self, trigger: &str, _exclude: &[&str]) -> bool {
        self.handlers.contains_key(trigger)
    }

    fn dokku_bin(&self) -> PathBuf {
        PathBuf::from("/bin/true")
    }
}

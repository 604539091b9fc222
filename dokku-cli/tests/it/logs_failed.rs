//! `logs:failed` through the schedulers' `scheduler-logs-failed` answers: a swarm
//! app says it has no failed containers, and a bad APP argument fired by hand is
//! refused before it reaches the app's data directory.

use crate::install;

#[test]
fn logs_failed_of_a_swarm_app_says_there_are_none() {
    let env = install();
    env.dokku(["apps:create", "web"]).success();
    env.dokku(["scheduler:set", "web", "selected", "docker-swarm"])
        .success();
    let run = env.dokku(["logs:failed", "web"]).success();
    let out = format!("{}{}", run.stdout, run.stderr);
    assert!(out.contains("web failed deploy logs"), "{out}");
    assert!(out.contains("No failed containers found"), "{out}");
}

#[test]
fn a_bad_app_given_to_scheduler_logs_failed_is_refused() {
    let env = install();
    for scheduler in ["docker-local", "docker-swarm"] {
        let run = env.dokku([
            "plugin:trigger",
            "scheduler-logs-failed",
            scheduler,
            "../../etc",
        ]);
        let out = format!("{}{}", run.stdout, run.stderr);
        assert_eq!(run.code, 1, "{scheduler}: {out}");
        assert!(
            out.contains("App name must begin with"),
            "{scheduler}: {out}"
        );
        assert!(out.contains("hint: "), "{scheduler}: {out}");
        assert!(
            !out.contains("No failed containers found"),
            "{scheduler}: {out}"
        );
    }
}

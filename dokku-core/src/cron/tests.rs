use super::*;

fn store() -> (tempfile::TempDir, PropertyStore) {
    let dir = tempfile::tempdir().expect("tempdir");
    let props = PropertyStore::new(dir.path());
    (dir, props)
}

#[test]
fn ids_are_dokkus_base36() {
    // The id Dokku's own test expects for the injected line `@daily;/bin/true`.
    assert_eq!(
        base36(b"@daily;;;/bin/true"),
        "5cruaotm4yzzpnjlsdunblj8qyjp"
    );
    assert_eq!(base36(b""), "");
    assert_eq!(base36(&[0, 0, 1]), "001");
    assert_eq!(base36(&[255]), "73");
    assert_eq!(task_id("a", "b", "c"), base36(b"a===b===c"));
}

#[test]
fn injected_entries_become_global_tasks() {
    let (tasks, warnings) = injected_tasks("@daily;/bin/true\n", true).expect("parse");
    assert!(warnings.is_empty());
    assert_eq!(
        tasks_json(&tasks),
        r#"[{"id":"5cruaotm4yzzpnjlsdunblj8qyjp","command":"/bin/true","global":true,"schedule":"@daily","concurrency_policy":"","app-in-maintenance":false,"task-in-maintenance":false,"maintenance":false}]"#
    );
    let (tasks, _) = injected_tasks("@daily;/bin/true;/var/log/x.log", false).expect("parse");
    assert_eq!(tasks[0].crontab_command(), "/bin/true &>> /var/log/x.log");
    assert!(injected_tasks("nope", false).is_err());
    let (tasks, warnings) = injected_tasks("nope\n@hourly;x", true).expect("lenient");
    assert_eq!((tasks.len(), warnings.len()), (1, 1));
}

#[test]
fn app_tasks_are_validated_and_paused_by_maintenance() {
    let (_dir, props) = store();
    let doc: Value = serde_json::from_str(
        r#"{"cron":[{"command":"python3 task.py","schedule":"@daily"},
                    {"command":"echo hi","schedule":"*/5 * * * *","concurrency_policy":"forbid"}]}"#,
    )
    .expect("json");
    let (tasks, _) = app_tasks(&props, "web", &doc, true).expect("tasks");
    assert_eq!(tasks.len(), 2);
    assert_eq!(tasks[0].id, task_id("web", "python3 task.py", "@daily"));
    assert_eq!(tasks[0].concurrency_policy, "allow");
    assert_eq!(tasks[1].concurrency_policy, "forbid");
    assert_eq!(
        tasks[0].crontab_command(),
        format!("dokku cron:run web {}", tasks[0].id)
    );

    props
        .write(
            PLUGIN,
            "web",
            &format!("maintenance.{}", tasks[1].id),
            "true",
        )
        .expect("write");
    let (tasks, _) = app_tasks(&props, "web", &doc, true).expect("tasks");
    assert_eq!(tasks[1].maintenance_label(), "true (task)");
    let text = render_crontab(&tasks, "", "root@x").expect("one live task");
    assert!(text.starts_with("MAILTO=root@x\nPATH="));
    assert!(text.contains("@daily dokku cron:run web"));
    assert!(!text.contains("*/5"));

    props
        .write(PLUGIN, GLOBAL, "maintenance", "true")
        .expect("write");
    let (tasks, _) = app_tasks(&props, "web", &doc, true).expect("tasks");
    assert_eq!(tasks[0].maintenance_label(), "true (app)");
    assert!(render_crontab(&tasks, "", "").is_none());
}

#[test]
fn bad_tasks_are_refused() {
    let (_dir, props) = store();
    for (doc, want) in [
        (
            r#"{"cron":[{"schedule":"@daily"}]}"#,
            "Missing cron task command",
        ),
        (r#"{"cron":[{"command":"x"}]}"#, "Missing cron schedule"),
        (
            r#"{"cron":[{"command":"x","schedule":"* * * * * *"}]}"#,
            "Invalid cron schedule",
        ),
        (
            r#"{"cron":[{"command":"echo 'x","schedule":"@daily"}]}"#,
            "Invalid cron command",
        ),
        (
            r#"{"cron":[{"command":"x","schedule":"@daily","concurrency_policy":"sometimes"}]}"#,
            "Invalid cron concurrency policy",
        ),
    ] {
        let doc: Value = serde_json::from_str(doc).expect("json");
        let err = app_tasks(&props, "web", &doc, true).expect_err(want);
        assert!(err.to_string().starts_with(want), "{err}");
    }
    // Not strict: a task missing its command is skipped with a warning.
    let doc: Value = serde_json::from_str(r#"{"cron":[{"schedule":"@daily"}]}"#).expect("json");
    let (tasks, warnings) = app_tasks(&props, "web", &doc, false).expect("lenient");
    assert!(tasks.is_empty());
    assert_eq!(warnings.len(), 1);
}

#[test]
fn maintenance_any_true_wins() {
    let (_dir, props) = store();
    assert_eq!(computed_maintenance(&props, "web"), "false");
    props
        .write(PLUGIN, GLOBAL, "maintenance", "true")
        .expect("write");
    props
        .write(PLUGIN, "web", "maintenance", "false")
        .expect("write");
    assert_eq!(computed_maintenance(&props, "web"), "true");
    assert_eq!(computed_maintenance(&props, GLOBAL), "true");
}

#[test]
fn set_rules() {
    let task = Task {
        id: "abc".into(),
        ..Task::default()
    };
    assert_eq!(check_set(GLOBAL, "mailto", &[]), Ok(()));
    assert_eq!(check_set("web", "mailto", &[]), Err(CronError::GlobalOnly));
    assert_eq!(
        check_set(GLOBAL, "maintenance.abc", &[]),
        Err(CronError::TaskMaintenanceGlobal)
    );
    assert_eq!(
        check_set("web", "maintenance.", &[]),
        Err(CronError::MissingTaskId)
    );
    assert!(check_set("web", "maintenance.zzz", std::slice::from_ref(&task)).is_err());
    assert_eq!(check_set("web", "maintenance.abc", &[task]), Ok(()));
}

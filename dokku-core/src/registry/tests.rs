use super::*;

fn store() -> (tempfile::TempDir, PropertyStore) {
    let dir = tempfile::tempdir().expect("tempdir");
    let props = PropertyStore::new(dir.path());
    (dir, props)
}

#[test]
fn templates_render_only_the_app_name() {
    assert_eq!(
        render_template("global-prefix/{{ .AppName }}", "web").expect("renders"),
        "global-prefix/web"
    );
    assert_eq!(
        render_template("p/{{.AppName}}-prod", "web").expect("renders"),
        "p/web-prod"
    );
    assert!(render_template("dokku/{{ APP }}", "web").is_err());
    assert!(render_template("dokku/{{ .AppName ", "web").is_err());
    assert_eq!(render_template("plain", "web").expect("renders"), "plain");
}

#[test]
fn image_repo_prefers_own_then_template_then_default() {
    let (_d, props) = store();
    assert_eq!(computed_image_repo(&props, "web"), "dokku/web");
    props
        .write(PLUGIN, GLOBAL, "image-repo-template", "dokku/{{ APP }}")
        .expect("write");
    assert_eq!(
        computed_image_repo(&props, "web"),
        "dokku/web",
        "bad template"
    );
    props
        .write(PLUGIN, GLOBAL, "image-repo-template", "g/{{ .AppName }}")
        .expect("write");
    assert_eq!(computed_image_repo(&props, "web"), "g/web");
    props
        .write(
            PLUGIN,
            "web",
            "image-repo-template",
            "a/{{ .AppName }}-prod",
        )
        .expect("write");
    assert_eq!(computed_image_repo(&props, "web"), "a/web-prod");
    props
        .write(PLUGIN, "web", "image-repo", "my/web")
        .expect("write");
    assert_eq!(computed_image_repo(&props, "web"), "my/web");
}

#[test]
fn server_prefix_drops_docker_hub_and_adds_one_slash() {
    let (_d, props) = store();
    assert_eq!(server_prefix(&props, "web"), "");
    props
        .write(PLUGIN, GLOBAL, "server", "ghcr.io")
        .expect("write");
    assert_eq!(server_prefix(&props, "web"), "ghcr.io/");
    assert_eq!(server_prefix(&props, GLOBAL), "ghcr.io/");
    props
        .write(PLUGIN, GLOBAL, "server", "docker.io")
        .expect("write");
    assert_eq!(server_prefix(&props, "web"), "");
    props
        .write(PLUGIN, "web", "server", "reg.local:5000/")
        .expect("write");
    assert_eq!(server_prefix(&props, "web"), "reg.local:5000/");
}

#[test]
fn push_settings_and_tag_versions() {
    let (_d, props) = store();
    assert_eq!(computed_push_on_release(&props, "web"), "false");
    assert_eq!(deployed_image_tag(&props, "web"), None);
    props
        .write(PLUGIN, GLOBAL, "push-on-release", "true")
        .expect("write");
    assert_eq!(deployed_image_tag(&props, "web").as_deref(), Some("1"));
    assert_eq!(next_tag_version(&props, "web").expect("bump"), 1);
    assert_eq!(next_tag_version(&props, "web").expect("bump"), 2);
    assert_eq!(deployed_image_tag(&props, "web").as_deref(), Some("2"));
    props
        .write(PLUGIN, "web", "push-on-release", "false")
        .expect("write");
    assert_eq!(deployed_image_tag(&props, "web"), None);
    props
        .write(PLUGIN, "web", "tag-version", "x")
        .expect("write");
    assert!(next_tag_version(&props, "web").is_err());
}

#[test]
fn push_plans_name_every_tag() {
    assert_eq!(
        push_plan("reg.local:5000/", "team/web", 3, "latest, stable,"),
        PushPlan {
            image: "reg.local:5000/team/web:3".into(),
            local: "team/web:3".into(),
            extra: vec![
                "reg.local:5000/team/web:latest".into(),
                "reg.local:5000/team/web:stable".into()
            ],
        }
    );
}

#[test]
fn reports_keys_per_scope() {
    let (_d, props) = store();
    let app: Vec<String> = report(&props, "web")
        .flags()
        .map(|(k, _)| k.to_string())
        .collect();
    assert_eq!(app.len(), 15);
    let global: Vec<String> = report(&props, GLOBAL)
        .flags()
        .map(|(k, _)| k.to_string())
        .collect();
    assert_eq!(global.len(), 8);
    assert!(global
        .iter()
        .all(|k| k.contains("-global-") || k.contains("-computed-")));
}

#[test]
fn credentials_need_an_auths_entry() {
    assert!(auths_present(r#"{"auths":{"reg":{"auth":"eA=="}}}"#));
    assert!(!auths_present(r#"{"auths":{}}"#));
    assert!(!auths_present("not json"));
}

/// Sets one of the app's registry properties.
fn put(props: &PropertyStore, key: &str, value: &str) {
    props.write(PLUGIN, "web", key, value).expect("write");
}

#[test]
fn the_pushed_release_is_named_only_when_pushing() {
    let (_d, props) = store();
    assert_eq!(pushed_release(&props, "web"), None);
    put(&props, "push-on-release", "true");
    put(&props, "server", "reg.local:5000");
    put(&props, "tag-version", "4");
    assert_eq!(
        pushed_release(&props, "web").as_deref(),
        Some("reg.local:5000/dokku/web:4")
    );
}

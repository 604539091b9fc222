//! Which apps the caller may see: Dokku's `filterApps`, the `user-auth-app` trigger
//! behind `apps:list` and the `app-list` trigger.

use crate::deploy::{DeployError, Host};

/// The trigger a plugin answers to hide apps from a user.
pub const USER_AUTH_APP: &str = "user-auth-app";

/// `apps` as `user-auth-app SSH_USER SSH_NAME APP...` lets the caller see them: the
/// apps it prints, one a line, when some plugin besides the events logger answers it;
/// else all of them. The user is `$SSH_USER` (else `$USER`), the key name `$SSH_NAME`
/// (else `$NAME`, else `default`). A failing handler shows nothing but what it printed,
/// as in Dokku.
pub fn filter(host: &dyn Host, apps: Vec<String>) -> Vec<String> {
    if !host.has_trigger(USER_AUTH_APP, &["20_events"]) {
        return apps;
    }
    let user = host.var("SSH_USER").or(host.var("USER")).unwrap_or("");
    let name = host
        .var("SSH_NAME")
        .or(host.var("NAME"))
        .unwrap_or("default");
    let mut args = vec![user, name];
    args.extend(apps.iter().map(String::as_str));
    match host.fire_capture(USER_AUTH_APP, &args) {
        Ok(out) => out
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Every app (`super::list`), filtered by `user-auth-app` unless `unfiltered`.
pub fn list(host: &dyn Host, unfiltered: bool) -> Result<Vec<String>, DeployError> {
    let apps = super::list(&host.layout().dokku_root)
        .map_err(DeployError::io("read", &host.layout().dokku_root))?;
    Ok(if unfiltered { apps } else { filter(host, apps) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::testing::FakeHost;

    fn apps() -> Vec<String> {
        vec!["api".into(), "shop".into(), "web".into()]
    }

    #[test]
    fn without_a_handler_every_app_is_seen() {
        let host = FakeHost::new();
        assert_eq!(filter(&host, apps()), apps());
        assert!(host.fired.borrow().is_empty());
    }

    #[test]
    fn user_auth_app_prints_the_apps_the_user_sees() {
        let mut host = FakeHost::new();
        host.env.insert("USER".into(), "dokku".into());
        host.env.insert("NAME".into(), "alice".into());
        host.on(USER_AUTH_APP, |_, args| (0, format!("{}\n\n", args[3])));
        assert_eq!(filter(&host, apps()), vec!["shop".to_string()]);
        assert_eq!(
            *host.fired.borrow(),
            vec!["user-auth-app dokku alice api shop web"]
        );
        host.env.insert("SSH_NAME".into(), "bob".into());
        host.on(USER_AUTH_APP, |_, _| (1, "api\n".into()));
        assert!(
            filter(&host, apps()).is_empty(),
            "a failing handler hides all"
        );
    }
}

//! app.json's `formation`: the scale it fixes (handed to the `ps` plugin through
//! `ps-can-scale` and `ps-set-scale` after each release, as Dokku's app-json does) and
//! how many containers of a type may be deployed at once
//! (`app-json-process-deploy-parallelism`).

use serde_json::Value;

use crate::deploy::{DeployError, Host};

/// `type=N` for each type of `formation` with a `quantity`, in type order.
pub fn quantities(doc: &Value) -> Vec<String> {
    let Some(types) = doc.get("formation").and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut out: Vec<String> = types
        .iter()
        .filter_map(|(t, spec)| Some(format!("{t}={}", spec.get("quantity")?.as_u64()?)))
        .collect();
    out.sort();
    out
}

/// `formation.TYPE.max_parallel` when above zero, else 1.
pub fn deploy_parallelism(doc: &Value, proc_type: &str) -> u64 {
    doc.get("formation")
        .and_then(|f| f.get(proc_type))
        .and_then(|spec| spec.get("max_parallel"))
        .and_then(Value::as_u64)
        .filter(|n| *n > 0)
        .unwrap_or(1)
}

/// After a release: without quantities in `formation`, `ps-can-scale APP true`; with
/// them, `ps-can-scale APP false` and `ps-set-scale APP true true TYPE=N...` (no
/// deploy of its own, the existing scale replaced).
pub fn apply(host: &dyn Host, app: &str, doc: &Value) -> Result<(), DeployError> {
    let quantities = quantities(doc);
    if quantities.is_empty() {
        return host.fire_checked("ps-can-scale", &[app, "true"]);
    }
    host.fire_checked("ps-can-scale", &[app, "false"])?;
    let mut args = vec![app, "true", "true"];
    args.extend(quantities.iter().map(String::as_str));
    host.fire_checked("ps-set-scale", &args)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::testing::FakeHost;

    #[test]
    fn quantities_and_parallelism_come_from_formation() {
        let doc: Value = serde_json::from_str(
            r#"{"formation": {"worker": {"quantity": 2, "max_parallel": 3},
                "web": {"quantity": 1}, "cron": {"max_parallel": 0}}}"#,
        )
        .expect("json");
        assert_eq!(quantities(&doc), vec!["web=1", "worker=2"]);
        assert_eq!(deploy_parallelism(&doc, "worker"), 3);
        assert_eq!(deploy_parallelism(&doc, "cron"), 1);
        assert_eq!(deploy_parallelism(&doc, "web"), 1);
        assert_eq!(deploy_parallelism(&Value::Null, "web"), 1);
        assert!(quantities(&serde_json::json!({})).is_empty());
    }

    #[test]
    fn apply_fires_ps_can_scale_then_ps_set_scale() {
        let host = FakeHost::new();
        let doc = serde_json::json!({"formation": {"web": {"quantity": 3}}});
        apply(&host, "web", &doc).expect("apply");
        apply(&host, "web", &serde_json::json!({})).expect("apply");
        assert_eq!(
            *host.fired.borrow(),
            vec![
                "ps-can-scale web false",
                "ps-set-scale web true true web=3",
                "ps-can-scale web true",
            ]
        );
    }
}

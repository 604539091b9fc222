//! Property tests: any bytes give an app.json or a one-line error, never a panic; and
//! a document the schema lets through never fails later, when its healthchecks are
//! read at deploy time.

use proptest::prelude::*;
use serde_json::{Map, Number, Value};

use super::{parse, parse_bytes};
use crate::checks::healthcheck;

/// Keys Dokku reads (so the schema's paths are reached), plus any short string.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "healthchecks", "web", "worker", "scripts", "dokku", "predeploy", "postdeploy",
            "env", "value", "required", "formation", "quantity", "max_parallel", "cron",
            "command", "schedule", "buildpacks", "url", "keywords", "type", "path", "port",
            "attempts", "timeout", "wait", "initialDelay", "uptime", "listening", "warn",
            "httpHeaders", "name", "content", "scheme",
        ])
        .prop_map(str::to_string),
        1 => ".{0,8}",
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (0u64..70_000).prop_map(Value::from),
        any::<f64>().prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,12}".prop_map(Value::String),
        prop::collection::vec(".{0,4}".prop_map(Value::String), 0..3).prop_map(Value::Array),
    ]
}

fn json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// `{"healthchecks": {"web": [...]}}` with checks of known fields and any values,
/// so every field's check is reached.
fn healthchecks_doc() -> impl Strategy<Value = Value> {
    let check = prop::collection::vec((key(), leaf()), 0..6)
        .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>()));
    prop::collection::vec(check, 0..4)
        .prop_map(|checks| serde_json::json!({ "healthchecks": { "web": checks } }))
}

proptest! {
    #![proptest_config(crate::fuzzing::config(512))]

    #[test]
    fn any_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        if let Err(err) = parse_bytes(&bytes, "app.json") {
            prop_assert!(!err.to_string().contains('\n'), "{}", err);
        }
    }

    #[test]
    fn any_text_never_panics(text in ".{0,64}") {
        let _ = parse(&text, "app.json");
    }

    #[test]
    fn what_the_schema_accepts_deploys(doc in prop_oneof![json(), healthchecks_doc()]) {
        let text = doc.to_string();
        match parse(&text, "app.json") {
            Ok(doc) => {
                let types: Vec<String> = doc
                    .get("healthchecks")
                    .and_then(Value::as_object)
                    .map(|h| h.keys().cloned().collect())
                    .unwrap_or_default();
                for proc_type in types {
                    let checks = healthcheck::for_process(&doc, &proc_type);
                    prop_assert!(checks.is_ok(), "{}: {:?}", text, checks);
                }
            }
            Err(err) => prop_assert!(!err.to_string().contains('\n'), "{}", err),
        }
    }
}

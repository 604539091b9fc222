//! The types of the `app.json` keys Dokku reads, checked before anything is built.
//!
//! Dokku decodes `app.json` into typed Go structs, so a known key of the wrong type
//! (`"healthchecks": "nope"`, `"scripts": 5`) fails the deploy there; we check the
//! same keys the same way. As in Go: unknown keys are left alone, and `null` counts
//! as absent.

use serde_json::{Map, Value};

/// The first known key of `doc` (a JSON object) whose value has the wrong type, as
/// one line naming its path: `` `scripts` must be an object, not a number ``.
pub(super) fn check(doc: &Map<String, Value>) -> Result<(), String> {
    for key in [
        "name",
        "description",
        "website",
        "repository",
        "logo",
        "success_url",
        "stack",
    ] {
        string(doc.get(key), key)?;
    }
    if let Some(words) = array(doc.get("keywords"), "keywords")? {
        for (i, word) in words.iter().enumerate() {
            string(Some(word), &format!("keywords[{i}]"))?;
        }
    }
    scripts(doc.get("scripts"))?;
    env(doc.get("env"))?;
    formation(doc.get("formation"))?;
    healthchecks(doc.get("healthchecks"))?;
    if let Some(tasks) = array(doc.get("cron"), "cron")? {
        for (i, task) in tasks.iter().enumerate() {
            let path = format!("cron[{i}]");
            if let Some(task) = object(Some(task), &path)? {
                string(task.get("command"), &format!("{path}.command"))?;
                string(task.get("schedule"), &format!("{path}.schedule"))?;
            }
        }
    }
    if let Some(packs) = array(doc.get("buildpacks"), "buildpacks")? {
        for (i, pack) in packs.iter().enumerate() {
            let path = format!("buildpacks[{i}]");
            if let Some(pack) = object(Some(pack), &path)? {
                string(pack.get("url"), &format!("{path}.url"))?;
            }
        }
    }
    Ok(())
}

fn scripts(value: Option<&Value>) -> Result<(), String> {
    let Some(scripts) = object(value, "scripts")? else {
        return Ok(());
    };
    string(scripts.get("postdeploy"), "scripts.postdeploy")?;
    if let Some(dokku) = object(scripts.get("dokku"), "scripts.dokku")? {
        string(dokku.get("predeploy"), "scripts.dokku.predeploy")?;
        string(dokku.get("postdeploy"), "scripts.dokku.postdeploy")?;
    }
    Ok(())
}

fn env(value: Option<&Value>) -> Result<(), String> {
    let Some(vars) = object(value, "env")? else {
        return Ok(());
    };
    for (name, var) in vars {
        let path = format!("env.{name}");
        match var {
            Value::Null | Value::String(_) => {}
            Value::Object(spec) => {
                for key in ["description", "value", "generator"] {
                    string(spec.get(key), &format!("{path}.{key}"))?;
                }
                boolean(spec.get("required"), &format!("{path}.required"))?;
            }
            other => return Err(wrong(&path, "a string or an object", other)),
        }
    }
    Ok(())
}

fn formation(value: Option<&Value>) -> Result<(), String> {
    let Some(types) = object(value, "formation")? else {
        return Ok(());
    };
    for (proc_type, spec) in types {
        let path = format!("formation.{proc_type}");
        let Some(spec) = object(Some(spec), &path)? else {
            continue;
        };
        for key in ["quantity", "max_parallel"] {
            count(spec.get(key), &format!("{path}.{key}"), u64::MAX)?;
        }
        for key in ["autoscaling", "service"] {
            object(spec.get(key), &format!("{path}.{key}"))?;
        }
    }
    Ok(())
}

fn healthchecks(value: Option<&Value>) -> Result<(), String> {
    let Some(types) = object(value, "healthchecks")? else {
        return Ok(());
    };
    for (proc_type, list) in types {
        let path = format!("healthchecks.{proc_type}");
        let Some(list) = array(Some(list), &path)? else {
            continue;
        };
        for (i, check) in list.iter().enumerate() {
            healthcheck(check, &format!("{path}[{i}]"))?;
        }
    }
    Ok(())
}

fn healthcheck(value: &Value, path: &str) -> Result<(), String> {
    let Some(check) = object(Some(value), path)? else {
        return Ok(());
    };
    let at = |key: &str| format!("{path}.{key}");
    for key in ["type", "name", "path", "scheme", "content"] {
        string(check.get(key), &at(key))?;
    }
    count(check.get("port"), &at("port"), u64::from(u16::MAX))?;
    count(check.get("attempts"), &at("attempts"), u64::from(u32::MAX))?;
    for key in ["timeout", "wait", "initialDelay", "uptime"] {
        count(check.get(key), &at(key), u64::MAX)?;
    }
    for key in ["listening", "warn"] {
        boolean(check.get(key), &at(key))?;
    }
    if let Some(words) = array(check.get("command"), &at("command"))? {
        for (i, word) in words.iter().enumerate() {
            string(Some(word), &format!("{}[{i}]", at("command")))?;
        }
    }
    if let Some(headers) = array(check.get("httpHeaders"), &at("httpHeaders"))? {
        for (i, header) in headers.iter().enumerate() {
            let path = format!("{}[{i}]", at("httpHeaders"));
            if let Some(header) = object(Some(header), &path)? {
                string(header.get("name"), &format!("{path}.name"))?;
                string(header.get("value"), &format!("{path}.value"))?;
            }
        }
    }
    Ok(())
}

fn object<'v>(
    value: Option<&'v Value>,
    path: &str,
) -> Result<Option<&'v Map<String, Value>>, String> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(map)) => Ok(Some(map)),
        Some(other) => Err(wrong(path, "an object", other)),
    }
}

fn array<'v>(value: Option<&'v Value>, path: &str) -> Result<Option<&'v Vec<Value>>, String> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => Ok(Some(items)),
        Some(other) => Err(wrong(path, "an array", other)),
    }
}

fn string(value: Option<&Value>, path: &str) -> Result<(), String> {
    match value {
        None | Some(Value::Null | Value::String(_)) => Ok(()),
        Some(other) => Err(wrong(path, "a string", other)),
    }
}

fn boolean(value: Option<&Value>, path: &str) -> Result<(), String> {
    match value {
        None | Some(Value::Null | Value::Bool(_)) => Ok(()),
        Some(other) => Err(wrong(path, "true or false", other)),
    }
}

/// A whole number from 0 to `max`.
fn count(value: Option<&Value>, path: &str, max: u64) -> Result<(), String> {
    match value {
        None | Some(Value::Null) => Ok(()),
        Some(Value::Number(n)) if n.as_u64().is_some_and(|n| n <= max) => Ok(()),
        Some(other) => Err(wrong(
            path,
            &format!("a whole number from 0 to {max}"),
            other,
        )),
    }
}

fn wrong(path: &str, expected: &str, found: &Value) -> String {
    let found = match found {
        Value::Null => "null".to_string(),
        Value::Bool(b) => format!("{b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(_) => "a string".to_string(),
        Value::Array(_) => "an array".to_string(),
        Value::Object(_) => "an object".to_string(),
    };
    format!("`{}` must be {expected}, not {found}", printable(path))
}

/// Keys come from the file: escape control characters so the message stays one
/// printable line.
fn printable(text: &str) -> String {
    crate::text::printable(text, None, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_text(text: &str) -> Result<(), String> {
        let doc: Value = serde_json::from_str(text).expect("json");
        check(doc.as_object().expect("object"))
    }

    #[test]
    fn the_documented_shapes_pass() {
        check_text(
            r#"{
              "name": "app", "keywords": ["a"], "description": null,
              "scripts": {"dokku": {"predeploy": "make", "postdeploy": "x"}, "postdeploy": "y", "pr-predestroy": "z"},
              "env": {"A": "1", "B": {"description": "d", "value": "v", "required": true, "generator": "secret"}, "C": null},
              "formation": {"web": {"quantity": 2, "max_parallel": 1, "autoscaling": {"min_quantity": 1}}},
              "healthchecks": {"web": [
                {"type": "startup", "name": "n", "path": "/", "attempts": 3, "timeout": 5, "wait": 1,
                 "initialDelay": 0, "port": 5000, "content": "ok", "httpHeaders": [{"name": "X", "value": "y"}],
                 "onFailure": {"command": ["x"]}},
                {"command": ["ls", "-l"], "listening": false, "uptime": 10, "warn": true, "path": null}
              ], "worker": []},
              "cron": [{"command": "true", "schedule": "@daily", "concurrency": "forbid"}],
              "buildpacks": [{"url": "https://x"}],
              "addons": ["heroku-postgresql"], "x-unknown": {"anything": [1, 2]}
            }"#,
        )
        .expect("valid");
        check_text("{}").expect("empty");
    }

    #[test]
    fn wrong_types_name_their_path() {
        let cases = [
            (r#"{"healthchecks":"nope"}"#, "`healthchecks` must be an object, not a string"),
            (r#"{"scripts":5}"#, "`scripts` must be an object, not the number 5"),
            (r#"{"scripts":{"dokku":{"predeploy":["make"]}}}"#, "`scripts.dokku.predeploy` must be a string, not an array"),
            (r#"{"healthchecks":{"web":{"path":"/"}}}"#, "`healthchecks.web` must be an array, not an object"),
            (r#"{"healthchecks":{"web":[{"attempts":"3"}]}}"#, "`healthchecks.web[0].attempts` must be a whole number from 0 to 4294967295, not a string"),
            (r#"{"healthchecks":{"web":[{"port":70000}]}}"#, "`healthchecks.web[0].port` must be a whole number from 0 to 65535, not the number 70000"),
            (r#"{"healthchecks":{"web":[{"timeout":-1}]}}"#, "`healthchecks.web[0].timeout` must be a whole number from 0 to 18446744073709551615, not the number -1"),
            (r#"{"healthchecks":{"web":[{"command":"ls"}]}}"#, "`healthchecks.web[0].command` must be an array, not a string"),
            (r#"{"formation":{"web":{"quantity":1.5}}}"#, "`formation.web.quantity` must be a whole number from 0 to 18446744073709551615, not the number 1.5"),
            (r#"{"env":{"A":5}}"#, "`env.A` must be a string or an object, not the number 5"),
            (r#"{"env":{"A":{"required":"yes"}}}"#, "`env.A.required` must be true or false, not a string"),
            (r#"{"cron":{"command":"x"}}"#, "`cron` must be an array, not an object"),
            (r#"{"keywords":[1]}"#, "`keywords[0]` must be a string, not the number 1"),
            ("{\"formation\":{\"we\\u001bb\":5}}", "`formation.we\\u{1b}b` must be an object, not the number 5"),
        ];
        for (text, expected) in cases {
            assert_eq!(check_text(text), Err(expected.to_string()), "{text}");
        }
    }
}

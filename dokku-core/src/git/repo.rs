//! The `repo` plugin's maintenance of an app's repository: `repo:gc` (an aggressive
//! `git gc` that keeps the branch heads as they were) and `repo:purge-cache` (the
//! build containers and the `cache-APP` volume removed).

use std::path::Path;

use crate::deploy::DeployError;
use crate::docker::{Call, Docker};
use crate::image::labels;
use crate::paths::Layout;
use crate::process::Cmd;

/// `repo:gc APP`: `git gc --aggressive` in the app's bare repository. The loose
/// files under `refs/heads` are written back afterwards, as Dokku does, so that a
/// `git gc` packing them never leaves the deploy branch only in `packed-refs`.
pub fn gc(layout: &Layout, app: &str) -> Result<(), DeployError> {
    let root = layout.app_root(app);
    let heads_dir = root.join("refs").join("heads");
    let heads = read_heads(&heads_dir)?;
    let result = Cmd::new("git")
        .args(["gc", "--aggressive"])
        .env("GIT_DIR", &root)
        .status();
    for (name, contents) in &heads {
        let path = heads_dir.join(name);
        crate::fs::write_atomic(&path, contents, 0o644).map_err(DeployError::io("write", &path))?;
    }
    let status = result?;
    if !status.success() {
        return Err(DeployError::fail(format!(
            "Unable to run git gc: exit status {}",
            status.code().unwrap_or(1)
        )));
    }
    Ok(())
}

fn read_heads(dir: &Path) -> Result<Vec<(String, Vec<u8>)>, DeployError> {
    let mut heads = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(heads);
    };
    for entry in entries.flatten() {
        if !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        let contents = std::fs::read(&path).map_err(DeployError::io("read", &path))?;
        heads.push((entry.file_name().to_string_lossy().into_owned(), contents));
    }
    Ok(heads)
}

/// `repo:purge-cache APP`: removes the app's build-stage containers, then the
/// `cache-APP` volume (docker's exit code on failure).
pub fn purge_cache(docker: &Docker, app: &str) -> Result<(), DeployError> {
    let ids = docker.container_ls(
        &[
            format!("label={}={app}", labels::APP_NAME),
            format!("label={}=build", labels::IMAGE_STAGE),
        ],
        true,
    );
    if !ids.is_empty() {
        docker.container_rm_force(&ids);
    }
    let call = Call::new(["volume", "rm", "-f", &format!("cache-{app}")]);
    let result = docker.run(&call)?;
    if result.code != 0 {
        return Err(DeployError::Fail {
            message: format!(
                "failed to purge cache, exit code {}: {}",
                result.code,
                result.stderr.trim()
            ),
            code: result.code,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gc_keeps_loose_heads() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let vars: crate::settings::EnvMap = [(
            crate::env::DOKKU_ROOT.to_string(),
            tmp.path().display().to_string(),
        )]
        .into_iter()
        .collect();
        let layout = Layout::from_env(&vars);
        let root = layout.app_root("web");
        Cmd::new("git")
            .args(["init", "-q", "--bare"])
            .arg(&root)
            .read()
            .expect("git init");
        let heads = root.join("refs/heads");
        std::fs::create_dir_all(&heads).expect("mkdir");
        // An unreachable id: gc must not fail on it, and must leave the file alone.
        std::fs::write(heads.join("master"), "0123\n").expect("write");
        let _ = gc(&layout, "web");
        assert_eq!(
            std::fs::read_to_string(heads.join("master")).expect("read"),
            "0123\n"
        );
    }
}

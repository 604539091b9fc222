//! Image names and tags, as Dokku computes them.
//!
//! An app's images live in the repository `dokku/<app>`; builds produce `:latest`,
//! deploys use the tag a plugin reports through `deployed-app-image-tag`.
//!
//! | Piece | What it does |
//! |---|---|
//! | [`labels`] | the `com.dokku.*` label keys and filters |
//! | [`copy`] | `copy_from_image` / `copy_dir_from_image`: files out of an image via a labelled temporary container |

pub mod copy;
pub mod labels;

pub use copy::{copy_dir_from_image, copy_from_image, CopyError, CopyRequest};

use crate::process::Cmd;

/// `get_app_image_repo`: `dokku/<app>`.
pub fn app_image_repo(app: &str) -> String {
    format!("dokku/{app}")
}

/// `get_app_image_name` without verification: `<repo>:<tag>`, tag default `latest`,
/// repo default [`app_image_repo`].
pub fn app_image_name(app: &str, tag: Option<&str>, repo: Option<&str>) -> String {
    let repo = repo
        .filter(|r| !r.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| app_image_repo(app));
    let tag = tag.filter(|t| !t.is_empty()).unwrap_or("latest");
    format!("{repo}:{tag}")
}

/// `get_running_image_tag`: the tag a plugin reports wins, then the given tag, then
/// `latest`.
pub fn running_image_tag(reported: Option<&str>, tag: Option<&str>) -> String {
    reported
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .or(tag.filter(|t| !t.is_empty()))
        .unwrap_or("latest")
        .to_string()
}

/// `get_deploying_app_image_name` without verification: `<remote><repo>:<tag>`.
pub fn deploying_image_name(
    app: &str,
    remote: &str,
    repo_override: Option<&str>,
    tag: &str,
) -> String {
    let repo = repo_override
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| app_image_repo(app));
    format!("{}{repo}:{tag}", remote.trim())
}

/// Whether `image` exists locally, asking the Docker client named by `docker_bin`.
pub fn image_exists(docker_bin: &str, image: &str) -> bool {
    Cmd::new(docker_bin)
        .args(["image", "inspect", "--format", "{{.Id}}", image])
        .read()
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_dokku() {
        assert_eq!(app_image_repo("web"), "dokku/web");
        assert_eq!(app_image_name("web", None, None), "dokku/web:latest");
        assert_eq!(
            app_image_name("web", Some("v2"), Some("my/repo")),
            "my/repo:v2"
        );
        assert_eq!(running_image_tag(Some("\n"), Some("t")), "t");
        assert_eq!(running_image_tag(Some("v9\n"), Some("t")), "v9");
        assert_eq!(running_image_tag(None, None), "latest");
        assert_eq!(
            deploying_image_name("web", "reg.local/", None, "v1"),
            "reg.local/dokku/web:v1"
        );
    }
}

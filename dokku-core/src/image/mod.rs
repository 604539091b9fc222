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

/// Where `fn-verify-app-image` fetches a missing image from: the reference to pull,
/// and the local name to tag it as afterwards (`None` when the pulled reference is the
/// image itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullPlan {
    /// The reference given to `docker image pull`.
    pub pull: String,
    /// The name the pulled image is tagged with, if it differs.
    pub tag_as: Option<String>,
}

/// Plans the registry pull of `image` for an app that deploys from `remote` (the
/// `deployed-app-repository` prefix, e.g. `registry.example.com/`) and, if a plugin
/// names one, `deployed_repo` (`deployed-app-image-repo`). An image already named
/// after the deployed repository is pulled as it is; any other is pulled from the
/// registry under the same tag and tagged back to its local name.
pub fn registry_pull_plan(image: &str, remote: &str, deployed_repo: &str) -> PullPlan {
    let (repo, tag) = match image.rsplit_once(':') {
        // A colon inside the last path segment separates the tag; one before a `/`
        // belongs to a registry host and port.
        Some((repo, tag)) if !tag.contains('/') => (repo, tag),
        _ => (image, ""),
    };
    let remote = remote.trim();
    let deployed_repo = deployed_repo.trim();
    if !deployed_repo.is_empty() && image.starts_with(&format!("{remote}{deployed_repo}:")) {
        return PullPlan {
            pull: image.to_string(),
            tag_as: None,
        };
    }
    let source_repo = if deployed_repo.is_empty() {
        repo
    } else {
        deployed_repo
    };
    let pull = format!("{remote}{source_repo}:{tag}");
    let tag_as = (pull != image).then(|| image.to_string());
    PullPlan { pull, tag_as }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_pull_plans() {
        // Deployed repository: pulled under its own name.
        assert_eq!(
            registry_pull_plan("reg.io/team/web:3", "reg.io/", "team/web"),
            PullPlan {
                pull: "reg.io/team/web:3".into(),
                tag_as: None
            }
        );
        // Local name: pulled from the registry, tagged back.
        assert_eq!(
            registry_pull_plan("dokku/web:3", "reg.io/", ""),
            PullPlan {
                pull: "reg.io/dokku/web:3".into(),
                tag_as: Some("dokku/web:3".into())
            }
        );
        assert_eq!(
            registry_pull_plan("dokku/web:3", "reg.io/", "team/web"),
            PullPlan {
                pull: "reg.io/team/web:3".into(),
                tag_as: Some("dokku/web:3".into())
            }
        );
        // No remote and no deployed repository: the image itself.
        assert_eq!(
            registry_pull_plan("dokku/web:3", "", ""),
            PullPlan {
                pull: "dokku/web:3".into(),
                tag_as: None
            }
        );
    }

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

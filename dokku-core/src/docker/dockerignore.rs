//! `.dockerignore`: which context paths a build leaves out.
//!
//! A stand-in with the interface the real matcher keeps: only exact path matches
//! (after trimming `/` and `./`), no patterns and no `!` exceptions. The integrator's
//! full matcher replaces this file at merge.

/// The rules of one `.dockerignore` file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DockerIgnore {
    paths: Vec<String>,
}

impl DockerIgnore {
    /// Parses a .dockerignore file's text.
    pub fn parse(text: &str) -> DockerIgnore {
        let paths = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with('!'))
            .map(|l| {
                let l = l.trim_start_matches("./").trim_matches('/');
                l.to_string()
            })
            .filter(|l| !l.is_empty())
            .collect();
        DockerIgnore { paths }
    }

    /// Whether the context-relative path (`/`-separated, no leading `./`) is left out.
    pub fn excludes(&self, path: &str) -> bool {
        // A listed directory leaves out everything under it, as in Docker.
        self.paths.iter().any(|p| {
            path == p
                || path
                    .strip_prefix(p.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
        })
    }

    /// Whether nothing under the directory `path` can be sent (no `!` exception reaches
    /// into it), so the walk may skip it.
    pub fn skips_dir(&self, path: &str) -> bool {
        self.excludes(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_names_and_their_contents_are_excluded() {
        let ignore = DockerIgnore::parse("# comment\nsecret.txt\n./logs/\n");
        assert!(ignore.excludes("secret.txt"));
        assert!(ignore.excludes("logs/a.log"));
        assert!(ignore.skips_dir("logs"));
        assert!(!ignore.excludes("secret.txt.bak"));
        assert!(!ignore.excludes("logsx"));
    }
}

//! `.dockerignore`: which files of a build context are left out of what is sent to
//! the engine, with the Docker CLI's rules.
//!
//! - One pattern per line; blank lines and lines starting with `#` are skipped, and
//!   the rest is trimmed.
//! - A pattern is cleaned as a path (`./a/`, `/a` and `a/b/..` become `a`) and matched
//!   against the whole context-relative path, and against each of its parent
//!   directories: `node_modules` leaves out everything below it.
//! - `*` is any run of characters but `/`, `?` one character but `/`, `[a-z]` and
//!   `[^a-z]` a class, `\` escapes the next character; `**` is any number of whole
//!   directories (`**/x`, `a/**/x`), and a trailing `**` everything below.
//! - A line starting with `!` is an exception: the last pattern that matches decides.
//!
//! Checked by hand against the Docker CLI 28 (`docker build` of a `COPY . /ctx` image
//! and `find /ctx`): for a context exercising each rule above (`node_modules`, `**/*.go`
//! with an exception, an excluded directory with an exception inside, `*.md` with
//! `!README.md`, classes, `a+b`, `*/temp*`), the same files were sent.

/// A parsed `.dockerignore`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DockerIgnore {
    patterns: Vec<Pattern>,
}

/// One line: its cleaned text (for the directory-skip rule) and its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pattern {
    exception: bool,
    cleaned: String,
    tokens: Vec<Token>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// One character, itself.
    Char(char),
    /// `?`: one character but `/`.
    One,
    /// `*`: any run of characters but `/`.
    Star,
    /// `**` (or `**/`) before more of the pattern: any number of whole directories.
    Dirs,
    /// A `**` that ends the pattern: anything at all.
    Rest,
    /// `[...]`: one character (never `/`) in (or, negated, not in) the ranges.
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

impl DockerIgnore {
    /// Parses a .dockerignore file's text.
    pub fn parse(text: &str) -> DockerIgnore {
        let patterns = text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .filter_map(|line| {
                let (exception, body) = match line.strip_prefix('!') {
                    Some(rest) => (true, rest.trim()),
                    None => (false, line),
                };
                let cleaned = clean(body);
                if cleaned.is_empty() {
                    return None;
                }
                let tokens = tokenize(&cleaned);
                Some(Pattern {
                    exception,
                    cleaned,
                    tokens,
                })
            })
            .collect();
        DockerIgnore { patterns }
    }

    /// Whether the context-relative path (`/`-separated, no leading `./`) is left out.
    pub fn excludes(&self, path: &str) -> bool {
        let path = clean(path);
        let parents: Vec<&str> = parent_prefixes(&path).collect();
        let mut excluded = false;
        for pattern in &self.patterns {
            // An exclusion cannot change an excluded path, nor an exception a kept one.
            if pattern.exception != excluded {
                continue;
            }
            let hit = matches(&pattern.tokens, &path)
                || parents.iter().any(|p| matches(&pattern.tokens, p));
            if hit {
                excluded = !pattern.exception;
            }
        }
        excluded
    }

    /// Whether nothing under the directory `path` can be sent (no `!` exception reaches
    /// into it), so the walk may skip it.
    ///
    /// As in the Docker CLI, an exception "reaches into" the directory when its cleaned
    /// text starts with `path/`; an exception such as `!**/keep` does not bring back a
    /// file below an excluded directory there either.
    pub fn skips_dir(&self, path: &str) -> bool {
        if !self.excludes(path) {
            return false;
        }
        let prefix = format!("{}/", clean(path));
        !self
            .patterns
            .iter()
            .any(|p| p.exception && format!("{}/", p.cleaned).starts_with(&prefix))
    }
}

/// The prefixes naming each parent directory of `path`: `a`, `a/b` for `a/b/c`.
fn parent_prefixes(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('/').map(move |(i, _)| &path[..i])
}

/// Cleans a pattern or path as Go's `filepath.Clean` does, then drops a leading `/`:
/// empty and `.` parts go, `..` removes the part before it (and stays at the start
/// of a relative path). `.` alone becomes the empty string.
fn clean(text: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let rooted = text.starts_with('/');
    for part in text.split('/') {
        match part {
            "" | "." => {}
            ".." => match parts.last() {
                Some(&last) if last != ".." => {
                    parts.pop();
                }
                // `/..` is `/`; a relative path keeps its leading `..`.
                _ if rooted => {}
                _ => parts.push(".."),
            },
            name => parts.push(name),
        }
    }
    parts.join("/")
}

/// The tokens of a cleaned pattern; runs that mean the same as one token (`**/**/`,
/// `**` before the `**` that ends the pattern) are merged, so a line of many `**/`
/// is one token.
fn tokenize(pattern: &str) -> Vec<Token> {
    let mut merged: Vec<Token> = Vec::new();
    for token in raw_tokens(pattern) {
        match (merged.last(), &token) {
            // Any number of directories twice is any number of directories; `*` twice
            // is `*`.
            (Some(Token::Dirs), Token::Dirs) | (Some(Token::Star), Token::Star) => {}
            // Anything at all after any number of directories is anything at all.
            (Some(Token::Dirs), Token::Rest) => {
                merged.pop();
                merged.push(Token::Rest);
            }
            _ => merged.push(token),
        }
    }
    merged
}

fn raw_tokens(pattern: &str) -> Vec<Token> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '*' if chars.get(i + 1) == Some(&'*') => {
                i += 2;
                if chars.get(i) == Some(&'/') {
                    i += 1;
                }
                tokens.push(if i >= chars.len() {
                    Token::Rest
                } else {
                    Token::Dirs
                });
                continue;
            }
            '*' => tokens.push(Token::Star),
            '?' => tokens.push(Token::One),
            '\\' => {
                // A trailing `\` matches itself.
                let c = chars.get(i + 1).copied().unwrap_or('\\');
                tokens.push(Token::Char(c));
                i += 1;
            }
            '[' => {
                if let Some((class, next)) = class(&chars, i + 1) {
                    tokens.push(class);
                    i = next;
                    continue;
                }
                // An unclosed `[` matches itself.
                tokens.push(Token::Char('['));
            }
            c => tokens.push(Token::Char(c)),
        }
        i += 1;
    }
    tokens
}

/// Reads a class starting after its `[`; returns it and the index after its `]`, or
/// `None` when it never closes.
fn class(chars: &[char], start: usize) -> Option<(Token, usize)> {
    let mut i = start;
    let negated = chars.get(i) == Some(&'^');
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    let mut first = true;
    loop {
        let mut c = *chars.get(i)?;
        if c == ']' && !first {
            return Some((Token::Class { negated, ranges }, i + 1));
        }
        first = false;
        if c == '\\' {
            i += 1;
            c = *chars.get(i)?;
        }
        i += 1;
        let mut hi = c;
        if chars.get(i) == Some(&'-') && chars.get(i + 1).is_some_and(|&n| n != ']') {
            hi = chars[i + 1];
            i += 2;
            if hi == '\\' {
                hi = *chars.get(i)?;
                i += 1;
            }
        }
        ranges.push((c, hi));
    }
}

/// Whether `tokens` match the whole of `text`.
///
/// The pusher writes `.dockerignore`, so neither a long line nor many wildcards may
/// cost more than the path does: instead of backtracking (one stack frame per token,
/// which a line of 100k `**/` overflowed), this walks the tokens once, keeping the set
/// of text positions the tokens so far can end at. That is tokens × characters steps
/// at most, with one position set of the path's length, and no recursion.
fn matches(tokens: &[Token], text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    // Every token but the zero-width ones takes one character: a pattern needing more
    // characters than the path has cannot match, however long it is.
    let needed = tokens
        .iter()
        .filter(|t| !matches!(t, Token::Star | Token::Dirs | Token::Rest))
        .count();
    if needed > chars.len() {
        return false;
    }
    // `ends[i]`: the tokens so far can match exactly `chars[..i]`.
    let mut ends = vec![false; chars.len() + 1];
    ends[0] = true;
    for token in tokens {
        match token {
            Token::Rest => return true,
            Token::Star => {
                // Grows each end over the characters that follow it, up to a `/`.
                for i in 1..=chars.len() {
                    ends[i] |= ends[i - 1] && chars[i - 1] != '/';
                }
            }
            Token::Dirs => {
                // Zero directories, or any prefix from an end that stops after a `/`.
                let mut reached = false;
                for i in 1..=chars.len() {
                    reached |= ends[i - 1];
                    ends[i] |= reached && chars[i - 1] == '/';
                }
            }
            one => {
                // One character: each end moves on by one where the character fits.
                for i in (1..=chars.len()).rev() {
                    ends[i] = ends[i - 1] && one.takes(chars[i - 1]);
                }
                ends[0] = false;
            }
        }
        if !ends.contains(&true) {
            return false;
        }
    }
    ends[chars.len()]
}

impl Token {
    /// Whether this one-character token takes `c`; the zero-width tokens take none.
    fn takes(&self, c: char) -> bool {
        match self {
            Token::Char(want) => c == *want,
            Token::One => c != '/',
            Token::Class { negated, ranges } => {
                let inside = ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi);
                c != '/' && inside != *negated
            }
            Token::Star | Token::Dirs | Token::Rest => false,
        }
    }
}

#[cfg(test)]
mod fuzz;

#[cfg(test)]
mod tests {
    use super::*;

    fn ignore(text: &str) -> DockerIgnore {
        DockerIgnore::parse(text)
    }

    #[test]
    fn comments_blank_lines_and_spaces_are_skipped() {
        let di = ignore("# a comment\n\n   \n  secret.txt  \n");
        assert!(di.excludes("secret.txt"));
        assert!(!di.excludes("# a comment"));
        assert!(!di.excludes("other"));
    }

    #[test]
    fn a_name_leaves_out_the_file_and_everything_below_the_directory() {
        let di = ignore("node_modules\n");
        assert!(di.excludes("node_modules"));
        assert!(di.excludes("node_modules/a/b.js"));
        assert!(
            !di.excludes("src/node_modules"),
            "only at the root, as in Docker"
        );
        assert!(!di.excludes("node_modules_old"));
    }

    #[test]
    fn patterns_are_cleaned_like_paths() {
        for line in ["./tmp", "/tmp", "tmp/", "a/../tmp", "tmp/."] {
            assert!(ignore(line).excludes("tmp/x"), "{line}");
        }
        assert!(!ignore("../tmp").excludes("tmp"));
        assert_eq!(ignore(".\n/\n"), DockerIgnore::default());
    }

    #[test]
    fn star_and_question_mark_stay_within_one_directory() {
        let di = ignore("*.log\nsrc/?.tmp\n");
        assert!(di.excludes("debug.log"));
        assert!(!di.excludes("logs/debug.log"), "`*` does not cross `/`");
        assert!(di.excludes("src/a.tmp"));
        assert!(!di.excludes("src/ab.tmp"));
        assert!(ignore("*/temp*").excludes("a/temporary"));
        assert!(!ignore("*/temp*").excludes("a/b/temporary"));
    }

    #[test]
    fn double_star_is_any_number_of_directories() {
        let di = ignore("**/*.go\n");
        assert!(di.excludes("main.go"));
        assert!(di.excludes("a/b/c.go"));
        assert!(!di.excludes("a/b/c.rs"));
        let mid = ignore("a/**/z\n");
        assert!(mid.excludes("a/z"));
        assert!(mid.excludes("a/b/c/z"));
        assert!(!mid.excludes("b/z"));
        assert!(ignore("cache/**").excludes("cache/x/y"));
        assert!(ignore("**").excludes("anything/at/all"));
    }

    #[test]
    fn classes_and_escapes() {
        let di = ignore("file[0-9].txt\n[^a]x\n\\*literal\n");
        assert!(di.excludes("file7.txt"));
        assert!(!di.excludes("filex.txt"));
        assert!(di.excludes("bx"));
        assert!(!di.excludes("ax"));
        assert!(di.excludes("*literal"));
        assert!(!di.excludes("xliteral"));
        assert!(
            ignore("[").excludes("["),
            "an unclosed class is a character"
        );
        assert!(ignore("a+b").excludes("a+b"), "no regex syntax");
    }

    #[test]
    fn the_last_matching_pattern_decides() {
        let di = ignore("*.md\n!README.md\nREADME*.md\n");
        assert!(di.excludes("CHANGES.md"));
        assert!(di.excludes("README.md"), "excluded again by the third line");
        let keep = ignore("*.md\n!README.md\n");
        assert!(!keep.excludes("README.md"));
        assert!(keep.excludes("other.md"));
    }

    #[test]
    fn an_exception_inside_an_excluded_directory_keeps_the_walk_going() {
        let di = ignore("docs\n!docs/keep.md\n");
        assert!(di.excludes("docs/other.md"));
        assert!(!di.excludes("docs/keep.md"));
        assert!(!di.skips_dir("docs"));
        assert!(ignore("docs\n").skips_dir("docs"));
        assert!(!ignore("docs\n").skips_dir("src"), "not excluded at all");
        assert!(
            ignore("docs\n!**/keep.md\n").skips_dir("docs"),
            "as in Docker, only an exception naming the directory reaches into it"
        );
    }

    #[test]
    fn runs_of_double_stars_are_one_token() {
        assert_eq!(tokenize("**/**/**/x"), tokenize("**/x"));
        assert_eq!(tokenize("a/**/**"), tokenize("a/**"));
        assert_eq!(tokenize(&"**/".repeat(1000)), [Token::Rest]);
        let di = ignore("**/**/*.go\n");
        assert!(di.excludes("main.go"));
        assert!(di.excludes("a/b/c.go"));
        assert!(!di.excludes("a/b/c.rs"));
    }

    /// The pusher writes `.dockerignore`: lines of 100k characters are matched in
    /// time and without running out of stack (a backtracking matcher recursed once per
    /// token and aborted the deploy).
    #[test]
    fn very_long_lines_match_quickly_and_safely() {
        let started = std::time::Instant::now();
        let path = vec!["a"; 200].join("/");
        let dirs = ignore(&"**/".repeat(100_000));
        assert!(dirs.excludes(&path));
        assert!(dirs.excludes("x"));
        let dirs_then_name = ignore(&format!("{}x", "**/".repeat(100_000)));
        assert!(dirs_then_name.excludes("a/b/x"));
        assert!(!dirs_then_name.excludes("a/b/y"));
        let literal = ignore(&"a".repeat(100_000));
        assert!(!literal.excludes(&path));
        assert!(!literal.excludes(&"a".repeat(5000)));
        let stars = ignore(&format!("{}b", "*a".repeat(50_000)));
        assert!(!stars.excludes(&"a".repeat(4000)));
        let odd_stars = ignore(&"*".repeat(100_001));
        assert!(odd_stars.excludes("anything"));
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn paths_are_cleaned_before_matching() {
        let di = ignore("a/b\n");
        assert!(di.excludes("./a/b"));
        assert!(di.excludes("a//b/c"));
    }
}

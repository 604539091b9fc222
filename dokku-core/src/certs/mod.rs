//! TLS certificates (the `certs` plugin): `$DOKKU_ROOT/APP/tls/server.crt` and
//! `server.key` (directory `0750`, files `0640`). An app with both serves https.
//!
//! Every certificate is checked with `openssl` before it is installed: it must be a
//! PEM certificate, the key a PEM private key without a passphrase, and the key must
//! be the certificate's (their public keys are compared). A refused pair changes
//! nothing. After an install `post-certs-update APP` and `post-domains-update APP`
//! fire (the nginx config is rebuilt); after a removal `post-certs-remove APP`.

#[cfg(test)]
mod tar;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use thiserror::Error;

use crate::deploy::{DeployError, Host};
use crate::log::Level;
use crate::paths::Layout;
use crate::process::Cmd;
use crate::report::Report;

/// The plugin name.
pub const PLUGIN: &str = "certs";

/// Why a certificate was refused; the texts are Dokku's where Dokku has one.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum CertsError {
    /// A file named on the command line does not exist.
    #[error("{which} file specified not found, please check file paths")]
    FileNotFound {
        /// `CRT` or `KEY`.
        which: &'static str,
    },
    /// Neither files nor a tar archive were given.
    #[error("Tar archive containing server.crt and server.key expected on stdin")]
    TarExpected,
    /// The archive is refused before anything is read from it.
    #[error(transparent)]
    Archive(crate::archive::ArchiveError),
    /// Stdin is not a tar archive.
    #[error("stdin is not a tar archive; expected one containing server.crt and server.key")]
    NotTar,
    /// The archive lacks a `.crt` or `.key` file.
    #[error("Tar archive is missing .{ext} file")]
    TarMissing {
        /// `crt` or `key`.
        ext: &'static str,
    },
    /// The archive has several.
    #[error("Tar archive contains more than one .{ext} file")]
    TarTooMany {
        /// `crt` or `key`.
        ext: &'static str,
    },
    /// The certificate cannot be read.
    #[error("The certificate is not a PEM encoded X.509 certificate: {detail}")]
    BadCert {
        /// What openssl said.
        detail: String,
    },
    /// The key cannot be read.
    #[error("The key is not an unencrypted PEM encoded private key: {detail}")]
    BadKey {
        /// What openssl said.
        detail: String,
    },
    /// The key is not the certificate's.
    #[error("The certificate does not match the private key")]
    Mismatch,
    /// `certs:remove` on an app without a certificate.
    #[error("An app-specific SSL endpoint is not defined")]
    NotDefined,
    /// An invalid domain for `certs:generate`.
    #[error("{domain} is invalid. exiting...")]
    InvalidDomain {
        /// The name given.
        domain: String,
    },
    /// openssl could not be run.
    #[error("openssl failed: {0}")]
    Openssl(String),
}

impl From<CertsError> for DeployError {
    fn from(err: CertsError) -> DeployError {
        DeployError::fail(err.to_string())
    }
}

/// `$DOKKU_ROOT/APP/tls`.
pub fn tls_dir(layout: &Layout, app: &str) -> PathBuf {
    layout.app_root(app).join("tls")
}

/// Whether the app has both `server.crt` and `server.key` (`is_ssl_enabled`).
pub fn is_enabled(layout: &Layout, app: &str) -> bool {
    let dir = tls_dir(layout, app);
    dir.join("server.crt").is_file() && dir.join("server.key").is_file()
}

/// Runs `openssl ARGS` with `input` on stdin; stdout on success, the first line of
/// stderr otherwise.
fn openssl(args: &[&str], input: Option<&[u8]>) -> Result<String, String> {
    let cmd = Cmd::new("openssl").args(args);
    let stdin = if input.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    };
    let mut child = cmd
        .spawn(stdin, Stdio::piped(), Stdio::piped())
        .map_err(|e| e.to_string())?;
    if let (Some(mut pipe), Some(bytes)) = (child.stdin.take(), input) {
        // Inputs are a few kilobytes; openssl reads them all before writing.
        let _ = pipe.write_all(bytes);
    }
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let first = stderr
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("unknown error")
            .trim()
            .to_string();
        Err(first)
    }
}

/// A certificate and its key, as bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertPair {
    /// The PEM certificate (a chain may follow it).
    pub crt: Vec<u8>,
    /// The PEM private key.
    pub key: Vec<u8>,
}

impl CertPair {
    /// Reads `certs:add APP CRT KEY`'s files.
    pub fn from_files(crt: &Path, key: &Path) -> Result<CertPair, CertsError> {
        let crt = std::fs::read(crt).map_err(|_| CertsError::FileNotFound { which: "CRT" })?;
        let key = std::fs::read(key).map_err(|_| CertsError::FileNotFound { which: "KEY" })?;
        Ok(CertPair { crt, key })
    }

    /// Takes the one `*.crt` and the one `*.key` out of a tar archive.
    pub fn from_tar(bytes: &[u8]) -> Result<CertPair, CertsError> {
        if bytes.is_empty() {
            return Err(CertsError::TarExpected);
        }
        let entries = crate::archive::tar::read_entries(&mut &bytes[..], true)
            .map_err(|_| CertsError::NotTar)?;
        crate::archive::check_tar_entries(&entries, &crate::archive::Limits::default())
            .map_err(CertsError::Archive)?;
        let entries: Vec<_> = entries
            .into_iter()
            .filter(|e| e.kind == crate::archive::EntryKind::File)
            .collect();
        let pick = |ext: &'static str| -> Result<Vec<u8>, CertsError> {
            let mut found = entries.iter().filter(|e| {
                let base = e.name.rsplit('/').next().unwrap_or(&e.name);
                base.ends_with(&format!(".{ext}")) && !base.starts_with("._")
            });
            let first = found.next().ok_or(CertsError::TarMissing { ext })?;
            if found.next().is_some() {
                return Err(CertsError::TarTooMany { ext });
            }
            Ok(first.data.clone())
        };
        Ok(CertPair {
            crt: pick("crt")?,
            key: pick("key")?,
        })
    }

    /// Checks with openssl that the certificate and key are readable and belong
    /// together.
    pub fn verify(&self) -> Result<(), CertsError> {
        let from_crt = openssl(&["x509", "-noout", "-pubkey"], Some(&self.crt))
            .map_err(|detail| CertsError::BadCert { detail })?;
        let from_key = openssl(&["pkey", "-pubout", "-passin", "pass:"], Some(&self.key))
            .map_err(|detail| CertsError::BadKey { detail })?;
        if from_crt.trim() != from_key.trim() {
            return Err(CertsError::Mismatch);
        }
        Ok(())
    }
}

fn install_files(layout: &Layout, app: &str, files: &[(&str, &[u8])]) -> Result<(), DeployError> {
    use std::os::unix::fs::PermissionsExt;
    let dir = tls_dir(layout, app);
    std::fs::create_dir_all(&dir).map_err(DeployError::io("create", &dir))?;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o750))
        .map_err(DeployError::io("chmod", &dir))?;
    for (name, bytes) in files {
        let path = dir.join(name);
        crate::fs::write_atomic(&path, bytes, 0o640).map_err(DeployError::io("write", &path))?;
    }
    // Run as root (`dokku plugin:trigger certs-set`), the files belong to the app's
    // owner at once: nginx, reloaded before the trigger chain ends, runs as that user.
    if crate::ownership::effective_uid() == Some(0) {
        use std::os::unix::fs::MetadataExt;
        let owner =
            std::fs::metadata(layout.app_root(app)).map_err(DeployError::io("stat", &dir))?;
        for path in std::iter::once(dir.clone()).chain(files.iter().map(|(n, _)| dir.join(n))) {
            std::os::unix::fs::lchown(&path, Some(owner.uid()), Some(owner.gid()))
                .map_err(DeployError::io("chown", &path))?;
        }
    }
    Ok(())
}

/// `certs:add` / `certs:update`: verifies and installs `pair`, then fires
/// `post-certs-update APP` and `post-domains-update APP`.
pub fn add(host: &dyn Host, app: &str, pair: &CertPair) -> Result<(), DeployError> {
    pair.verify()?;
    host.log(Level::Info1, &format!("Adding certificate to {app}..."));
    install_files(
        host.layout(),
        app,
        &[("server.crt", &pair.crt), ("server.key", &pair.key)],
    )?;
    host.fire_checked("post-certs-update", &[app])?;
    host.fire_checked("post-domains-update", &[app])
}

/// `certs:generate APP DOMAIN`: a 2048-bit RSA key, a CSR and a self-signed
/// certificate for DOMAIN valid 365 days; DOMAIN is added to the app's domains.
pub fn generate(host: &dyn Host, app: &str, domain: &str) -> Result<(), DeployError> {
    if domain.is_empty() || domain == "_" || !crate::domains::is_valid(domain) {
        return Err(CertsError::InvalidDomain {
            domain: domain.to_string(),
        }
        .into());
    }
    let layout = host.layout();
    if is_enabled(layout, app) {
        host.log(
            Level::Info1,
            &format!("{app} has an SSL endpoint already defined"),
        );
        return Ok(());
    }
    // The key is generated in a private (0700), unpredictably named directory beside
    // the app's state, removed on drop whatever openssl did.
    let app_root = layout.app_root(app);
    let stage_dir = crate::fs::private_tempdir_in(&app_root, ".tls-generate-").map_err(
        DeployError::io("create a temporary directory in", &app_root),
    )?;
    let stage = stage_dir.path();
    let result = (|| {
        let key = stage.join("server.key");
        let crt = stage.join("server.crt");
        let csr = stage.join("server.csr");
        let subject = format!("/CN={domain}");
        let san = format!("subjectAltName=DNS:{domain}");
        let (key_s, crt_s, csr_s) = (
            key.display().to_string(),
            crt.display().to_string(),
            csr.display().to_string(),
        );
        host.log(Level::Info1, "Generating a self-signed certificate...");
        openssl(
            &[
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", &key_s, "-out", &crt_s,
                "-days", "365", "-subj", &subject, "-addext", &san,
            ],
            None,
        )
        .map_err(CertsError::Openssl)?;
        openssl(
            &[
                "req", "-new", "-key", &key_s, "-subj", &subject, "-out", &csr_s,
            ],
            None,
        )
        .map_err(CertsError::Openssl)?;
        let read = |p: &Path| std::fs::read(p).map_err(DeployError::io("read", p));
        Ok::<_, DeployError>((read(&crt)?, read(&key)?, read(&csr)?))
    })();
    drop(stage_dir);
    let (crt, key, csr) = result?;
    host.log(Level::Info1, "Installing certificate and key...");
    install_files(
        layout,
        app,
        &[
            ("server.crt", &crt),
            ("server.key", &key),
            ("server.csr", &csr),
        ],
    )?;
    host.log(
        Level::Verbose,
        &format!(
            "The certificate signing request is in {}",
            tls_dir(layout, app).join("server.csr").display()
        ),
    );
    host.fire_checked("post-certs-update", &[app])?;
    crate::domains::add(host, app, &[domain.to_string()])
}

/// `certs:remove APP`.
pub fn remove(host: &dyn Host, app: &str) -> Result<(), DeployError> {
    let layout = host.layout();
    if !is_enabled(layout, app) {
        return Err(CertsError::NotDefined.into());
    }
    host.log(
        Level::Info1,
        &format!("Removing SSL endpoint from {app}..."),
    );
    let dir = tls_dir(layout, app);
    std::fs::remove_dir_all(&dir).map_err(DeployError::io("remove", &dir))?;
    host.fire_checked("post-certs-remove", &[app])
}

/// What a certificate says about itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CertInfo {
    /// The subject's common name and the DNS names, sorted.
    pub hostnames: Vec<String>,
    /// The subject (RFC 2253 attributes joined with `; `).
    pub subject: String,
    /// The issuer.
    pub issuer: String,
    /// `notBefore`.
    pub starts_at: String,
    /// `notAfter`.
    pub expires_at: String,
    /// The SHA-256 fingerprint.
    pub fingerprint: String,
    /// The serial number.
    pub serial: String,
}

/// An RFC 2253 subject (last attribute first) in the certificate's own order, as
/// Dokku shows it: `C=US; ST=California; ...; CN=example.com`. Escaped commas stay
/// inside their value.
fn subject_in_certificate_order(rfc2253: &str) -> String {
    let mut rdns = Vec::new();
    let mut current = String::new();
    let mut escaped = false;
    for c in rfc2253.chars() {
        if c == ',' && !escaped {
            rdns.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
        escaped = c == '\\' && !escaped;
    }
    rdns.push(current);
    rdns.iter()
        .rev()
        .map(|r| r.trim())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Parses `openssl x509 -noout -subject -issuer -startdate -enddate -serial
/// -fingerprint -sha256 -nameopt RFC2253 -ext subjectAltName` output.
pub fn parse_info(text: &str) -> CertInfo {
    let mut info = CertInfo::default();
    let mut names = std::collections::BTreeSet::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let line = line.trim();
        if let Some(v) = line.strip_prefix("subject=") {
            let v = v.trim();
            info.subject = subject_in_certificate_order(v);
            for rdn in v.split(',') {
                if let Some(cn) = rdn.trim().strip_prefix("CN=") {
                    names.insert(cn.trim().to_string());
                }
            }
        } else if let Some(v) = line.strip_prefix("issuer=") {
            info.issuer = v.trim().replace(',', "; ");
        } else if let Some(v) = line.strip_prefix("notBefore=") {
            info.starts_at = v.trim().to_string();
        } else if let Some(v) = line.strip_prefix("notAfter=") {
            info.expires_at = v.trim().to_string();
        } else if let Some(v) = line.strip_prefix("serial=") {
            info.serial = v.trim().to_ascii_uppercase();
        } else if line.to_ascii_lowercase().starts_with("sha256 fingerprint=") {
            info.fingerprint = line
                .split_once('=')
                .map(|(_, v)| v.trim().to_ascii_uppercase())
                .unwrap_or_default();
        } else if line.contains("Subject Alternative Name") {
            if let Some(next) = lines.next() {
                for name in next.split(',') {
                    if let Some(dns) = name.trim().strip_prefix("DNS:") {
                        names.insert(dns.trim().to_string());
                    }
                }
            }
        }
    }
    info.hostnames = names.into_iter().collect();
    info
}

/// The installed certificate's details, `None` without one (or when openssl cannot
/// read it).
pub fn info(layout: &Layout, app: &str) -> Option<CertInfo> {
    if !is_enabled(layout, app) {
        return None;
    }
    let crt = tls_dir(layout, app).join("server.crt");
    let crt = crt.display().to_string();
    let text = openssl(
        &[
            "x509",
            "-noout",
            "-subject",
            "-issuer",
            "-startdate",
            "-enddate",
            "-serial",
            "-fingerprint",
            "-sha256",
            "-nameopt",
            "RFC2253",
            "-ext",
            "subjectAltName",
            "-in",
            &crt,
        ],
        None,
    )
    .ok()?;
    Some(parse_info(&text))
}

/// The host names the app's certificate covers (`get_ssl_hostnames`).
pub fn hostnames(layout: &Layout, app: &str) -> Vec<String> {
    info(layout, app).map(|i| i.hostnames).unwrap_or_default()
}

/// Whether `host` is covered by one of `names` (`*.example.com` covers one label).
pub fn covers(names: &[String], host: &str) -> bool {
    names.iter().any(|n| {
        if let Some(suffix) = n.strip_prefix("*.") {
            host.split_once('.')
                .is_some_and(|(first, rest)| !first.is_empty() && rest == suffix)
        } else {
            n == host
        }
    })
}

/// The `certs:report` flags of `app`.
pub fn report(layout: &Layout, app: &str) -> Report {
    let mut report = Report::new("ssl", app).legacy_keys(false);
    // Certificates belong to apps: the global report has no keys (Dokku's `{}`).
    if app == crate::property::GLOBAL {
        return report;
    }
    let enabled = is_enabled(layout, app);
    let info = info(layout, app).unwrap_or_default();
    let verified = if enabled {
        let crt = tls_dir(layout, app)
            .join("server.crt")
            .display()
            .to_string();
        match openssl(&["verify", "-purpose", "sslserver", &crt], None) {
            Ok(out) if out.trim_end().ends_with(": OK") => "verified by a certificate authority",
            _ => "self signed",
        }
    } else {
        ""
    };
    report
        .flag("--ssl-dir", tls_dir(layout, app).display().to_string())
        .flag("--ssl-enabled", enabled.to_string())
        .flag("--ssl-hostnames", info.hostnames.join(" "))
        .flag("--ssl-expires-at", info.expires_at)
        .flag("--ssl-fingerprint", info.fingerprint)
        .flag("--ssl-issuer", info.issuer)
        .flag("--ssl-serial", info.serial)
        .flag("--ssl-starts-at", info.starts_at)
        .flag("--ssl-subject", info.subject)
        .flag("--ssl-verified", verified);
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::testing::FakeHost;

    fn have_openssl() -> bool {
        openssl(&["version"], None).is_ok()
    }

    fn self_signed(dir: &Path, name: &str, cn: &str) -> CertPair {
        let key = dir.join(format!("{name}.key"));
        let crt = dir.join(format!("{name}.crt"));
        openssl(
            &[
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                &key.display().to_string(),
                "-out",
                &crt.display().to_string(),
                "-days",
                "1",
                "-subj",
                &format!("/CN={cn}"),
                "-addext",
                &format!("subjectAltName=DNS:{cn},DNS:www.{cn}"),
            ],
            None,
        )
        .expect("openssl req");
        CertPair::from_files(&crt, &key).expect("read")
    }

    #[test]
    fn tar_rules() {
        let pair = CertPair::from_tar(&tar::build(&[
            ("x/server.crt", b"C"),
            ("x/server.key", b"K"),
        ]))
        .expect("pair");
        assert_eq!(
            (pair.crt.as_slice(), pair.key.as_slice()),
            (&b"C"[..], &b"K"[..])
        );
        let err = |files: &[(&str, &[u8])]| {
            CertPair::from_tar(&tar::build(files))
                .expect_err("refused")
                .to_string()
        };
        assert_eq!(err(&[("a.key", b"K")]), "Tar archive is missing .crt file");
        assert_eq!(err(&[("a.crt", b"C")]), "Tar archive is missing .key file");
        assert_eq!(
            err(&[("a.crt", b"C"), ("b.crt", b"C"), ("a.key", b"K")]),
            "Tar archive contains more than one .crt file"
        );
        assert_eq!(
            CertPair::from_tar(b"").expect_err("empty").to_string(),
            "Tar archive containing server.crt and server.key expected on stdin"
        );
    }

    #[test]
    fn a_key_must_match_its_certificate() {
        if !have_openssl() {
            return;
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let a = self_signed(dir.path(), "a", "a.test");
        let b = self_signed(dir.path(), "b", "b.test");
        a.verify().expect("a matches");
        let mixed = CertPair {
            crt: a.crt.clone(),
            key: b.key.clone(),
        };
        assert_eq!(
            mixed.verify().expect_err("mismatch").to_string(),
            "The certificate does not match the private key"
        );
        let garbage = CertPair {
            crt: b"nope".to_vec(),
            key: a.key.clone(),
        };
        assert!(matches!(garbage.verify(), Err(CertsError::BadCert { .. })));

        // Installing: a refused pair changes nothing.
        let host = FakeHost::new();
        host.mkapp("web");
        assert!(add(&host, "web", &mixed).is_err());
        assert!(!is_enabled(host.layout(), "web"));
        add(&host, "web", &a).expect("add");
        assert!(is_enabled(host.layout(), "web"));
        assert_eq!(
            *host.fired.borrow(),
            ["post-certs-update web", "post-domains-update web"]
        );
        let info = info(host.layout(), "web").expect("info");
        assert_eq!(info.hostnames, ["a.test", "www.a.test"]);
        assert_eq!(info.subject, "CN=a.test");
        assert_eq!(
            subject_in_certificate_order("CN=a.test,OU=Ops,O=Expa\\, Inc,C=US"),
            "C=US; O=Expa\\, Inc; OU=Ops; CN=a.test"
        );
        assert!(!info.expires_at.is_empty() && !info.fingerprint.is_empty());
        remove(&host, "web").expect("remove");
        assert!(!is_enabled(host.layout(), "web"));
        assert!(matches!(
            remove(&host, "web"),
            Err(DeployError::Fail { .. })
        ));
    }

    #[test]
    fn generate_makes_a_matching_self_signed_pair() {
        if !have_openssl() {
            return;
        }
        let host = FakeHost::new();
        host.mkapp("web");
        assert!(generate(&host, "web", "bad_domain!").is_err());
        generate(&host, "web", "web.example.com").expect("generate");
        let dir = tls_dir(host.layout(), "web");
        let pair =
            CertPair::from_files(&dir.join("server.crt"), &dir.join("server.key")).expect("read");
        pair.verify().expect("matches");
        assert!(dir.join("server.csr").is_file());
        assert_eq!(hostnames(host.layout(), "web"), ["web.example.com"]);
        assert_eq!(
            crate::domains::app_vhosts(host.layout(), "web"),
            ["web.example.com"]
        );
    }

    #[test]
    fn wildcards_cover_one_label() {
        let names = vec!["*.example.com".to_string(), "example.org".to_string()];
        assert!(covers(&names, "a.example.com"));
        assert!(!covers(&names, "a.b.example.com"));
        assert!(!covers(&names, "example.com"));
        assert!(covers(&names, "example.org"));
    }
}

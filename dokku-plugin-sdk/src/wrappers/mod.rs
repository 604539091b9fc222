//! More typed wrappers on [`crate::Host`], one file per family of services: apps and
//! the proxy (`apps.rs`), properties (`properties.rs`), Docker (`docker.rs`) and the
//! deploy lock (`lock.rs`). Like the wrappers in `services.rs`, each is a thin layer
//! over [`crate::Host::call`] with the argument and answer conventions of
//! `docs/contracts/host-services.md`.

pub(crate) mod apps;
pub(crate) mod docker;
pub(crate) mod lock;
pub(crate) mod properties;

/// `["true"]` / `["false"]` as a `bool`.
fn yes_no(service: &str, answer: String) -> Result<bool, crate::HostError> {
    match answer.as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(crate::services::bad_answer(
            service,
            "true or false",
            &[answer],
        )),
    }
}

#[cfg(test)]
mod tests;

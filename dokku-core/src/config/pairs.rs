//! Turning `config:set` arguments (`KEY=VALUE`, optionally base64 values) into pairs.

use super::{base64, ConfigError, ConfigKey};

/// Parses `config:set` arguments into validated pairs, in the order given.
///
/// Each argument is split at its first `=` (no `=` ⇒ `Invalid env pair: <arg>`); the
/// value may be empty. With `encoded` (`--encoded`) each value is base64-decoded
/// ([`decode_value`]). Only when every argument splits and decodes are the keys checked
/// (`Invalid key name: '<K>'`), as Dokku does; no arguments ⇒
/// `At least one env pair must be given`.
pub fn parse_pairs<I, S>(args: I, encoded: bool) -> Result<Vec<(ConfigKey, String)>, ConfigError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut raw = Vec::new();
    for arg in args {
        let arg = arg.as_ref();
        let (key, value) = arg
            .split_once('=')
            .ok_or_else(|| ConfigError::InvalidPair {
                pair: arg.to_owned(),
            })?;
        let value = if encoded {
            decode_value(key, value)?
        } else {
            value.to_owned()
        };
        raw.push((key.to_owned(), value));
    }
    if raw.is_empty() {
        return Err(ConfigError::NoPairs);
    }
    raw.into_iter()
        .map(|(key, value)| Ok((ConfigKey::new(key)?, value)))
        .collect()
}

/// Decodes one `--encoded` value (Go `base64.StdEncoding`).
///
/// Errors read like Dokku's: `illegal base64 data at input byte <n> for key '<K>'`. A
/// value that decodes to non-UTF-8 bytes is refused ([`ConfigError::EncodedNotUtf8`]).
pub fn decode_value(key: &str, encoded: &str) -> Result<String, ConfigError> {
    let bytes = base64::decode(encoded).map_err(|offset| ConfigError::InvalidBase64 {
        key: key.to_owned(),
        offset,
    })?;
    String::from_utf8(bytes).map_err(|_| ConfigError::EncodedNotUtf8 {
        key: key.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(args: &[&str], encoded: bool) -> Result<Vec<(String, String)>, String> {
        parse_pairs(args, encoded)
            .map(|v| v.into_iter().map(|(k, v)| (k.into_string(), v)).collect())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn splits_at_the_first_equals_and_allows_empty_values() {
        assert_eq!(
            pairs(&["A=1", "B=x=y", "C="], false),
            Ok(vec![
                ("A".into(), "1".into()),
                ("B".into(), "x=y".into()),
                ("C".into(), String::new())
            ])
        );
    }

    #[test]
    fn errors_use_dokkus_messages() {
        assert_eq!(
            pairs(&[], false),
            Err("At least one env pair must be given".into())
        );
        assert_eq!(
            pairs(&["A=1", "NOPE"], false),
            Err("Invalid env pair: NOPE".into())
        );
        assert_eq!(
            pairs(&["A=1", "1B=2"], false),
            Err("Invalid key name: '1B'".into())
        );
        assert_eq!(pairs(&["=v"], false), Err("Invalid key name: ''".into()));
    }

    #[test]
    fn pair_errors_win_over_key_errors() {
        assert_eq!(
            pairs(&["1B=2", "NOPE"], false),
            Err("Invalid env pair: NOPE".into())
        );
    }

    #[test]
    fn encoded_values_are_decoded() {
        assert_eq!(
            pairs(&["A=aGVsbG8gd29ybGQ=", "B="], true),
            Ok(vec![
                ("A".into(), "hello world".into()),
                ("B".into(), String::new())
            ])
        );
        assert_eq!(
            pairs(&["A=Zm9v!"], true),
            Err("illegal base64 data at input byte 4 for key 'A'".into())
        );
        assert_eq!(
            pairs(&["A=/w=="], true),
            Err("decoded value for key 'A' is not valid UTF-8".into())
        );
    }
}

//! Bearer secrets (session tokens, API tokens, OAuth `state`): 256 random
//! bits, URL-safe, with a prefix that says what they are (so a leaked one is
//! recognisable in logs and by secret scanners). Only their SHA-256 digests
//! are stored; 256 bits need no slow hash.

use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Prefix of session tokens.
pub const SESSION_PREFIX: &str = "pct_s_";
/// Prefix of API tokens.
pub const API_TOKEN_PREFIX: &str = "pct_t_";

/// A new secret: `prefix` followed by 32 random bytes in base64url.
pub fn new_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// The stored form of a secret: lower-case hex SHA-256.
pub fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_prefixed_random_and_digested_to_64_hex_chars() {
        let a = new_secret(SESSION_PREFIX);
        let b = new_secret(SESSION_PREFIX);
        assert!(a.starts_with("pct_s_"));
        assert_eq!(a.len(), 6 + 43);
        assert_ne!(a, b);
        assert_eq!(digest(&a).len(), 64);
        assert_eq!(
            digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}

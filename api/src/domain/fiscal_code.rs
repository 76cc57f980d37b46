//! Romanian fiscal identification codes (CIF / CUI): 2 to 10 digits, the last
//! one a check digit computed with the key 753217532.

const KEY: [u32; 9] = [7, 5, 3, 2, 1, 7, 5, 3, 2];

/// Why a fiscal code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FiscalCodeError {
    /// Not 2 to 10 digits (an optional "RO" prefix aside).
    #[error("a fiscal code has 2 to 10 digits")]
    Malformed,
    /// The last digit does not match the others.
    #[error("the check digit of the fiscal code is wrong")]
    CheckDigit,
}

/// The check digit for `body` (the code without its last digit, at most 9
/// digits).
pub fn check_digit(body: &str) -> Option<u32> {
    if body.is_empty() || body.len() > 9 || !body.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let padded = format!("{body:0>9}");
    let sum: u32 = padded
        .chars()
        .zip(KEY)
        .map(|(c, k)| c.to_digit(10).unwrap_or(0) * k)
        .sum();
    Some((sum * 10) % 11 % 10)
}

/// Normalises and validates a fiscal code; returns the digits only.
/// Accepts an optional "RO" prefix (VAT registration) and surrounding spaces.
pub fn parse(input: &str) -> Result<String, FiscalCodeError> {
    let trimmed = input.trim();
    let digits = trimmed
        .strip_prefix("RO")
        .or_else(|| trimmed.strip_prefix("ro"))
        .unwrap_or(trimmed)
        .trim();
    if !(2..=10).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FiscalCodeError::Malformed);
    }
    let (body, last) = digits.split_at(digits.len() - 1);
    match (check_digit(body), last.parse::<u32>()) {
        (Some(expected), Ok(given)) if expected == given => Ok(digits.to_owned()),
        _ => Err(FiscalCodeError::CheckDigit),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_valid_codes_with_or_without_prefix() {
        // body 185, padded 000000185: 1*5 + 8*3 + 5*2 = 39; 390 % 11 = 5.
        assert_eq!(check_digit("185"), Some(5));
        assert_eq!(parse("1855"), Ok("1855".to_owned()));
        assert_eq!(parse(" RO1855 "), Ok("1855".to_owned()));
    }

    #[test]
    fn refuses_wrong_check_digit_and_malformed_input() {
        assert_eq!(parse("1853"), Err(FiscalCodeError::CheckDigit));
        assert_eq!(parse("1"), Err(FiscalCodeError::Malformed));
        assert_eq!(parse("12345678901"), Err(FiscalCodeError::Malformed));
        assert_eq!(parse("12a4"), Err(FiscalCodeError::Malformed));
    }

    #[test]
    fn a_remainder_of_ten_gives_zero() {
        let body = (1..100_000u32)
            .map(|n| n.to_string())
            .find(|b| {
                let padded = format!("{b:0>9}");
                let sum: u32 = padded
                    .chars()
                    .zip(KEY)
                    .map(|(c, k)| c.to_digit(10).unwrap_or(0) * k)
                    .sum();
                (sum * 10) % 11 == 10
            })
            .unwrap_or_default();
        assert_eq!(check_digit(&body), Some(0));
    }
}

//! Headers lettre has no type for: `List-Unsubscribe` and
//! `List-Unsubscribe-Post` (RFC 2369, RFC 8058 one-click), and
//! `X-Pactum-Alert`, the alert's dedupe key (so a receiver, or a test, can
//! tell a resent alert from a new one).

use lettre::message::header::{Header, HeaderName, HeaderValue};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// `List-Unsubscribe: <https://...>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListUnsubscribe(pub String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, BoxError> {
        let url = s
            .trim()
            .strip_prefix('<')
            .and_then(|rest| rest.strip_suffix('>'))
            .ok_or("List-Unsubscribe must be <url>")?;
        Ok(Self(url.to_owned()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058): mail
/// clients may unsubscribe with one POST, without a page in between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(s: &str) -> Result<Self, BoxError> {
        if s.trim() == "List-Unsubscribe=One-Click" {
            Ok(Self)
        } else {
            Err("List-Unsubscribe-Post must be List-Unsubscribe=One-Click".into())
        }
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
    }
}

/// `X-Pactum-Alert: <dedupe key>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PactumAlert(pub String);

impl Header for PactumAlert {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("X-Pactum-Alert")
    }

    fn parse(s: &str) -> Result<Self, BoxError> {
        Ok(Self(s.trim().to_owned()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lettre::message::Message;

    #[test]
    fn the_headers_are_written_as_rfc_8058_wants() {
        let message = Message::builder()
            .from(
                "Pactum <alerte@pactum.test>"
                    .parse()
                    .unwrap_or_else(|_| panic!("from")),
            )
            .to("ana@primarie.test".parse().unwrap_or_else(|_| panic!("to")))
            .subject("Test")
            .header(ListUnsubscribe(
                "https://pactum.test/unsubscribe?token=abc".into(),
            ))
            .header(ListUnsubscribePost)
            .header(PactumAlert("event:1:user:2".into()))
            .body(String::from("x"))
            .unwrap_or_else(|e| panic!("{e}"));
        let raw = String::from_utf8(message.formatted()).unwrap_or_default();
        assert!(raw.contains("List-Unsubscribe: <https://pactum.test/unsubscribe?token=abc>\r\n"));
        assert!(raw.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"));
        assert!(raw.contains("X-Pactum-Alert: event:1:user:2\r\n"));
        assert_eq!(
            ListUnsubscribe::parse("<https://x/u>").ok(),
            Some(ListUnsubscribe("https://x/u".into()))
        );
    }
}

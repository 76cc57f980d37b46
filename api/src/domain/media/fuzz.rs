//! Property tests ("fuzzing") of the upload checks: real files of every
//! checked type, with bytes flipped, overwritten, cut off or repeated, go
//! through the same `inspect` an upload does. The property: it answers
//! (never an I/O error, never a hang), and no parser panics — a panic is
//! caught and the file refused (`guarded`), but it would mean a library
//! misreads input, so the property treats it as a finding.
//!
//! CI runs the default number of cases; for a long run:
//! `PROPTEST_CASES=20000 cargo test -p pactum-api --lib media::fuzz`.

use std::io::Cursor;

use image::ImageFormat;
use proptest::prelude::*;

use super::{Detected, inspect, samples};

/// The seeds: one valid file per checked type.
fn seeds() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("a.pdf", samples::pdf()),
        ("a.png", samples::picture(ImageFormat::Png)),
        ("a.jpg", samples::picture(ImageFormat::Jpeg)),
        ("a.gif", samples::picture(ImageFormat::Gif)),
        ("a.webp", samples::picture(ImageFormat::WebP)),
        ("a.tiff", samples::picture(ImageFormat::Tiff)),
        ("a.docx", samples::docx()),
        ("a.xlsx", samples::xlsx()),
        ("a.odt", samples::odt()),
    ]
}

/// One change to a file.
#[derive(Debug, Clone)]
enum Mutation {
    /// Replace the byte at this fraction of the length.
    Set(f64, u8),
    /// Cut the file at this fraction.
    Truncate(f64),
    /// Repeat a slice (start, length fractions) a number of times.
    Repeat(f64, f64, u8),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        6 => (0.0..1.0f64, any::<u8>()).prop_map(|(at, b)| Mutation::Set(at, b)),
        1 => (0.0..1.0f64).prop_map(Mutation::Truncate),
        1 => (0.0..1.0f64, 0.0..0.2f64, 1u8..8).prop_map(|(a, l, n)| Mutation::Repeat(a, l, n)),
    ]
}

#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss,
    reason = "fractions of a small file's length"
)]
fn apply(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let len = bytes.len();
        if len == 0 {
            break;
        }
        let at = |f: f64| ((f * len as f64) as usize).min(len - 1);
        match *m {
            Mutation::Set(f, b) => bytes[at(f)] = b,
            Mutation::Truncate(f) => bytes.truncate(at(f)),
            Mutation::Repeat(a, l, n) => {
                let start = at(a);
                let end = (start + (l * len as f64) as usize).min(len);
                let slice = bytes[start..end].to_vec();
                for _ in 0..n {
                    bytes.splice(end..end, slice.iter().copied());
                }
            }
        }
    }
    bytes
}

proptest! {
    #[test]
    fn inspect_answers_every_damaged_file_without_a_parser_panic(
        seed in 0usize..9,
        mutations in prop::collection::vec(mutation(), 1..6),
    ) {
        let (name, original) = seeds().swap_remove(seed);
        let damaged = apply(original, &mutations);
        let inspection = inspect(&mut Cursor::new(damaged), name);
        prop_assert!(inspection.is_ok(), "{inspection:?}");
        if let Ok(inspection) = inspection
            && let Detected::Invalid { reason, .. } = &inspection.detected
        {
            prop_assert_ne!(reason.as_str(), "it could not be parsed", "a parser panicked");
        }
    }
}

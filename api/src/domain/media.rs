//! What an uploaded file really is: the media type is detected from the
//! content, never taken from the client, and checked against the
//! allow-list (PDF, DOCX, ODT, XLSX, ODS, PPTX, common images, plain text,
//! Markdown). The SHA-256, the size and the evidence for the type are all
//! gathered in one streaming pass, without holding the file in memory (only
//! a PDF is then read into memory whole, because lopdf parses from a buffer).
//!
//! The type a file claims is then verified by parsing it, because a magic
//! number is four bytes anyone can write in front of garbage:
//! - a ZIP is an office file only by its entries: OpenDocument has a
//!   `mimetype` entry naming the type; Office Open XML has
//!   `[Content_Types].xml` plus `word/document.xml`, `xl/workbook.xml` or
//!   `ppt/presentation.xml`. Any other ZIP is refused. The archive is opened
//!   with the `zip` crate and its key parts must be well-formed XML
//!   (module `office`);
//! - a PDF (by its magic number, the `infer` crate) must load with `lopdf`
//!   and have a catalog with at least one page (module `pdf`);
//! - an image must decode in full with the `image` crate, within pixel and
//!   memory limits (module `images`);
//! - text is a file that is valid UTF-8 without NUL bytes; it is Markdown
//!   when its name ends in `.md` or `.markdown`, plain text otherwise.

#[cfg(test)]
mod fuzz;
mod images;
mod office;
mod pdf;
#[cfg(test)]
pub(crate) mod samples;
pub mod text;

use std::io::{self, Read, Seek, SeekFrom};

use sha2::{Digest, Sha256};

/// A media type on the allow-list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    /// PDF.
    Pdf,
    /// Word (Office Open XML).
    Docx,
    /// Excel (Office Open XML).
    Xlsx,
    /// PowerPoint (Office Open XML).
    Pptx,
    /// OpenDocument text.
    Odt,
    /// OpenDocument spreadsheet.
    Ods,
    /// PNG image.
    Png,
    /// JPEG image.
    Jpeg,
    /// GIF image.
    Gif,
    /// WebP image.
    Webp,
    /// TIFF image.
    Tiff,
    /// UTF-8 plain text.
    Text,
    /// UTF-8 Markdown.
    Markdown,
}

impl MediaType {
    const ALL: [Self; 13] = [
        Self::Pdf,
        Self::Docx,
        Self::Xlsx,
        Self::Pptx,
        Self::Odt,
        Self::Ods,
        Self::Png,
        Self::Jpeg,
        Self::Gif,
        Self::Webp,
        Self::Tiff,
        Self::Text,
        Self::Markdown,
    ];

    /// The type a version was recorded with ([`Self::as_str`]); `None` for
    /// a type no longer on the list.
    pub fn of_stored(stored: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == stored)
    }

    /// The IANA media type, as stored and sent as `Content-Type`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Pptx => {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
            Self::Odt => "application/vnd.oasis.opendocument.text",
            Self::Ods => "application/vnd.oasis.opendocument.spreadsheet",
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Gif => "image/gif",
            Self::Webp => "image/webp",
            Self::Tiff => "image/tiff",
            Self::Text => "text/plain",
            Self::Markdown => "text/markdown",
        }
    }

    /// What a file of this type is, as told to a user ("a PDF document").
    pub fn described(self) -> &'static str {
        match self {
            Self::Pdf => "a PDF document",
            Self::Docx => "a Word document (DOCX)",
            Self::Xlsx => "an Excel workbook (XLSX)",
            Self::Pptx => "a PowerPoint presentation (PPTX)",
            Self::Odt => "an OpenDocument text (ODT)",
            Self::Ods => "an OpenDocument spreadsheet (ODS)",
            Self::Png => "a PNG image",
            Self::Jpeg => "a JPEG image",
            Self::Gif => "a GIF image",
            Self::Webp => "a WebP image",
            Self::Tiff => "a TIFF image",
            Self::Text => "a text file",
            Self::Markdown => "a Markdown file",
        }
    }
}

/// The accepted types, as told to a user whose file was refused.
pub const ACCEPTED: &str =
    "PDF, DOCX, ODT, XLSX, ODS, PPTX, PNG, JPEG, GIF, WebP, TIFF, UTF-8 text and Markdown";

/// What a file turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detected {
    /// An accepted type.
    Allowed(MediaType),
    /// Not accepted; the detected type when one could be named.
    Refused(Option<String>),
    /// Claims an accepted type (by its magic number or its ZIP entries) but
    /// does not parse as one.
    Invalid {
        /// What the file looks like, e.g. "a PDF document".
        claimed: &'static str,
        /// Why it does not parse, in a few words (never a path).
        reason: String,
    },
    /// Claims an accepted type but checking it would take more than the
    /// limits allow (an image too large to decode, a zip bomb).
    TooLarge {
        /// What the file looks like, e.g. "a PNG image".
        claimed: &'static str,
        /// The limit it exceeds, in words.
        limit: String,
    },
}

/// Longest reason given for a file that does not parse.
const MAX_REASON_CHARS: usize = 200;

/// A parser's error as a short, single-line reason: its message and its
/// sources' messages, at most [`MAX_REASON_CHARS`] characters.
fn reason_of(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        let more = inner.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = inner.source();
    }
    let mut short: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_REASON_CHARS)
        .collect();
    if text.chars().count() > MAX_REASON_CHARS {
        short.push('…');
    }
    short
}

/// Runs a structural check. Hostile input finds bugs in any parser: a
/// panic in one refuses the file instead of failing the request.
fn guarded(
    claimed: &'static str,
    check: impl FnOnce() -> io::Result<Detected>,
) -> io::Result<Detected> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(check)).unwrap_or_else(|_| {
        tracing::warn!(claimed, "a parser panicked on an uploaded file");
        Ok(Detected::Invalid {
            claimed,
            reason: "it could not be parsed".into(),
        })
    })
}

/// Everything learnt from one pass over a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspection {
    /// Lower-case hex SHA-256 of the content.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// The type found.
    pub detected: Detected,
}

/// How many leading bytes are kept for magic-number sniffing.
const HEAD_BYTES: usize = 8 * 1024;
/// Read buffer of the streaming pass.
const CHUNK_BYTES: usize = 64 * 1024;

/// Incremental UTF-8 check that tolerates characters split across chunks.
#[derive(Debug, Default)]
struct TextCheck {
    failed: bool,
    pending: Vec<u8>,
}

impl TextCheck {
    fn feed(&mut self, chunk: &[u8]) {
        if self.failed {
            return;
        }
        if chunk.contains(&0) {
            self.failed = true;
            return;
        }
        let mut rest = chunk;
        // Complete a character left open by the previous chunk.
        while !self.pending.is_empty() {
            let Some((&byte, tail)) = rest.split_first() else {
                return;
            };
            self.pending.push(byte);
            rest = tail;
            match std::str::from_utf8(&self.pending) {
                Ok(_) => self.pending.clear(),
                Err(e) if e.error_len().is_some() => {
                    self.failed = true;
                    return;
                }
                Err(_) if self.pending.len() >= 4 => {
                    self.failed = true;
                    return;
                }
                Err(_) => {}
            }
        }
        if let Err(e) = std::str::from_utf8(rest) {
            if e.error_len().is_some() {
                self.failed = true;
            } else {
                self.pending = rest[e.valid_up_to()..].to_vec();
            }
        }
    }

    fn is_text(&self) -> bool {
        !self.failed && self.pending.is_empty()
    }
}

/// Reads `file` from its start once: hashes it, measures it, and decides its
/// type; then parses it as the type it claims (see the module docs), so a
/// file whose header lies is refused. Blocking: run it off the async runtime.
pub fn inspect<F: Read + Seek>(file: &mut F, file_name: &str) -> io::Result<Inspection> {
    file.seek(SeekFrom::Start(0))?;
    let mut hasher = Sha256::new();
    let mut head = Vec::with_capacity(HEAD_BYTES);
    let mut text = TextCheck::default();
    let mut size = 0u64;
    let mut buf = vec![0u8; CHUNK_BYTES];
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let chunk = &buf[..n];
        hasher.update(chunk);
        text.feed(chunk);
        if head.len() < HEAD_BYTES {
            let take = (HEAD_BYTES - head.len()).min(n);
            head.extend_from_slice(&chunk[..take]);
        }
        size += n as u64;
    }
    let detected = classify(file, &head, size, text.is_text(), file_name)?;
    file.seek(SeekFrom::Start(0))?;
    Ok(Inspection {
        sha256: hex::encode(hasher.finalize()),
        size,
        detected,
    })
}

fn classify<F: Read + Seek>(
    file: &mut F,
    head: &[u8],
    size: u64,
    is_text: bool,
    file_name: &str,
) -> io::Result<Detected> {
    if size == 0 {
        return Ok(Detected::Refused(Some("an empty file".into())));
    }
    if head.starts_with(b"PK\x03\x04") {
        return guarded(office::OFFICE_ZIP, || office::check(file));
    }
    let sniffed = infer::get(head);
    let binary = sniffed.and_then(|kind| match kind.mime_type() {
        "application/pdf" => Some(MediaType::Pdf),
        "image/png" => Some(MediaType::Png),
        "image/jpeg" => Some(MediaType::Jpeg),
        "image/gif" => Some(MediaType::Gif),
        "image/webp" => Some(MediaType::Webp),
        "image/tiff" => Some(MediaType::Tiff),
        _ => None,
    });
    if let Some(media) = binary {
        return guarded(media.described(), || match media {
            MediaType::Pdf => pdf::check(file, size),
            _ => images::check(file, media),
        });
    }
    if is_text {
        let lower = file_name.to_lowercase();
        let markdown = lower.ends_with(".md") || lower.ends_with(".markdown");
        return Ok(Detected::Allowed(if markdown {
            MediaType::Markdown
        } else {
            MediaType::Text
        }));
    }
    Ok(Detected::Refused(
        sniffed.map(|kind| kind.mime_type().to_owned()),
    ))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Cursor;

    use super::samples::{detect, docx, odf, ods, odt, pdf, picture, pptx, xlsx, zip};

    #[test]
    fn office_files_are_told_apart_by_their_entries() {
        assert_eq!(detect(&odt(), "x.bin"), Detected::Allowed(MediaType::Odt));
        assert_eq!(detect(&ods(), "x"), Detected::Allowed(MediaType::Ods));
        assert_eq!(
            detect(
                &odf(b"application/vnd.oasis.opendocument.presentation"),
                "x.odt"
            ),
            Detected::Refused(Some(
                "application/vnd.oasis.opendocument.presentation".into()
            ))
        );
        assert_eq!(detect(&docx(), "x"), Detected::Allowed(MediaType::Docx));
        // Entry order does not matter for Office Open XML.
        let reordered = zip(&[
            ("_rels/.rels", b"<Relationships/>"),
            ("word/document.xml", samples::DOCUMENT_XML),
            ("[Content_Types].xml", samples::CONTENT_TYPES),
        ]);
        assert_eq!(detect(&reordered, "x"), Detected::Allowed(MediaType::Docx));
        assert_eq!(detect(&xlsx(), "x"), Detected::Allowed(MediaType::Xlsx));
        assert_eq!(detect(&pptx(), "x"), Detected::Allowed(MediaType::Pptx));
        let plain_zip = zip(&[("notes.txt", b"hello")]);
        assert_eq!(
            detect(&plain_zip, "x.docx"),
            Detected::Refused(Some("application/zip".into()))
        );
    }

    #[test]
    fn text_is_utf8_without_nul_and_markdown_by_extension() {
        let text = "Ghid anticorupție: ș, ț, ă, î, â\n".repeat(5000);
        assert_eq!(
            detect(text.as_bytes(), "ghid.txt"),
            Detected::Allowed(MediaType::Text)
        );
        assert_eq!(
            detect(text.as_bytes(), "README.MD"),
            Detected::Allowed(MediaType::Markdown)
        );
        assert!(matches!(detect(b"abc\0def", "a.txt"), Detected::Refused(_)));
        assert!(matches!(
            detect(&[0x66, 0x6f, 0xff, 0xfe], "a.txt"),
            Detected::Refused(_)
        ));
        assert!(matches!(detect(b"", "a.txt"), Detected::Refused(_)));
    }

    #[test]
    fn characters_split_across_chunks_are_still_text() {
        let mut check = TextCheck::default();
        let bytes = "ț".as_bytes();
        check.feed(&[b'a', bytes[0]]);
        check.feed(&bytes[1..]);
        assert!(check.is_text());
        let mut open = TextCheck::default();
        open.feed(&[b'a', bytes[0]]);
        assert!(!open.is_text(), "a truncated character is not text");
    }

    #[test]
    fn magic_numbers_decide_binary_types_and_the_structure_must_follow() {
        assert_eq!(
            detect(&pdf(), "scan.txt"),
            Detected::Allowed(MediaType::Pdf)
        );
        assert_eq!(
            detect(&picture(image::ImageFormat::Png), "a.pdf"),
            Detected::Allowed(MediaType::Png)
        );
        // The magic numbers alone are no longer enough.
        assert!(matches!(
            detect(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "scan.pdf"),
            Detected::Invalid {
                claimed: "a PDF document",
                ..
            }
        ));
        assert!(matches!(
            detect(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "a.png"),
            Detected::Invalid {
                claimed: "a PNG image",
                ..
            }
        ));
        let mut elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0".to_vec();
        elf.resize(128, 0);
        assert_eq!(
            detect(&elf, "raport.pdf"),
            Detected::Refused(Some("application/x-executable".into()))
        );
    }

    #[test]
    fn hashes_and_measures_in_the_same_pass() -> io::Result<()> {
        let data = b"hello";
        let inspection = inspect(&mut Cursor::new(data.to_vec()), "a.txt")?;
        assert_eq!(inspection.size, 5);
        assert_eq!(
            inspection.sha256,
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        );
        Ok(())
    }

    #[test]
    fn a_parser_that_panics_refuses_the_file_instead_of_failing() {
        let verdict = guarded("a PDF document", || panic!("a bug in a parser"));
        assert!(
            matches!(
                verdict,
                Ok(Detected::Invalid {
                    claimed: "a PDF document",
                    ..
                })
            ),
            "{verdict:?}"
        );
    }

    #[test]
    fn reasons_are_one_short_line() {
        let long = io::Error::other(format!("line one\nline two {}", "x".repeat(500)));
        let reason = reason_of(&long);
        assert!(!reason.contains('\n'), "{reason}");
        assert_eq!(reason.chars().count(), MAX_REASON_CHARS + 1, "{reason}");
    }
}

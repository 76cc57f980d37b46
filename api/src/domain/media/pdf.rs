//! PDF: the file must load with `lopdf` and have a document catalog
//! (`/Root`) whose page tree holds at least one page.
//!
//! lopdf loads leniently, as viewers do: a damaged cross-reference table is
//! rebuilt by scanning for objects, and an unreadable object is skipped, so
//! real-world files that open elsewhere are accepted while a `%PDF` header
//! in front of anything else is not. Every lopdf loader parses from one
//! buffer (`load_from` reads its source to the end first), so the file is
//! read once into a buffer of its exact size and parsed from memory.

use std::io::{self, Read, Seek, SeekFrom};

use lopdf::{DecompressError, Document, LoadOptions};

use super::{Detected, MediaType, reason_of};

/// Largest decompressed object or cross-reference stream decoded while
/// loading (lopdf's own default is 256 MiB).
const MAX_STREAM_BYTES: usize = 64 * 1024 * 1024;

/// Checks a file whose magic number says PDF.
pub(super) fn check<F: Read + Seek>(file: &mut F, size: u64) -> io::Result<Detected> {
    let claimed = MediaType::Pdf.described();
    file.seek(SeekFrom::Start(0))?;
    let mut buffer = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.read_to_end(&mut buffer)?;
    let loaded = Document::load_mem_with_options(
        &buffer,
        LoadOptions::with_max_decompressed_size(MAX_STREAM_BYTES),
    );
    drop(buffer);
    let document = match loaded {
        Ok(document) => document,
        Err(lopdf::Error::Decompress(DecompressError::MemoryLimitExceeded { .. })) => {
            return Ok(Detected::TooLarge {
                claimed,
                limit: format!(
                    "a stream in it decompresses to more than {} MiB",
                    MAX_STREAM_BYTES / (1024 * 1024)
                ),
            });
        }
        Err(error) => {
            return Ok(Detected::Invalid {
                claimed,
                reason: reason_of(&error),
            });
        }
    };
    if document.catalog().is_err() {
        return Ok(Detected::Invalid {
            claimed,
            reason: "it has no document catalog".into(),
        });
    }
    if document.page_iter().next().is_none() {
        return Ok(Detected::Invalid {
            claimed,
            reason: "it has no pages".into(),
        });
    }
    Ok(Detected::Allowed(MediaType::Pdf))
}

#[cfg(test)]
mod tests {
    use super::super::{
        Detected, MediaType,
        samples::{detect, noise, pdf, pdf_with_pages},
    };

    #[test]
    fn a_pdf_written_by_lopdf_is_accepted_whatever_its_name() {
        assert_eq!(
            detect(&pdf(), "scan.txt"),
            Detected::Allowed(MediaType::Pdf)
        );
        assert_eq!(
            detect(&pdf_with_pages(3), "raport"),
            Detected::Allowed(MediaType::Pdf)
        );
    }

    #[test]
    fn a_pdf_header_in_front_of_anything_else_is_refused() {
        for body in [
            noise(64 * 1024, 7),
            b"\n%\xe2\xe3\xcf\xd3\n".to_vec(),
            Vec::new(),
        ] {
            let mut file = b"%PDF-1.7\n".to_vec();
            file.extend_from_slice(&body);
            assert!(
                matches!(
                    detect(&file, "raport.pdf"),
                    Detected::Invalid {
                        claimed: "a PDF document",
                        ..
                    }
                ),
                "{:?}",
                detect(&file, "raport.pdf")
            );
        }
    }

    #[test]
    fn a_pdf_without_pages_or_cut_short_is_refused() {
        assert_eq!(
            detect(&pdf_with_pages(0), "gol.pdf"),
            Detected::Invalid {
                claimed: "a PDF document",
                reason: "it has no pages".into()
            }
        );
        // The first 40 bytes: a header and the start of an object.
        let whole = pdf();
        assert!(matches!(
            detect(&whole[..40], "taiat.pdf"),
            Detected::Invalid { .. }
        ));
    }
}

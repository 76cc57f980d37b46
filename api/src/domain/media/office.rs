//! Office files are ZIP archives: opened with the `zip` crate, typed by
//! their entries, and accepted only when their key parts are well-formed
//! XML (read with quick-xml, streaming, to the end).
//!
//! - OpenDocument: the `mimetype` entry names the type (ODT or ODS);
//!   `META-INF/manifest.xml` and `content.xml` are checked.
//! - Office Open XML: `[Content_Types].xml` plus `word/document.xml`
//!   (DOCX), `xl/workbook.xml` (XLSX) or `ppt/presentation.xml` (PPTX);
//!   `[Content_Types].xml` and that main part are checked.
//!
//! Zip bombs: no part is read past [`MAX_PART_BYTES`] decompressed. An entry
//! declaring more is refused before it is inflated; the zip crate fails a
//! read past the declared size, and [`Capped`] stops one anyway. Reading a
//! part to its end makes the zip crate compare its CRC-32 (zip 9's
//! `Crc32Reader` checks it when the entry reports end of file), so a
//! corrupted part is refused too.

use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};

use quick_xml::{Reader, events::Event};
use zip::{ZipArchive, result::ZipError};

use super::{Detected, MediaType, reason_of};

/// Most decompressed bytes read from one part.
pub(super) const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;
/// Longest `mimetype` entry read (the real ones are under 50 bytes).
const MAX_MIMETYPE_BYTES: u64 = 256;
/// What a ZIP that is none of the office types looks like to a user.
pub(super) const OFFICE_ZIP: &str = "an office document (a ZIP archive)";

/// Why a part does not pass.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Problem {
    /// It is missing, corrupted or not well-formed.
    Invalid(String),
    /// It decompresses to more than the limit (the text says how much).
    TooLarge(String),
}

impl Problem {
    /// The problem in words, for a file that is not refused for it (text
    /// extraction).
    pub(super) fn into_reason(self) -> String {
        match self {
            Self::Invalid(reason) | Self::TooLarge(reason) => reason,
        }
    }

    fn into_detected(self, claimed: &'static str) -> Detected {
        match self {
            Self::Invalid(reason) => Detected::Invalid { claimed, reason },
            Self::TooLarge(limit) => Detected::TooLarge { claimed, limit },
        }
    }
}

/// Checks a file that starts like a ZIP: which office type it is, and
/// whether its parts parse.
pub(super) fn check<F: Read + Seek>(file: &mut F) -> io::Result<Detected> {
    file.seek(SeekFrom::Start(0))?;
    let mut archive = match ZipArchive::new(file) {
        Ok(archive) => archive,
        Err(error) => {
            return Ok(Detected::Invalid {
                claimed: OFFICE_ZIP,
                reason: reason_of(&error),
            });
        }
    };
    let (media, parts) = match office_type(&mut archive) {
        Ok(Some(found)) => found,
        Ok(None) => return Ok(Detected::Refused(Some("application/zip".into()))),
        Err(refused) => return Ok(refused),
    };
    for part in parts {
        if let Err(problem) = read_part(&mut archive, part, MAX_PART_BYTES, well_formed) {
            return Ok(problem.into_detected(media.described()));
        }
    }
    Ok(Detected::Allowed(media))
}

/// The office type of an archive and the parts to check; `None` when it is
/// no office file at all, `Err` with the verdict when it is another one.
fn office_type<R: Read + Seek>(
    archive: &mut ZipArchive<R>,
) -> Result<Option<(MediaType, [&'static str; 2])>, Detected> {
    if archive.index_for_name("mimetype").is_some() {
        let value = match read_part(archive, "mimetype", MAX_MIMETYPE_BYTES, |input| {
            let mut value = Vec::new();
            input
                .read_to_end(&mut value)
                .map_err(|e| format!("it cannot be read ({})", reason_of(&e)))?;
            Ok(value)
        }) {
            Ok(value) => value,
            Err(Problem::TooLarge(_)) => return Ok(None),
            Err(problem) => return Err(problem.into_detected(OFFICE_ZIP)),
        };
        let parts = ["META-INF/manifest.xml", "content.xml"];
        return match value.trim_ascii() {
            b"application/vnd.oasis.opendocument.text" => Ok(Some((MediaType::Odt, parts))),
            b"application/vnd.oasis.opendocument.spreadsheet" => Ok(Some((MediaType::Ods, parts))),
            // Another OpenDocument type (a presentation, a drawing): name it.
            other => match std::str::from_utf8(other) {
                Ok(name)
                    if !name.is_empty()
                        && name.len() <= 100
                        && name.bytes().all(|b| b.is_ascii_graphic()) =>
                {
                    Err(Detected::Refused(Some(name.to_owned())))
                }
                _ => Ok(None),
            },
        };
    }
    let types = "[Content_Types].xml";
    if archive.index_for_name(types).is_none() {
        return Ok(None);
    }
    for (main, media) in [
        ("word/document.xml", MediaType::Docx),
        ("xl/workbook.xml", MediaType::Xlsx),
        ("ppt/presentation.xml", MediaType::Pptx),
    ] {
        if archive.index_for_name(main).is_some() {
            return Ok(Some((media, [types, main])));
        }
    }
    Ok(None)
}

/// Opens the part `name`, refuses it when it declares more than `cap`
/// bytes, hands it to `read` and then reads it to the end, so that its
/// CRC-32 is checked.
pub(super) fn read_part<R: Read + Seek, T>(
    archive: &mut ZipArchive<R>,
    name: &str,
    cap: u64,
    read: impl FnOnce(&mut dyn BufRead) -> Result<T, String>,
) -> Result<T, Problem> {
    let mut entry = match archive.by_name(name) {
        Ok(entry) => entry,
        Err(ZipError::FileNotFound) => return Err(Problem::Invalid(format!("it has no {name}"))),
        Err(error) => {
            return Err(Problem::Invalid(format!(
                "{name} cannot be read ({})",
                reason_of(&error)
            )));
        }
    };
    let too_large = || {
        Problem::TooLarge(format!(
            "{name} decompresses to more than {}, the most read from one part",
            in_words(cap)
        ))
    };
    if entry.size() > cap {
        return Err(too_large());
    }
    let mut input = BufReader::new(Capped::new(&mut entry, cap));
    let outcome = read(&mut input).map_err(|reason| format!("{name}: {reason}"));
    if input.get_ref().exceeded {
        return Err(too_large());
    }
    let value = outcome.map_err(Problem::Invalid)?;
    io::copy(&mut input, &mut io::sink())
        .map_err(|e| Problem::Invalid(format!("{name} cannot be read ({})", reason_of(&e))))?;
    if input.get_ref().exceeded {
        return Err(too_large());
    }
    Ok(value)
}

/// A reader that fails once more than `cap` bytes came out of it.
struct Capped<R> {
    inner: R,
    left: u64,
    exceeded: bool,
}

impl<R> Capped<R> {
    fn new(inner: R, cap: u64) -> Self {
        Self {
            inner,
            left: cap,
            exceeded: false,
        }
    }
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        match self.left.checked_sub(u64::try_from(n).unwrap_or(u64::MAX)) {
            Some(left) => {
                self.left = left;
                Ok(n)
            }
            None => {
                self.exceeded = true;
                Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "the part is larger than the limit",
                ))
            }
        }
    }
}

/// Reads `input` to its end as XML: it must parse (quick-xml checks tags,
/// end names and attributes) and be one root element with nothing but
/// markup, comments and white space around it.
fn well_formed(input: &mut dyn BufRead) -> Result<(), String> {
    let mut reader = Reader::from_reader(input);
    let mut buf = Vec::new();
    let mut depth = 0usize;
    let mut roots = 0usize;
    loop {
        match reader.read_event_into(&mut buf).map_err(xml_error)? {
            Event::Start(element) => {
                attributes_parse(&element)?;
                roots += usize::from(depth == 0);
                depth += 1;
            }
            Event::Empty(element) => {
                attributes_parse(&element)?;
                roots += usize::from(depth == 0);
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Text(text) if depth == 0 && !text.iter().all(u8::is_ascii_whitespace) => {
                return Err(ill_formed("text outside the root element"));
            }
            Event::CData(_) | Event::GeneralRef(_) if depth == 0 => {
                return Err(ill_formed("text outside the root element"));
            }
            Event::Eof => break,
            _ => {}
        }
        if roots > 1 {
            return Err(ill_formed("more than one root element"));
        }
        buf.clear();
    }
    if depth > 0 {
        return Err(ill_formed("it ends inside an element"));
    }
    if roots == 0 {
        return Err(ill_formed("there is no root element"));
    }
    Ok(())
}

fn ill_formed(why: &str) -> String {
    format!("it is not well-formed XML ({why})")
}

fn xml_error(error: quick_xml::Error) -> String {
    match error {
        quick_xml::Error::Io(io) => format!("it cannot be read ({})", reason_of(&*io)),
        other => ill_formed(&reason_of(&other)),
    }
}

fn attributes_parse(element: &quick_xml::events::BytesStart<'_>) -> Result<(), String> {
    for attribute in element.attributes() {
        attribute.map_err(|e| ill_formed(&reason_of(&e)))?;
    }
    Ok(())
}

/// "64 MiB", "256 bytes".
fn in_words(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Read, Write};

    use zip::{CompressionMethod, ZipWriter, write::SimpleFileOptions};

    use super::super::{
        Detected,
        samples::{CONTENT_TYPES, DOCUMENT_XML, detect, docx, noise, zip, zip_with},
    };
    use super::{Capped, OFFICE_ZIP, well_formed};

    fn invalid_reason(verdict: Detected) -> String {
        match verdict {
            Detected::Invalid { reason, .. } => reason,
            other => format!("not refused as invalid: {other:?}"),
        }
    }

    #[test]
    fn a_part_that_is_not_well_formed_xml_is_refused() {
        let broken = zip(&[
            ("[Content_Types].xml", CONTENT_TYPES),
            (
                "word/document.xml",
                b"<w:document><w:body><w:p></w:body></w:document>",
            ),
        ]);
        let verdict = detect(&broken, "raport.docx");
        assert!(
            matches!(
                verdict,
                Detected::Invalid {
                    claimed: "a Word document (DOCX)",
                    ..
                }
            ),
            "{verdict:?}"
        );
        assert!(
            invalid_reason(verdict).starts_with("word/document.xml: it is not well-formed XML")
        );
        let bad_types = zip(&[
            (
                "[Content_Types].xml",
                b"<Types><Default Extension=xml/></Types>",
            ),
            ("word/document.xml", DOCUMENT_XML),
        ]);
        assert!(invalid_reason(detect(&bad_types, "x.docx")).starts_with("[Content_Types].xml:"));
        let no_content = zip(&[
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            ("META-INF/manifest.xml", b"<manifest:manifest/>"),
        ]);
        assert_eq!(
            invalid_reason(detect(&no_content, "x.odt")),
            "it has no content.xml"
        );
    }

    #[test]
    fn well_formed_means_one_closed_root_and_nothing_else() {
        let check = |xml: &[u8]| well_formed(&mut &xml[..]);
        assert_eq!(
            check(b"<?xml version=\"1.0\"?>\n<a x=\"1\"><b/>text</a>\n"),
            Ok(())
        );
        for bad in [
            &b"<a><b></a>"[..],
            b"<a>",
            b"<a/><b/>",
            b"stray<a/>",
            b"",
            b"<a x=1/>",
            b"<a x=\"1\" x=\"2\"/>",
            b"</a>",
        ] {
            assert!(check(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn a_corrupted_part_fails_its_crc_and_is_refused() {
        let mut file = zip_with(
            &[
                ("[Content_Types].xml", CONTENT_TYPES),
                ("word/document.xml", DOCUMENT_XML),
            ],
            CompressionMethod::Stored,
        );
        let at = file
            .windows(5)
            .position(|w| w == b"Ghid ")
            .unwrap_or(file.len());
        assert!(at < file.len(), "the stored text is in the archive");
        // Still well-formed XML, but not the bytes the CRC-32 was made of.
        file[at] = b'X';
        let reason = invalid_reason(detect(&file, "x.docx"));
        assert!(reason.to_lowercase().contains("checksum"), "{reason}");
    }

    #[test]
    fn a_zip_bomb_is_refused_without_being_inflated() {
        // 65 MiB of white space inside the root: well-formed, ~64 KiB deflated.
        let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .compression_level(Some(1));
        let mut ok = writer.start_file("[Content_Types].xml", options).is_ok();
        ok &= writer.write_all(CONTENT_TYPES).is_ok();
        ok &= writer.start_file("word/document.xml", options).is_ok();
        ok &= writer.write_all(b"<w:document>").is_ok();
        let spaces = vec![b' '; 1024 * 1024];
        for _ in 0..65 {
            ok &= writer.write_all(&spaces).is_ok();
        }
        ok &= writer.write_all(b"</w:document>").is_ok();
        let bomb = writer.finish().map(Cursor::into_inner).unwrap_or_default();
        assert!(ok && bomb.len() < 1024 * 1024, "{} bytes", bomb.len());
        let verdict = detect(&bomb, "bomba.docx");
        let Detected::TooLarge { claimed, limit } = verdict else {
            panic!("{verdict:?}");
        };
        assert_eq!(claimed, "a Word document (DOCX)");
        assert!(limit.contains("64 MiB"), "{limit}");
    }

    #[test]
    fn the_cap_stops_a_part_that_outgrows_it() {
        let data = [b'a'; 100];
        let mut capped = Capped::new(&data[..], 99);
        let mut out = Vec::new();
        assert!(capped.read_to_end(&mut out).is_err());
        assert!(capped.exceeded);
        let mut exact = Capped::new(&data[..], 100);
        assert_eq!(exact.read_to_end(&mut Vec::new()).ok(), Some(100));
        assert!(!exact.exceeded);
    }

    #[test]
    fn a_zip_header_in_front_of_garbage_is_refused() {
        let mut file = b"PK\x03\x04".to_vec();
        file.extend_from_slice(&noise(4096, 3));
        assert!(matches!(
            detect(&file, "raport.docx"),
            Detected::Invalid {
                claimed: OFFICE_ZIP,
                ..
            }
        ));
        // A real archive cut short loses its central directory.
        let whole = docx();
        assert!(matches!(
            detect(&whole[..whole.len() / 2], "raport.docx"),
            Detected::Invalid {
                claimed: OFFICE_ZIP,
                ..
            }
        ));
    }
}

//! What an uploaded file really is: the media type is detected from the
//! content, never taken from the client, and checked against the
//! allow-list (PDF, DOCX, ODT, XLSX, ODS, PPTX, common images, plain text,
//! Markdown). The SHA-256, the size and the evidence for the type are all
//! gathered in one streaming pass, so a file is never held in memory.
//!
//! Rules beyond magic numbers (the `infer` crate):
//! - a ZIP is an office file only by its entries: OpenDocument has a
//!   `mimetype` entry naming the type; Office Open XML has
//!   `[Content_Types].xml` plus `word/document.xml`, `xl/workbook.xml` or
//!   `ppt/presentation.xml`. Any other ZIP is refused.
//! - text is a file that is valid UTF-8 without NUL bytes; it is Markdown
//!   when its name ends in `.md` or `.markdown`, plain text otherwise.

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
/// type (reading a ZIP's central directory when it is one).
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
        return Ok(match zip_office_type(file, size)? {
            Some(media) => Detected::Allowed(media),
            None => Detected::Refused(Some("application/zip".into())),
        });
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
        return Ok(Detected::Allowed(media));
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

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

/// Largest central directory read (a real office file's is a few KiB).
const MAX_CENTRAL_DIRECTORY: u64 = 4 * 1024 * 1024;

/// The office type of a ZIP, from its entries; `None` if it is none of the
/// accepted ones (or the archive is unreadable).
fn zip_office_type<F: Read + Seek>(file: &mut F, size: u64) -> io::Result<Option<MediaType>> {
    let Some(entries) = zip_entries(file, size)? else {
        return Ok(None);
    };
    if let Some(entry) = entries.iter().find(|e| e.name == "mimetype") {
        let Some(value) = stored_entry(file, entry, 200)? else {
            return Ok(None);
        };
        return Ok(match value.trim_ascii() {
            b"application/vnd.oasis.opendocument.text" => Some(MediaType::Odt),
            b"application/vnd.oasis.opendocument.spreadsheet" => Some(MediaType::Ods),
            _ => None,
        });
    }
    let has = |name: &str| entries.iter().any(|e| e.name == name);
    if !has("[Content_Types].xml") {
        return Ok(None);
    }
    Ok(if has("word/document.xml") {
        Some(MediaType::Docx)
    } else if has("xl/workbook.xml") {
        Some(MediaType::Xlsx)
    } else if has("ppt/presentation.xml") {
        Some(MediaType::Pptx)
    } else {
        None
    })
}

/// One entry of a ZIP's central directory.
#[derive(Debug)]
struct ZipEntry {
    name: String,
    method: u16,
    compressed_size: u64,
    local_header: u64,
}

/// The entries of a ZIP, from its central directory; `None` when there is
/// no readable one (ZIP64 archives included: no office file needs it here).
fn zip_entries<F: Read + Seek>(file: &mut F, size: u64) -> io::Result<Option<Vec<ZipEntry>>> {
    // End of central directory: 22 bytes plus a comment of up to 64 KiB.
    let tail_len = size.min(22 + 65_535);
    file.seek(SeekFrom::Start(size - tail_len))?;
    let mut tail = vec![0u8; usize::try_from(tail_len).unwrap_or(0)];
    file.read_exact(&mut tail)?;
    let Some(eocd) = (0..tail.len().saturating_sub(21))
        .rev()
        .find(|&i| tail[i..].starts_with(b"PK\x05\x06"))
    else {
        return Ok(None);
    };
    let (Some(count), Some(cd_size), Some(cd_offset)) = (
        u16_at(&tail, eocd + 10),
        u32_at(&tail, eocd + 12),
        u32_at(&tail, eocd + 16),
    ) else {
        return Ok(None);
    };
    let (cd_size, cd_offset) = (u64::from(cd_size), u64::from(cd_offset));
    if cd_size > MAX_CENTRAL_DIRECTORY || cd_offset + cd_size > size {
        return Ok(None);
    }
    file.seek(SeekFrom::Start(cd_offset))?;
    let mut cd = vec![0u8; usize::try_from(cd_size).unwrap_or(0)];
    file.read_exact(&mut cd)?;
    let mut entries = Vec::with_capacity(usize::from(count));
    let mut at = 0usize;
    for _ in 0..count {
        if !cd.get(at..).is_some_and(|r| r.starts_with(b"PK\x01\x02")) {
            return Ok(None);
        }
        let (
            Some(method),
            Some(compressed),
            Some(name_len),
            Some(extra),
            Some(comment),
            Some(local),
        ) = (
            u16_at(&cd, at + 10),
            u32_at(&cd, at + 20),
            u16_at(&cd, at + 28),
            u16_at(&cd, at + 30),
            u16_at(&cd, at + 32),
            u32_at(&cd, at + 42),
        )
        else {
            return Ok(None);
        };
        let name_start = at + 46;
        let Some(name) = cd.get(name_start..name_start + usize::from(name_len)) else {
            return Ok(None);
        };
        entries.push(ZipEntry {
            name: String::from_utf8_lossy(name).into_owned(),
            method,
            compressed_size: u64::from(compressed),
            local_header: u64::from(local),
        });
        at = name_start + usize::from(name_len) + usize::from(extra) + usize::from(comment);
    }
    Ok(Some(entries))
}

/// The bytes of an uncompressed entry of at most `max` bytes.
fn stored_entry<F: Read + Seek>(
    file: &mut F,
    entry: &ZipEntry,
    max: u64,
) -> io::Result<Option<Vec<u8>>> {
    if entry.method != 0 || entry.compressed_size > max {
        return Ok(None);
    }
    file.seek(SeekFrom::Start(entry.local_header))?;
    let mut header = [0u8; 30];
    if file.read_exact(&mut header).is_err() || !header.starts_with(b"PK\x03\x04") {
        return Ok(None);
    }
    let (Some(name_len), Some(extra)) = (u16_at(&header, 26), u16_at(&header, 28)) else {
        return Ok(None);
    };
    file.seek(SeekFrom::Current(i64::from(name_len) + i64::from(extra)))?;
    let mut value = vec![0u8; usize::try_from(entry.compressed_size).unwrap_or(0)];
    if file.read_exact(&mut value).is_err() {
        return Ok(None);
    }
    Ok(Some(value))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Cursor;

    /// A minimal stored (uncompressed) ZIP with these entries.
    pub(crate) fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for (name, data) in entries {
            let offset = out.len() as u32;
            let crc = 0u32; // not checked by the detector
            let mut local = Vec::new();
            local.extend_from_slice(b"PK\x03\x04");
            local.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            local.extend_from_slice(&crc.to_le_bytes());
            local.extend_from_slice(&(data.len() as u32).to_le_bytes());
            local.extend_from_slice(&(data.len() as u32).to_le_bytes());
            local.extend_from_slice(&(name.len() as u16).to_le_bytes());
            local.extend_from_slice(&0u16.to_le_bytes());
            local.extend_from_slice(name.as_bytes());
            local.extend_from_slice(data);
            out.extend_from_slice(&local);
            central.extend_from_slice(b"PK\x01\x02");
            central.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            central.extend_from_slice(&crc.to_le_bytes());
            central.extend_from_slice(&(data.len() as u32).to_le_bytes());
            central.extend_from_slice(&(data.len() as u32).to_le_bytes());
            central.extend_from_slice(&(name.len() as u16).to_le_bytes());
            central.extend_from_slice(&[0; 12]);
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(name.as_bytes());
        }
        let cd_offset = out.len() as u32;
        out.extend_from_slice(&central);
        out.extend_from_slice(b"PK\x05\x06");
        out.extend_from_slice(&[0; 4]);
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        out.extend_from_slice(&(central.len() as u32).to_le_bytes());
        out.extend_from_slice(&cd_offset.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }

    fn detect(bytes: &[u8], name: &str) -> Detected {
        inspect(&mut Cursor::new(bytes.to_vec()), name)
            .map(|i| i.detected)
            .unwrap_or(Detected::Refused(None))
    }

    #[test]
    fn office_files_are_told_apart_by_their_entries() {
        let odt = zip(&[
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            ("content.xml", b"<office:document-content/>"),
        ]);
        assert_eq!(detect(&odt, "x.bin"), Detected::Allowed(MediaType::Odt));
        let ods = zip(&[(
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet",
        )]);
        assert_eq!(detect(&ods, "x"), Detected::Allowed(MediaType::Ods));
        let odp = zip(&[(
            "mimetype",
            b"application/vnd.oasis.opendocument.presentation",
        )]);
        assert!(matches!(detect(&odp, "x"), Detected::Refused(_)));
        // Entry order does not matter for Office Open XML.
        let docx = zip(&[
            ("_rels/.rels", b"<Relationships/>"),
            ("word/document.xml", b"<w:document/>"),
            ("[Content_Types].xml", b"<Types/>"),
        ]);
        assert_eq!(detect(&docx, "x"), Detected::Allowed(MediaType::Docx));
        let xlsx = zip(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("xl/workbook.xml", b"<w/>"),
        ]);
        assert_eq!(detect(&xlsx, "x"), Detected::Allowed(MediaType::Xlsx));
        let pptx = zip(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("ppt/presentation.xml", b"<p/>"),
        ]);
        assert_eq!(detect(&pptx, "x"), Detected::Allowed(MediaType::Pptx));
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
    fn magic_numbers_decide_binary_types() {
        assert_eq!(
            detect(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "scan.txt"),
            Detected::Allowed(MediaType::Pdf)
        );
        assert_eq!(
            detect(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "a.pdf"),
            Detected::Allowed(MediaType::Png)
        );
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
}

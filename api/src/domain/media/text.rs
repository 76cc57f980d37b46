//! The text inside an accepted file, for search. It runs after the upload
//! committed (the extraction job), on a file that already passed
//! [`super::inspect`], and never refuses anything: a file whose text cannot
//! be read stays stored and served, with a status saying why it has no text.
//!
//! - PDF: `lopdf`'s text extraction, page by page, with the same bound on
//!   decompressed streams as the upload check (a PDF whose pages give no
//!   text, a scan or a broken file, fails with [`NO_PDF_TEXT`]);
//! - DOCX, PPTX, XLSX, ODT, ODS: the text runs of their XML parts, read with
//!   the upload check's bounded part reader (module `office`): `w:t`/`a:t`/`t`
//!   elements in Office Open XML, every text node of `content.xml` in
//!   OpenDocument; paragraph ends become line breaks;
//! - text and Markdown: the file itself;
//! - images: no text (OCR is not attempted).
//!
//! The text kept is at most [`MAX_TEXT_CHARS`] characters, with white space
//! collapsed (one space, or one line break between paragraphs) and control
//! characters dropped (PostgreSQL's `text` cannot hold NUL).

use std::io::{BufRead, Cursor};

use lopdf::{Document, LoadOptions};
use quick_xml::{Reader, escape::resolve_predefined_entity, events::Event};
use zip::ZipArchive;

use super::{MediaType, office, reason_of};

/// Most characters kept of one file's text (about 300 pages of prose);
/// the rest is dropped and the text marked truncated.
pub const MAX_TEXT_CHARS: usize = 1_000_000;

/// Largest decompressed page content read from a PDF.
const MAX_PDF_STREAM_BYTES: usize = 64 * 1024 * 1024;

/// Pages handed to lopdf at once: it walks the page tree on every call, so
/// one call per page would be quadratic, and one call for all pages could
/// not stop once the text is full.
const PDF_PAGES_PER_CALL: usize = 50;

/// Why a PDF has no text: lopdf reads a page it cannot parse as an empty
/// one, so a scan and a broken file look alike, and either way search
/// finds nothing inside.
pub const NO_PDF_TEXT: &str =
    "no text could be read from its pages (a scan, or pages that cannot be parsed)";

/// Most XML parts read from one office file (slides, sheets).
const MAX_PARTS: usize = 1000;

/// What extraction found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Extraction {
    /// The file's text (possibly empty: a scanned PDF has none).
    Text {
        /// The text, at most [`MAX_TEXT_CHARS`] characters.
        text: String,
        /// Whether text past the limit was dropped.
        truncated: bool,
    },
    /// Files of this type carry no text that is read (images).
    Unsupported,
    /// The text could not be read; why, in a few words.
    Failed(String),
}

/// Extracts the text of `bytes`, a file of type `media`. Blocking and
/// CPU-bound: run it on a blocking thread. A panic in a parser is caught
/// and reported as a failure.
pub fn extract(media: MediaType, bytes: &[u8]) -> Extraction {
    std::panic::catch_unwind(|| extract_unguarded(media, bytes)).unwrap_or_else(|_| {
        tracing::warn!(
            media = media.as_str(),
            "a parser panicked extracting the text of a file"
        );
        Extraction::Failed("the file could not be parsed".into())
    })
}

fn extract_unguarded(media: MediaType, bytes: &[u8]) -> Extraction {
    let mut sink = Sink::default();
    let outcome = match media {
        MediaType::Pdf => pdf(bytes, &mut sink),
        MediaType::Docx => office_parts(bytes, Markup::OfficeOpenXml, &mut sink, |names| {
            [
                "word/document.xml",
                "word/footnotes.xml",
                "word/endnotes.xml",
            ]
            .into_iter()
            .filter(|part| names.iter().any(|n| n == part))
            .map(str::to_owned)
            .collect()
        }),
        MediaType::Pptx => office_parts(bytes, Markup::OfficeOpenXml, &mut sink, |names| {
            numbered(names, "ppt/slides/slide")
        }),
        MediaType::Xlsx => office_parts(bytes, Markup::OfficeOpenXml, &mut sink, |names| {
            let shared = names
                .iter()
                .filter(|n| *n == "xl/sharedStrings.xml")
                .cloned();
            shared
                .chain(numbered(names, "xl/worksheets/sheet"))
                .collect()
        }),
        MediaType::Odt | MediaType::Ods => {
            office_parts(bytes, Markup::OpenDocument, &mut sink, |_| {
                vec!["content.xml".to_owned()]
            })
        }
        MediaType::Text | MediaType::Markdown => match std::str::from_utf8(bytes) {
            Ok(text) => {
                sink.push(text);
                Ok(())
            }
            Err(error) => Err(format!("it is not UTF-8 text ({error})")),
        },
        MediaType::Png | MediaType::Jpeg | MediaType::Gif | MediaType::Webp | MediaType::Tiff => {
            return Extraction::Unsupported;
        }
    };
    match outcome {
        Ok(()) => sink.finish(),
        // What was read before a late failure is kept: a PDF whose last
        // page is damaged still finds its first ones.
        Err(_) if !sink.text.is_empty() => sink.finish(),
        Err(reason) => Extraction::Failed(reason),
    }
}

/// The parts `{prefix}{N}.xml`, by N.
fn numbered(names: &[String], prefix: &str) -> Vec<String> {
    let mut parts: Vec<(u32, String)> = names
        .iter()
        .filter_map(|name| {
            let n = name
                .strip_prefix(prefix)?
                .strip_suffix(".xml")?
                .parse()
                .ok()?;
            Some((n, name.clone()))
        })
        .collect();
    parts.sort();
    parts.into_iter().map(|(_, name)| name).collect()
}

fn pdf(bytes: &[u8], sink: &mut Sink) -> Result<(), String> {
    let document = Document::load_mem_with_options(
        bytes,
        LoadOptions::with_max_decompressed_size(MAX_PDF_STREAM_BYTES),
    )
    .map_err(|error| format!("the PDF cannot be read ({})", reason_of(&error)))?;
    let pages: Vec<u32> = document.get_pages().into_keys().collect();
    let mut failure = None;
    for batch in pages.chunks(PDF_PAGES_PER_CALL) {
        for chunk in document.extract_text_chunks_with_limit(batch, MAX_PDF_STREAM_BYTES) {
            match chunk {
                Ok(text) => sink.push(&text),
                Err(error) => {
                    failure.get_or_insert_with(|| {
                        format!("a page cannot be read ({})", reason_of(&error))
                    });
                }
            }
            if sink.full() {
                return Ok(());
            }
        }
        sink.separate('\n');
    }
    match failure {
        Some(failure) => Err(failure),
        None if sink.text.trim().is_empty() => Err(NO_PDF_TEXT.to_owned()),
        None => Ok(()),
    }
}

/// How an office format marks its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Markup {
    /// Text only inside `t` elements (`w:t`, `a:t`, a spreadsheet's `t`).
    OfficeOpenXml,
    /// Every text node is content.
    OpenDocument,
}

/// Reads the text of the parts `select` picks from the archive's entry
/// names, in its order.
fn office_parts(
    bytes: &[u8],
    markup: Markup,
    sink: &mut Sink,
    select: impl FnOnce(&[String]) -> Vec<String>,
) -> Result<(), String> {
    let mut archive = ZipArchive::new(Cursor::new(bytes))
        .map_err(|error| format!("the archive cannot be read ({})", reason_of(&error)))?;
    let names: Vec<String> = archive
        .file_names()
        .filter_map(|name| name.ok().map(std::borrow::Cow::into_owned))
        .collect();
    for part in select(&names).into_iter().take(MAX_PARTS) {
        office::read_part(&mut archive, &part, office::MAX_PART_BYTES, |input| {
            xml_text(input, markup, sink)
        })
        .map_err(office::Problem::into_reason)?;
        sink.separate('\n');
        if sink.full() {
            break;
        }
    }
    Ok(())
}

/// Appends the text of one XML part to `sink`.
fn xml_text(input: &mut dyn BufRead, markup: Markup, sink: &mut Sink) -> Result<(), String> {
    let mut reader = Reader::from_reader(input);
    let mut buf = Vec::new();
    // Depth inside text-bearing elements (Office Open XML only).
    let mut inside = 0usize;
    let unreadable =
        |error: &dyn std::error::Error| format!("it is not XML ({})", reason_of(error));
    loop {
        let collecting = markup == Markup::OpenDocument || inside > 0;
        match reader
            .read_event_into(&mut buf)
            .map_err(|e| unreadable(&e))?
        {
            Event::Start(element) if element.local_name().as_ref() == b"t" => inside += 1,
            Event::End(element) => {
                let name = element.local_name();
                match name.as_ref() {
                    b"t" => inside = inside.saturating_sub(1),
                    b"p" | b"h" | b"si" | b"tr" => sink.separate('\n'),
                    b"table-cell" | b"c" => sink.separate(' '),
                    _ => {}
                }
            }
            Event::Empty(element) => match element.local_name().as_ref() {
                b"br" | b"cr" | b"line-break" | b"p" => sink.separate('\n'),
                b"tab" | b"s" => sink.separate(' '),
                _ => {}
            },
            Event::Text(text) if collecting => {
                sink.push(&text.xml_content().map_err(|e| unreadable(&e))?);
            }
            Event::CData(text) if collecting => {
                sink.push(&text.decode().map_err(|e| unreadable(&e))?);
            }
            Event::GeneralRef(reference) if collecting => {
                if let Some(c) = reference.resolve_char_ref().map_err(|e| unreadable(&e))? {
                    sink.push(c.encode_utf8(&mut [0; 4]));
                } else if let Some(entity) =
                    resolve_predefined_entity(&reference.decode().map_err(|e| unreadable(&e))?)
                {
                    sink.push(entity);
                }
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
        if sink.full() {
            return Ok(());
        }
        buf.clear();
    }
}

/// Collects text up to [`MAX_TEXT_CHARS`], collapsing white space.
#[derive(Debug, Default)]
struct Sink {
    text: String,
    chars: usize,
    truncated: bool,
    /// The separator owed before the next visible character: a line break
    /// wins over a space.
    pending: Option<char>,
}

impl Sink {
    fn full(&self) -> bool {
        self.truncated
    }

    fn separate(&mut self, separator: char) {
        if self.pending != Some('\n') {
            self.pending = Some(separator);
        }
    }

    fn push(&mut self, text: &str) {
        for c in text.chars() {
            if self.truncated {
                return;
            }
            if c.is_whitespace() {
                self.separate(if c == '\n' { '\n' } else { ' ' });
                continue;
            }
            if c.is_control() {
                continue;
            }
            if let Some(separator) = self.pending.take()
                && !self.text.is_empty()
            {
                self.put(separator);
            }
            self.put(c);
        }
    }

    fn put(&mut self, c: char) {
        if self.chars >= MAX_TEXT_CHARS {
            self.truncated = true;
            return;
        }
        self.text.push(c);
        self.chars += 1;
    }

    fn finish(self) -> Extraction {
        Extraction::Text {
            text: self.text,
            truncated: self.truncated,
        }
    }
}

#[cfg(test)]
mod tests;

//! Real files for the media tests, written by the same crates that check
//! them (lopdf, image, zip), and the hostile look-alikes they must refuse.
#![expect(
    clippy::expect_used,
    reason = "a sample that cannot be written fails its test loudly"
)]

use std::io::{Cursor, Write};

use image::{DynamicImage, ImageFormat, RgbImage};
use lopdf::{Dictionary, Document, Object, Stream};
use zip::{CompressionMethod, ZipWriter, write::SimpleFileOptions};

use super::{Detected, inspect};

/// What `inspect` makes of these bytes (an I/O error reads as a refusal).
pub(crate) fn detect(bytes: &[u8], name: &str) -> Detected {
    inspect(&mut Cursor::new(bytes.to_vec()), name)
        .map(|i| i.detected)
        .unwrap_or(Detected::Refused(None))
}

/// `len` bytes of deterministic noise (xorshift64).
pub(crate) fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(len);
    out
}

/// A PDF whose page tree has `pages` pages, saved by lopdf.
pub(crate) fn pdf_with_pages(pages: usize) -> Vec<u8> {
    pdf_with_contents(&vec![
        b"BT /F1 18 Tf 72 770 Td (Ghid de bune practici) Tj ET"
            .to_vec();
        pages
    ])
}

/// A PDF with one page per content stream (in Helvetica as `/F1`).
pub(crate) fn pdf_with_contents(pages: &[Vec<u8>]) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let mut font = Dictionary::new();
    font.set("Type", "Font");
    font.set("Subtype", "Type1");
    font.set("BaseFont", "Helvetica");
    let mut fonts = Dictionary::new();
    fonts.set("F1", font);
    let mut resources = Dictionary::new();
    resources.set("Font", fonts);
    let resources_id = doc.add_object(resources);
    let mut kids = Vec::new();
    for content in pages {
        let content_id = doc.add_object(Stream::new(Dictionary::new(), content.clone()));
        let mut page = Dictionary::new();
        page.set("Type", "Page");
        page.set("Parent", pages_id);
        page.set("Contents", content_id);
        kids.push(Object::from(doc.add_object(page)));
    }
    let mut tree = Dictionary::new();
    tree.set("Type", "Pages");
    tree.set("Count", kids.len() as i64);
    tree.set("Kids", kids);
    tree.set("Resources", resources_id);
    let media_box = [0, 0, 595, 842].map(Object::Integer).to_vec();
    tree.set("MediaBox", media_box);
    doc.objects.insert(pages_id, Object::Dictionary(tree));
    let mut catalog = Dictionary::new();
    catalog.set("Type", "Catalog");
    catalog.set("Pages", pages_id);
    let catalog_id = doc.add_object(catalog);
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("PDF saved");
    out
}

/// A one-page PDF.
pub(crate) fn pdf() -> Vec<u8> {
    pdf_with_pages(1)
}

/// A small picture (32×24, RGB) encoded as `format`.
pub(crate) fn picture(format: ImageFormat) -> Vec<u8> {
    let pixels = RgbImage::from_fn(32, 24, |x, y| {
        image::Rgb([
            u8::try_from(x * 8).unwrap_or(0),
            u8::try_from(y * 10).unwrap_or(0),
            160,
        ])
    });
    encode(&DynamicImage::ImageRgb8(pixels), format)
}

/// `image` encoded as `format`.
pub(crate) fn encode(image: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Vec::new();
    image
        .write_to(Cursor::new(&mut out), format)
        .expect("image encoded");
    out
}

/// A ZIP with these entries, written by `ZipWriter` with `method`
/// (`mimetype` is always stored, first, as OpenDocument requires).
pub(crate) fn zip_with(entries: &[(&str, &[u8])], method: CompressionMethod) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in entries {
        let method = if *name == "mimetype" {
            CompressionMethod::Stored
        } else {
            method
        };
        let options = SimpleFileOptions::default().compression_method(method);
        writer.start_file(*name, options).expect("entry started");
        writer.write_all(data).expect("entry written");
    }
    writer.finish().expect("archive written").into_inner()
}

/// A deflated ZIP with these entries, as office suites write them.
pub(crate) fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    zip_with(entries, CompressionMethod::Deflated)
}

/// `[Content_Types].xml` of an Office Open XML package.
pub(crate) const CONTENT_TYPES: &[u8] = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>"#;

/// A Word document body.
pub(crate) const DOCUMENT_XML: &[u8] = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Ghid de bune practici</w:t></w:r></w:p></w:body></w:document>"#;

/// An OpenDocument manifest.
pub(crate) const MANIFEST_XML: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;

/// An OpenDocument text body.
pub(crate) const CONTENT_XML: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:text><text:p>Ghid de bune practici</text:p></office:text></office:body></office:document-content>"#;

/// A DOCX (the parts the check reads, plus the package relationships).
pub(crate) fn docx() -> Vec<u8> {
    zip(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", b"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"/>"),
        ("word/document.xml", DOCUMENT_XML),
    ])
}

/// An XLSX.
pub(crate) fn xlsx() -> Vec<u8> {
    zip(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        (
            "xl/workbook.xml",
            b"<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheets/></workbook>",
        ),
    ])
}

/// A PPTX.
pub(crate) fn pptx() -> Vec<u8> {
    zip(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        (
            "ppt/presentation.xml",
            b"<p:presentation xmlns:p=\"http://schemas.openxmlformats.org/presentationml/2006/main\"/>",
        ),
    ])
}

/// An OpenDocument package of this `mimetype`.
pub(crate) fn odf(mimetype: &[u8]) -> Vec<u8> {
    zip(&[
        ("mimetype", mimetype),
        ("META-INF/manifest.xml", MANIFEST_XML),
        ("content.xml", CONTENT_XML),
    ])
}

/// An ODT.
pub(crate) fn odt() -> Vec<u8> {
    odf(b"application/vnd.oasis.opendocument.text")
}

/// An ODS.
pub(crate) fn ods() -> Vec<u8> {
    odf(b"application/vnd.oasis.opendocument.spreadsheet")
}

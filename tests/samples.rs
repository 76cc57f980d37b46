//! Real sample files for uploads. The server parses what it is sent (a PDF
//! must load, an image must decode, an office file must be a ZIP whose
//! parts are well-formed XML), so every upload in the suite sends a real
//! file of its type; the hostile look-alikes it must refuse are here too.

use std::io::{Cursor, Write};

use image::{DynamicImage, ImageFormat, RgbImage};
use zip::{CompressionMethod, ZipWriter, write::SimpleFileOptions};

/// `len` bytes of deterministic noise (xorshift64), different per `seed`.
pub fn noise(len: usize, seed: u64) -> Vec<u8> {
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

/// A one-page PDF whose content stream ends in a comment of `padding`
/// letters. The stream length and the `startxref` offset are written in
/// fixed-width fields, so the file's size grows exactly with `padding`.
fn pdf_with_padding(padding: usize) -> Vec<u8> {
    pdf_of("Ghid de bune practici", padding)
}

/// A one-page PDF showing `text` (ASCII, in Helvetica).
pub fn pdf_with_text(text: &str) -> Vec<u8> {
    pdf_of(text, 0)
}

fn pdf_of(text: &str, padding: usize) -> Vec<u8> {
    let mut content = format!("BT /F1 18 Tf 72 770 Td ({text}) Tj ET\n%").into_bytes();
    content.extend(
        noise(padding, 0x9E37_79B9_7F4A_7C15)
            .iter()
            .map(|b| b'a' + b % 26),
    );
    pdf_with_page_stream(&content, "")
}

/// A PDF that loads and has a page, but whose page content claims to be
/// deflated and is not: its text cannot be read.
pub fn pdf_with_broken_page() -> Vec<u8> {
    pdf_with_page_stream(&noise(512, 3), "/Filter /FlateDecode ")
}

/// A one-page PDF whose page content is `content`, its stream dictionary
/// holding `extra` besides the length.
fn pdf_with_page_stream(content: &[u8], extra: &str) -> Vec<u8> {
    let mut stream = format!("<< {extra}/Length {:<10}>>\nstream\n", content.len()).into_bytes();
    stream.extend_from_slice(content);
    stream.extend_from_slice(b"\nendstream");
    let objects: [&[u8]; 4] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 \
          << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> /Contents 4 0 R >>",
        &stream,
    ];
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref:<10}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// The smallest PDF [`pdf`] makes.
pub fn pdf_min_len() -> usize {
    pdf_with_padding(0).len()
}

/// A valid one-page PDF of exactly `size` bytes (at least
/// [`pdf_min_len`], a few hundred); different sizes differ in content.
pub fn pdf(size: usize) -> Vec<u8> {
    let base = pdf_min_len();
    assert!(size >= base, "a sample PDF has at least {base} bytes");
    let out = pdf_with_padding(size - base);
    assert_eq!(out.len(), size, "the sample PDF has the size asked for");
    out
}

/// `size` bytes claiming to be a PDF: the header, then noise.
pub fn pdf_garbage(size: usize) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    out.extend(noise(size.saturating_sub(out.len()), 17));
    out
}

/// A small picture (48×32, RGB) encoded as `format`.
pub fn picture(format: ImageFormat) -> Vec<u8> {
    let pixels = RgbImage::from_fn(48, 32, |x, y| {
        image::Rgb([
            u8::try_from(x * 5).unwrap_or(0),
            u8::try_from(y * 8).unwrap_or(0),
            200,
        ])
    });
    let mut out = Vec::new();
    DynamicImage::ImageRgb8(pixels)
        .write_to(Cursor::new(&mut out), format)
        .expect("sample image encodes");
    out
}

/// A PNG image.
pub fn png() -> Vec<u8> {
    picture(ImageFormat::Png)
}

/// A JPEG image.
pub fn jpeg() -> Vec<u8> {
    picture(ImageFormat::Jpeg)
}

/// A GIF image.
pub fn gif() -> Vec<u8> {
    picture(ImageFormat::Gif)
}

/// A WebP image (lossless).
pub fn webp() -> Vec<u8> {
    picture(ImageFormat::WebP)
}

/// A TIFF image.
pub fn tiff() -> Vec<u8> {
    picture(ImageFormat::Tiff)
}

/// The PNG signature, then noise.
pub fn png_garbage() -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(noise(8 * 1024, 23));
    out
}

/// A JPEG start of image, then noise with no marker in it.
pub fn jpeg_garbage() -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8, 0xFF];
    out.extend(noise(8 * 1024, 29).iter().map(|b| b & 0x7F));
    out
}

/// A ZIP with these entries, deflated as office suites write them
/// (`mimetype` stored, as OpenDocument requires).
pub fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in entries {
        let method = if *name == "mimetype" {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        let options = SimpleFileOptions::default().compression_method(method);
        writer.start_file(*name, options).expect("entry started");
        writer.write_all(data).expect("entry written");
    }
    writer.finish().expect("archive written").into_inner()
}

const CONTENT_TYPES: &[u8] = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/></Types>"#;

fn package_rels(target: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="{target}"/></Relationships>"#
    )
    .into_bytes()
}

const DOCUMENT_XML: &[u8] = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Ghid de bune practici anticoruptie</w:t></w:r></w:p></w:body></w:document>"#;

/// A Word document (DOCX) with one paragraph.
pub fn docx() -> Vec<u8> {
    zip(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", &package_rels("word/document.xml")),
        ("word/document.xml", DOCUMENT_XML),
    ])
}

/// A Word document with one paragraph per entry of `paragraphs` (plain
/// text, no markup).
pub fn docx_with(paragraphs: &[&str]) -> Vec<u8> {
    let body: String = paragraphs
        .iter()
        .map(|p| format!("<w:p><w:r><w:t>{p}</w:t></w:r></w:p>"))
        .collect();
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    zip(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", &package_rels("word/document.xml")),
        ("word/document.xml", document.as_bytes()),
    ])
}

/// A DOCX whose main part is not well-formed XML (`<w:p>` never closed).
pub fn docx_malformed() -> Vec<u8> {
    zip(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", &package_rels("word/document.xml")),
        (
            "word/document.xml",
            b"<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
              <w:body><w:p><w:r><w:t>Ghid</w:t></w:r></w:body></w:document>",
        ),
    ])
}

/// A DOCX whose main part inflates to 65 MiB of white space (the server
/// reads at most 64 MiB of a part): about 64 KiB on the wire.
pub fn docx_bomb() -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(1));
    writer
        .start_file("[Content_Types].xml", options)
        .expect("entry started");
    writer.write_all(CONTENT_TYPES).expect("entry written");
    writer
        .start_file("word/document.xml", options)
        .expect("entry started");
    writer
        .write_all(b"<w:document><w:body>")
        .expect("entry written");
    let spaces = vec![b' '; 1024 * 1024];
    for _ in 0..65 {
        writer.write_all(&spaces).expect("entry written");
    }
    writer
        .write_all(b"</w:body></w:document>")
        .expect("entry written");
    writer.finish().expect("archive written").into_inner()
}

/// An Excel workbook (XLSX) with one sheet and one cell.
pub fn xlsx() -> Vec<u8> {
    xlsx_of(r#"<c r="A1"><v>42</v></c>"#)
}

/// A workbook whose one cell holds `text` (an inline string).
pub fn xlsx_with(text: &str) -> Vec<u8> {
    xlsx_of(&format!(
        r#"<c r="A1" t="inlineStr"><is><t>{text}</t></is></c>"#
    ))
}

fn xlsx_of(cells: &str) -> Vec<u8> {
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">{cells}</row></sheetData></worksheet>"#
    );
    zip(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", &package_rels("xl/workbook.xml")),
        (
            "xl/workbook.xml",
            br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Indicatori" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
    ])
}

/// A PowerPoint presentation (PPTX): the package parts the server reads.
pub fn pptx() -> Vec<u8> {
    zip(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", &package_rels("ppt/presentation.xml")),
        (
            "ppt/presentation.xml",
            br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"><p:sldSz cx="9144000" cy="6858000"/><p:notesSz cx="6858000" cy="9144000"/></p:presentation>"#,
        ),
    ])
}

fn odf(mimetype: &str, body: &str) -> Vec<u8> {
    let manifest = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="{mimetype}"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#
    );
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.2"><office:body>{body}</office:body></office:document-content>"#
    );
    zip(&[
        ("mimetype", mimetype.as_bytes()),
        ("META-INF/manifest.xml", manifest.as_bytes()),
        ("content.xml", content.as_bytes()),
    ])
}

/// An OpenDocument text whose one paragraph is `text`.
pub fn odt_with(text: &str) -> Vec<u8> {
    odf(
        "application/vnd.oasis.opendocument.text",
        &format!("<office:text><text:p>{text}</text:p></office:text>"),
    )
}

/// An OpenDocument text (ODT) with one paragraph.
pub fn odt() -> Vec<u8> {
    odf(
        "application/vnd.oasis.opendocument.text",
        "<office:text><text:p>Ghid de bune practici anticorupție</text:p></office:text>",
    )
}

/// An OpenDocument spreadsheet (ODS) with one cell.
pub fn ods() -> Vec<u8> {
    odf(
        "application/vnd.oasis.opendocument.spreadsheet",
        r#"<office:spreadsheet><table:table table:name="Indicatori"><table:table-row><table:table-cell office:value-type="float" office:value="42"><text:p>42</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet>"#,
    )
}

/// An ODT whose `content.xml` is not well-formed (`<text:p>` never
/// closed).
pub fn odt_malformed() -> Vec<u8> {
    odf(
        "application/vnd.oasis.opendocument.text",
        "<office:text><text:p>Ghid</office:text>",
    )
}

/// An XLSX whose workbook part is not XML at all.
pub fn xlsx_malformed() -> Vec<u8> {
    zip(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", &package_rels("xl/workbook.xml")),
        (
            "xl/workbook.xml",
            b"<workbook><sheets><sheet name=\"x\"></workbook",
        ),
    ])
}

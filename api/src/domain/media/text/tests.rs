use super::super::{
    MediaType,
    samples::{CONTENT_TYPES, MANIFEST_XML, noise, pdf_with_contents, picture, zip},
};
use super::{Extraction, MAX_TEXT_CHARS, NO_PDF_TEXT, extract};

fn text_of(media: MediaType, bytes: &[u8]) -> String {
    match extract(media, bytes) {
        Extraction::Text { text, .. } => text,
        other => format!("no text: {other:?}"),
    }
}

const W: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"";

#[test]
fn a_word_document_gives_its_paragraphs_with_entities_resolved() {
    let body = format!(
        "<w:document {W}><w:body>\
         <w:p><w:r><w:t>Conflict de </w:t></w:r><w:r><w:t>interese</w:t></w:r></w:p>\
         <w:p><w:r><w:t xml:space=\"preserve\">și incompatibilități &amp; </w:t><w:tab/><w:t>&#x219;tampile</w:t></w:r></w:p>\
         <w:p><w:r><w:instrText>PAGE</w:instrText></w:r></w:p>\
         </w:body></w:document>"
    );
    let file = zip(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        ("word/document.xml", body.as_bytes()),
        (
            "word/footnotes.xml",
            format!("<w:footnotes {W}><w:footnote><w:p><w:r><w:t>Legea 161/2003</w:t></w:r></w:p></w:footnote></w:footnotes>").as_bytes(),
        ),
    ]);
    assert_eq!(
        text_of(MediaType::Docx, &file),
        "Conflict de interese\nși incompatibilități & ștampile\nLegea 161/2003"
    );
}

#[test]
fn slides_are_read_in_their_numeric_order() {
    let slide = |text: &str| {
        format!(
            "<p:sld xmlns:p=\"p\" xmlns:a=\"a\"><a:p><a:r><a:t>{text}</a:t></a:r></a:p></p:sld>"
        )
    };
    let (two, ten) = (slide("Etapa a doua"), slide("Etapa a zecea"));
    let file = zip(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        ("ppt/presentation.xml", b"<p:presentation xmlns:p=\"p\"/>"),
        ("ppt/slides/slide10.xml", ten.as_bytes()),
        ("ppt/slides/slide2.xml", two.as_bytes()),
        ("ppt/slides/_rels/slide2.xml.rels", b"<Relationships/>"),
    ]);
    assert_eq!(
        text_of(MediaType::Pptx, &file),
        "Etapa a doua\nEtapa a zecea"
    );
}

#[test]
fn a_workbook_gives_its_shared_and_inline_strings_but_not_its_numbers() {
    let file = zip(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        ("xl/workbook.xml", b"<workbook><sheets/></workbook>"),
        (
            "xl/sharedStrings.xml",
            b"<sst><si><t>Indicator</t></si><si><r><t>Acorduri </t></r><r><t>semnate</t></r></si></sst>",
        ),
        (
            "xl/worksheets/sheet1.xml",
            b"<worksheet><sheetData><row><c t=\"s\"><v>0</v></c><c><v>42</v></c><c t=\"inlineStr\"><is><t>Lugoj</t></is></c></row></sheetData></worksheet>",
        ),
    ]);
    assert_eq!(
        text_of(MediaType::Xlsx, &file),
        "Indicator\nAcorduri semnate\nLugoj"
    );
}

#[test]
fn an_opendocument_text_gives_every_text_node_of_its_body() {
    let content = b"<office:document-content xmlns:office=\"o\" xmlns:text=\"t\"><office:body><office:text>\
        <text:h>Cod etic</text:h><text:p>Declara\xC8\x9Bia<text:s/>de avere<text:line-break/>anual\xC4\x83</text:p>\
        </office:text></office:body></office:document-content>";
    let file = zip(&[
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        ("META-INF/manifest.xml", MANIFEST_XML),
        ("content.xml", content),
    ]);
    assert_eq!(
        text_of(MediaType::Odt, &file),
        "Cod etic\nDeclarația de avere\nanuală"
    );
}

#[test]
fn a_pdf_gives_the_text_of_every_page() {
    let file = pdf_with_contents(&[
        b"BT /F1 12 Tf 72 770 Td (Ghid privind conflictul de interese) Tj ET".to_vec(),
        b"BT /F1 12 Tf 72 770 Td (Registrul declaratiilor) Tj ET".to_vec(),
    ]);
    let text = text_of(MediaType::Pdf, &file);
    assert!(
        text.contains("Ghid privind conflictul de interese"),
        "{text}"
    );
    assert!(text.contains("Registrul declaratiilor"), "{text}");
}

#[test]
fn a_file_that_is_no_pdf_fails_with_a_reason_and_does_not_panic() {
    for bytes in [noise(4096, 7), b"%PDF-1.7\n%garbage".to_vec(), Vec::new()] {
        match extract(MediaType::Pdf, &bytes) {
            Extraction::Failed(reason) => assert!(reason.starts_with("the PDF cannot be read")),
            other => panic!("expected a failure, got {other:?}"),
        }
    }
    match extract(MediaType::Docx, &noise(1000, 3)) {
        Extraction::Failed(reason) => assert!(reason.contains("archive"), "{reason}"),
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[test]
fn a_broken_part_fails_the_office_file() {
    let file = zip(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        (
            "word/document.xml",
            b"<w:document><w:body></w:p></w:document>",
        ),
    ]);
    assert!(
        matches!(extract(MediaType::Docx, &file), Extraction::Failed(_)),
        "{:?}",
        extract(MediaType::Docx, &file)
    );
}

#[test]
fn images_carry_no_text() {
    let png = picture(image::ImageFormat::Png);
    assert_eq!(extract(MediaType::Png, &png), Extraction::Unsupported);
}

#[test]
fn text_is_bounded_and_marked_truncated() {
    let long = "a".repeat(MAX_TEXT_CHARS + 10);
    match extract(MediaType::Text, long.as_bytes()) {
        Extraction::Text { text, truncated } => {
            assert!(truncated);
            assert_eq!(text.chars().count(), MAX_TEXT_CHARS);
        }
        other => panic!("expected text, got {other:?}"),
    }
    match extract(MediaType::Markdown, b"# Titlu\n\nscurt") {
        Extraction::Text { text, truncated } => {
            assert!(!truncated);
            assert_eq!(text, "# Titlu\nscurt");
        }
        other => panic!("expected text, got {other:?}"),
    }
}

#[test]
fn white_space_collapses_and_control_characters_are_dropped() {
    assert_eq!(
        text_of(MediaType::Text, b"  un\x00 \t doi \r\n\n trei\x07  "),
        "un doi\ntrei"
    );
}

#[test]
fn a_pdf_whose_pages_give_no_text_fails_saying_so() {
    for contents in [
        vec![Vec::new()],
        vec![noise(512, 3)],
        vec![b"0 0 m 100 100 l S".to_vec()],
    ] {
        match extract(MediaType::Pdf, &pdf_with_contents(&contents)) {
            Extraction::Failed(reason) => assert!(reason.starts_with(NO_PDF_TEXT), "{reason}"),
            other => panic!("expected a failure, got {other:?}"),
        }
    }
}

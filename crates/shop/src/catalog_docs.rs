//! The catalog's documents the shop serves itself (datasheets, manuals,
//! declarations), so that a buyer can download and keep them without the
//! internet: stored once per part family and kind, under
//! `GET /api/v1/documents/{id}` beside the documents of shipments, and
//! served to a company that sees the family (another company is answered
//! as if the document did not exist).

use super::error::ShopError;
use super::fulfil::{StoredDocument, document_path};
use procure_generate::GeneratedProduct;
use procure_protocol::api::DocumentKind;
use rusqlite::{Connection, OptionalExtension, Transaction, named_params, params};
use std::collections::BTreeMap;

/// A document of a part family, as the demo seeds it.
pub struct FamilyDocument {
    pub id: String,
    pub family: String,
    pub file_name: String,
    pub content: Vec<u8>,
}

/// A catalog document for a company that sees its family.
pub fn document(conn: &Connection, company_id: i64, id: &str) -> Result<Option<StoredDocument>, ShopError> {
    Ok(conn
        .prepare_cached(
            "SELECT d.file_name, d.content_type, d.content FROM catalog_documents d
             WHERE d.id = :id AND d.family IN (SELECT family FROM company_families WHERE company_id = :company
                 UNION SELECT name FROM families WHERE public = 1)",
        )?
        .query_row(named_params! {":id": id, ":company": company_id}, |r| {
            Ok(StoredDocument { file_name: r.get(0)?, content_type: r.get(1)?, content: r.get(2)? })
        })
        .optional()?)
}

/// Stores the documents (a PDF each).
pub fn store(tx: &Transaction<'_>, docs: &[FamilyDocument]) -> Result<(), ShopError> {
    let mut insert = tx.prepare(
        "INSERT INTO catalog_documents (id, family, file_name, content_type, content) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (id) DO NOTHING",
    )?;
    for d in docs {
        insert.execute(params![d.id, d.family, d.file_name, "application/pdf", d.content])?;
    }
    Ok(())
}

/// The demo's documents: one per part family and kind (and certificate
/// title), generated once, not one file per part; each part's documents
/// then point at the shop's own (`/api/v1/documents/{id}`), so the demo
/// serves them without the internet.
pub fn for_demo(generated: &mut [GeneratedProduct]) -> Vec<FamilyDocument> {
    let mut docs: BTreeMap<String, FamilyDocument> = BTreeMap::new();
    for g in generated.iter_mut() {
        for d in &mut g.product.documents {
            let (id, heading) = match d.kind {
                DocumentKind::Datasheet => (format!("datasheet-{}", g.family), "Datasheet".to_string()),
                DocumentKind::Manual => (format!("manual-{}", g.family), "Operating instructions".to_string()),
                _ => (format!("{}-{}", slug(&d.title), g.family), d.title.clone()),
            };
            docs.entry(id.clone()).or_insert_with(|| FamilyDocument {
                file_name: format!("{id}.pdf"),
                content: pdf(
                    &format!("{heading} — {}", g.family),
                    &[
                        format!("Part family: {} ({})", g.family, g.product.category),
                        "Nordwerk Industriebedarf GmbH — procure demo shop".to_string(),
                        "One document for every part of the family: the values of a part".to_string(),
                        "are those of its catalog entry (procure show SKU).".to_string(),
                    ],
                ),
                id: id.clone(),
                family: g.family.to_string(),
            });
            d.url = document_path(&id);
        }
    }
    docs.into_values().collect()
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// A one-page PDF with a heading and a few lines of text (Helvetica,
/// WinAnsi: non-ASCII letters become '?'): small and valid, so a PDF
/// viewer opens it.
pub fn pdf(heading: &str, lines: &[String]) -> Vec<u8> {
    let text = |s: &str| -> String {
        s.chars()
            .map(|c| match c {
                '(' | ')' | '\\' => format!("\\{c}"),
                '—' => "-".to_string(),
                c if c.is_ascii() && !c.is_ascii_control() => c.to_string(),
                _ => "?".to_string(),
            })
            .collect()
    };
    let mut stream = format!("BT /F1 18 Tf 56 780 Td ({}) Tj ET\n", text(heading));
    for (i, l) in lines.iter().enumerate() {
        stream += &format!("BT /F1 11 Tf 56 {} Td ({}) Tj ET\n", 740 - 18 * i, text(l));
    }
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_string(),
        format!("<< /Length {} >>\nstream\n{stream}endstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The PDF's cross-reference table points at its objects.
    #[test]
    fn a_generated_pdf_is_well_formed() {
        let doc = pdf("Datasheet — bearings (x)", &["Line".to_string()]);
        let text = String::from_utf8_lossy(&doc);
        assert!(text.starts_with("%PDF-1.4\n") && text.ends_with("%%EOF\n"));
        assert!(text.contains("(Datasheet - bearings \\(x\\)) Tj"), "{text}");
        let start: usize = text.rsplit("startxref\n").next().unwrap().lines().next().unwrap().parse().unwrap();
        assert!(text[start..].starts_with("xref\n"));
        for (n, line) in text[start..].lines().skip(3).take(5).enumerate() {
            let at: usize = line[..10].parse().unwrap();
            assert!(text[at..].starts_with(&format!("{} 0 obj", n + 1)), "object {}", n + 1);
        }
    }

    #[test]
    fn the_demo_serves_one_document_per_family_and_kind() {
        let mut parts = procure_generate::products(2_000, 7);
        let docs = for_demo(&mut parts);
        assert!(parts.iter().all(|g| g.product.documents.iter().all(|d| d.url.starts_with("/api/v1/documents/"))));
        let families: std::collections::BTreeSet<&str> = parts.iter().map(|g| g.family).collect();
        assert!(docs.len() < 10 * families.len(), "{} documents", docs.len());
        for g in &parts {
            let datasheet = g.product.documents.iter().find(|d| d.kind == DocumentKind::Datasheet).unwrap();
            assert!(docs.iter().any(|d| datasheet.url.ends_with(&d.id)), "{}", datasheet.url);
        }
    }
}

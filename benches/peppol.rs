//! A Peppol supplier's T19 catalogue of a gigabyte, synced: generates the
//! document (250,000 parts of the generated catalog, each line about 4 KiB
//! of UBL: tiers, lead time, classification, tax, properties and a long
//! description), points a Peppol profile at it and runs `procure sync`
//! under GNU time (`/usr/bin/time`) for its wall time and peak memory.
//!
//! cargo bench -p procure --bench peppol
//! PROCURE_PEPPOL_ITEMS=50000 PROCURE_PEPPOL_MB=200 cargo bench -p procure --bench peppol   # smaller
//! PROCURE_PEPPOL_DIR=/tmp/t19 cargo bench -p procure --bench peppol   # keep (and reuse) the document there
//! PROCURE_PEPPOL_BIN=path/to/procure cargo bench -p procure --bench peppol   # sync with another build

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The target: a gigabyte with 250,000 parts syncs within this peak memory.
const PEAK_BOUND_MIB: f64 = 300.0;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.replace('_', "").parse().ok()).unwrap_or(default)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Writes the catalogue: `items` lines of about `line_bytes` each.
fn write_catalogue(path: &Path, items: usize, line_bytes: usize) -> std::io::Result<u64> {
    let parts = procure_generate::products(items, 42);
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    write!(
        w,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <Catalogue xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Catalogue-2\"\n  \
         xmlns:cac=\"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2\"\n  \
         xmlns:cbc=\"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2\">\n  \
         <cbc:CustomizationID>urn:fdc:peppol.eu:poacc:trns:catalogue:3</cbc:CustomizationID>\n  \
         <cbc:ProfileID>urn:fdc:peppol.eu:poacc:bis:catalogue_only:3</cbc:ProfileID>\n  \
         <cbc:ID>BENCH-1</cbc:ID>\n  <cbc:ActionCode>Add</cbc:ActionCode>\n  <cbc:Name>Bench catalogue</cbc:Name>\n  \
         <cbc:IssueDate>2026-01-05</cbc:IssueDate>\n  <cbc:VersionID>1</cbc:VersionID>\n  \
         <cac:ProviderParty><cbc:EndpointID schemeID=\"0088\">5790000435975</cbc:EndpointID>\
         <cac:PartyName><cbc:Name>Bench supplier</cbc:Name></cac:PartyName></cac:ProviderParty>\n  \
         <cac:ReceiverParty><cbc:EndpointID schemeID=\"0106\">12345678</cbc:EndpointID>\
         <cac:PartyName><cbc:Name>Acme</cbc:Name></cac:PartyName></cac:ReceiverParty>\n"
    )?;
    let filler = "Suitable for general engineering, maintenance and repair; supplied in the manufacturer's \
                  original packaging with its documentation. ";
    for (i, g) in parts.iter().enumerate() {
        let p = &g.product;
        let mut line = String::with_capacity(line_bytes + 512);
        let list = 1 + (i % 400) as u64;
        line.push_str(&format!(
            "  <cac:CatalogueLine>\n    <cbc:ID>{i}</cbc:ID>\n    <cbc:ActionCode>Add</cbc:ActionCode>\n    \
             <cbc:OrderableIndicator>true</cbc:OrderableIndicator>\n    <cbc:OrderableUnit>C62</cbc:OrderableUnit>\n    \
             <cbc:MinimumOrderQuantity unitCode=\"C62\">1</cbc:MinimumOrderQuantity>\n"
        ));
        for (min, cents) in [(1, list * 100), (10, list * 95), (100, list * 90)] {
            line.push_str(&format!(
                "    <cac:RequiredItemLocationQuantity>\n      <cbc:LeadTimeMeasure unitCode=\"DAY\">{}</cbc:LeadTimeMeasure>\n      \
                 <cbc:MinimumQuantity unitCode=\"C62\">{min}</cbc:MinimumQuantity>\n      <cac:Price>\n        \
                 <cbc:PriceAmount currencyID=\"EUR\">{}.{:02}</cbc:PriceAmount>\n        \
                 <cbc:BaseQuantity unitCode=\"C62\">1</cbc:BaseQuantity>\n      </cac:Price>\n    \
                 </cac:RequiredItemLocationQuantity>\n",
                p.lead_time_days,
                cents / 100,
                cents % 100
            ));
        }
        line.push_str(&format!(
            "    <cac:Item>\n      <cbc:Description>{}",
            escape(if p.description.is_empty() { &p.name } else { &p.description })
        ));
        // The description makes up the line's size.
        let tail = format!(
            "</cbc:Description>\n      <cbc:PackSizeNumeric>{}</cbc:PackSizeNumeric>\n      <cbc:Name>{}</cbc:Name>\n      \
             <cbc:BrandName>{}</cbc:BrandName>\n      \
             <cac:SellersItemIdentification><cbc:ID>{}</cbc:ID></cac:SellersItemIdentification>\n      \
             <cac:ManufacturersItemIdentification><cbc:ID>{}</cbc:ID></cac:ManufacturersItemIdentification>\n      \
             <cac:StandardItemIdentification><cbc:ID schemeID=\"0160\">{}</cbc:ID></cac:StandardItemIdentification>\n      \
             <cac:CommodityClassification><cbc:ItemClassificationCode listID=\"TST\" name=\"{}\">{}</cbc:ItemClassificationCode></cac:CommodityClassification>\n      \
             <cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>19</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory>\n",
            p.pack_size.max(1),
            escape(&p.name),
            escape(&p.manufacturer),
            escape(&p.sku),
            escape(&p.mpn),
            escape(&p.gtin),
            escape(&p.category),
            10_000 + i % 5_000
        );
        let mut props = String::new();
        for a in &p.attributes {
            props.push_str(&format!(
                "      <cac:AdditionalItemProperty><cbc:Name>{}</cbc:Name><cbc:Value>{}</cbc:Value></cac:AdditionalItemProperty>\n",
                escape(&a.name),
                escape(&a.value)
            ));
        }
        props.push_str(&format!(
            "      <cac:ManufacturerParty><cac:PartyName><cbc:Name>{}</cbc:Name></cac:PartyName></cac:ManufacturerParty>\n    \
             </cac:Item>\n  </cac:CatalogueLine>\n",
            escape(&p.manufacturer)
        ));
        while line.len() + tail.len() + props.len() + filler.len() < line_bytes {
            line.push(' ');
            line.push_str(filler);
        }
        line.push_str(&tail);
        line.push_str(&props);
        w.write_all(line.as_bytes())?;
    }
    w.write_all(b"</Catalogue>\n")?;
    w.flush()?;
    Ok(std::fs::metadata(path)?.len())
}

fn main() {
    let items = env_or("PROCURE_PEPPOL_ITEMS", 250_000);
    let mb = env_or("PROCURE_PEPPOL_MB", 1024);
    let bin = std::env::var_os("PROCURE_PEPPOL_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_procure")));
    let temp;
    let dir = match std::env::var_os("PROCURE_PEPPOL_DIR") {
        Some(d) => PathBuf::from(d),
        None => {
            temp = tempfile::tempdir().expect("a temporary folder");
            temp.path().to_path_buf()
        }
    };
    std::fs::create_dir_all(&dir).expect("the bench folder");
    let file = dir.join(format!("catalogue-{items}-{mb}MB.xml"));
    let started = Instant::now();
    let size = match std::fs::metadata(&file) {
        Ok(m) => m.len(),
        Err(_) => write_catalogue(&file, items, mb * 1024 * 1024 / items).expect("the catalogue is written"),
    };
    println!(
        "T19 catalogue: {items} parts, {:.0} MiB ({:.1} s to write or find)",
        size as f64 / (1024.0 * 1024.0),
        started.elapsed().as_secs_f64()
    );

    let home = dir.join("home");
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home).expect("PROCURE_HOME");
    std::fs::write(
        home.join("config.toml"),
        format!(
            "default_profile = \"bench\"\n\n[profiles.bench]\nbackend = \"peppol\"\ncatalogue = {:?}\n\
             outbox = {:?}\ninbox = {:?}\nbuyer_endpoint = \"0106:12345678\"\nbuyer_name = \"Acme\"\n",
            file.display().to_string(),
            dir.join("out").display().to_string(),
            dir.join("in").display().to_string()
        ),
    )
    .expect("config.toml");

    let has_time = Path::new("/usr/bin/time").is_file();
    let mem = dir.join("mem.txt");
    let mut cmd = if has_time {
        let mut c = Command::new("/usr/bin/time");
        c.args(["-f", "%M %e"]).arg("-o").arg(&mem).arg(&bin);
        c
    } else {
        Command::new(&bin)
    };
    let started = Instant::now();
    let out = cmd.args(["--json", "sync"]).env("PROCURE_HOME", &home).output().expect("procure runs");
    let secs = started.elapsed().as_secs_f64();
    if !out.status.success() {
        panic!("procure sync failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("the sync's JSON");
    assert_eq!(report["products_total"].as_u64(), Some(items as u64), "every part synced: {report}");
    let peak = std::fs::read_to_string(&mem)
        .ok()
        .and_then(|t| t.lines().last()?.split_whitespace().next()?.parse::<f64>().ok())
        .map(|kib| kib / 1024.0);
    match peak {
        Some(peak) => {
            println!(
                "procure sync: {items} parts in {secs:.1} s, peak memory {peak:.0} MiB ({:.2}× the file; bound {PEAK_BOUND_MIB:.0} MiB: {})",
                peak * 1024.0 * 1024.0 / size as f64,
                if peak <= PEAK_BOUND_MIB { "kept" } else { "EXCEEDED" }
            );
        }
        None => println!("procure sync: {items} parts in {secs:.1} s (no GNU time: peak memory unknown)"),
    }
}

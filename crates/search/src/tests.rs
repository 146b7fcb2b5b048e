use super::*;
use procure_generate as generate;

fn doc(sku: &str, mpn: &str, manufacturer: &str, gtin: &str, name: &str) -> SearchDoc {
    SearchDoc {
        sku: sku.into(),
        mpn: mpn.into(),
        gtin: gtin.into(),
        manufacturer: manufacturer.into(),
        name: name.into(),
    }
}

/// A small hand-made catalog; ids are the positions.
fn shelf() -> SearchIndex {
    SearchIndex::new(vec![
        doc("P-100001", "6205-2RSH/C3", "SKF", "4012345000011", "Deep groove ball bearing 6205-2RSH/C3 25x52x15"),
        doc("P-100002", "6205-2RSR-C3", "FAG", "4012345000028", "Deep groove ball bearing 6205-2RSR-C3 25x52x15"),
        doc("P-100003", "6205", "NSK", "4012345000035", "Deep groove ball bearing 6205 25x52x15"),
        doc("P-100004", "6206-2Z", "SKF", "4012345000042", "Deep groove ball bearing 6206-2Z 30x62x16"),
        doc("P-100005", "DIN 933 M8x25 A2-70", "Würth", "4006381333931", "Hexagon head screw DIN 933 M8x25 A2-70"),
        doc("P-100006", "ISO 4762 M8x25 12.9", "Bossard", "4012345000066", "Socket head cap screw ISO 4762 M8x25 12.9"),
        doc("P-100007", "DIN 934 M8 8", "Würth", "4012345000073", "Hexagon nut DIN 934 M8 8"),
        doc(
            "P-100008",
            "3RT2015-1BB41",
            "Siemens",
            "4012345000080",
            "Power contactor 3RT2015-1BB41, 3 kW / 400 V, 24 V DC, 1 NO",
        ),
        doc(
            "P-100009",
            "LC1D09BD",
            "Schneider Electric",
            "4012345000097",
            "Power contactor LC1D09BD, 4 kW / 400 V, 24 V DC",
        ),
        doc(
            "P-100010",
            "LC1D09P7",
            "Schneider Electric",
            "4012345000103",
            "Power contactor LC1D09P7, 4 kW / 400 V, 230 V AC 50/60 Hz",
        ),
        doc("P-100011", "QS-8-6", "Festo", "4012345000110", "Push-in fitting reducer QS-8-6, tube 8 mm"),
        doc("6205", "6205-ZZ", "ZEN", "4012345000127", "Deep groove ball bearing 6205-ZZ 25x52x15"),
        doc("P-100013", "6020-5Z", "ZEN", "4012345000134", "Test part 6020-5Z"),
        doc("P-100014", "1119303", "LAPP", "", "ÖLFLEX CLASSIC 110 3G1,5 control cable"),
    ])
}

fn skus(index: &SearchIndex, r: &SearchResult) -> Vec<String> {
    r.hits.iter().map(|h| index.doc(h.id).sku.clone()).collect()
}

fn kinds(r: &SearchResult) -> Vec<MatchKind> {
    r.hits.iter().map(|h| h.kind).collect()
}

#[test]
fn normalisation_drops_separators_and_case() {
    assert_eq!(normalize("6205-2RSH/C3"), "62052rshc3");
    assert_eq!(normalize("DIN 933 M8x25"), "din933m8x25");
    assert_eq!(normalize("DIN 125 A 8,4 A2"), "din125a84a2");
    assert_eq!(normalize("ÖLFLEX CLASSIC 110 3G1,5"), "ölflexclassic1103g15");
    assert_eq!(normalize("DILM12-10(24VDC)"), "dilm121024vdc");
    assert_eq!(normalize(" -/. "), "");
}

#[test]
fn empty_query_has_no_hits() {
    let index = shelf();
    assert_eq!(index.search("", 10), SearchResult::default());
    assert_eq!(index.search("  -/ ", 10), SearchResult::default());
    assert!(index.search("6205", 0).hits.is_empty());
    assert!(SearchIndex::new(Vec::new()).search("6205", 10).hits.is_empty());
}

#[test]
fn separators_and_case_do_not_matter() {
    let index = shelf();
    let r = index.search("62052rs", 10);
    assert_eq!(skus(&index, &r), ["P-100001", "P-100002"]);
    assert!(r.hits.iter().all(|h| h.kind == MatchKind::Prefix));
    let r = index.search("m8x25", 10);
    assert_eq!(skus(&index, &r), ["P-100005", "P-100006"]);
    let r = index.search("qs 8 6", 10);
    assert_eq!(skus(&index, &r)[0], "P-100011");
    assert_eq!(r.hits[0].kind, MatchKind::Exact);
}

#[test]
fn exact_sku_first_then_exact_mpn_then_prefix() {
    let index = shelf();
    let r = index.search("P-100008", 5);
    assert_eq!(skus(&index, &r)[0], "P-100008");
    assert_eq!(r.hits[0].kind, MatchKind::Exact);

    // "6205": one part has it as sku, one as mpn, others start with it.
    let r = index.search("6205", 20);
    let s = skus(&index, &r);
    assert_eq!(&s[..2], ["6205", "P-100003"]);
    assert_eq!(&kinds(&r)[..2], [MatchKind::Exact, MatchKind::Exact]);
    // Then the prefixes.
    assert_eq!(s, ["6205", "P-100003", "P-100001", "P-100002", "P-100013"]);
    assert!(kinds(&r)[2..4].iter().all(|k| *k == MatchKind::Prefix));
    // The fuzzy 6020-5Z comes last.
    assert_eq!(s.last().map(String::as_str), Some("P-100013"));
    assert_eq!(r.hits.last().map(|h| h.kind), Some(MatchKind::Fuzzy));
    // Kinds never go back up.
    assert!(kinds(&r).windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn exact_mpn_beats_prefix_even_with_a_longer_sku_match() {
    let index = shelf();
    let r = index.search("LC1D09BD", 10);
    assert_eq!(skus(&index, &r), ["P-100009"]);
    assert_eq!(r.hits[0].kind, MatchKind::Exact);
    let r = index.search("lc1d09", 10);
    assert_eq!(skus(&index, &r), ["P-100009", "P-100010"]);
    assert_eq!(kinds(&r), [MatchKind::Prefix, MatchKind::Prefix]);
}

#[test]
fn boost_reorders_within_a_class_only() {
    let mut index = shelf();
    let before = skus(&index, &index.search("6205-2rs", 10));
    assert_eq!(before, ["P-100001", "P-100002"]);
    index.set_boosts([("P-100002".to_string(), 3)]);
    let r = index.search("6205-2rs", 10);
    assert_eq!(skus(&index, &r), ["P-100002", "P-100001"]);
    assert!(r.hits[0].score > r.hits[1].score);

    // A heavily ordered fuzzy hit stays below every exact and prefix hit.
    index.set_boosts([("P-100013".to_string(), 1_000), ("P-100002".to_string(), 1)]);
    let r = index.search("6205", 20);
    let last = r.hits.last().expect("hits");
    assert_eq!(index.doc(last.id).sku, "P-100013");
    assert_eq!(last.kind, MatchKind::Fuzzy);
    assert_eq!(r.hits[0].kind, MatchKind::Exact);
    // Boosts are replaced, not added to.
    index.set_boosts(Vec::new());
    assert_eq!(skus(&index, &index.search("6205-2rs", 10)), before);
}

#[test]
fn gtin_finds_the_part_exactly() {
    let index = shelf();
    let r = index.search("4006381333931", 5);
    assert_eq!(skus(&index, &r), ["P-100005"]);
    assert_eq!(r.hits[0].kind, MatchKind::Exact);
    let r = index.search("4 006381 333931", 5);
    assert_eq!(skus(&index, &r), ["P-100005"]);
    // Seven digits and more: a gtin prefix.
    let r = index.search("4006381", 5);
    assert_eq!(skus(&index, &r), ["P-100005"]);
    assert_eq!(r.hits[0].kind, MatchKind::Prefix);
    // A short gtin prefix is noise: not a match by itself.
    let r = index.search("4012", 20);
    assert!(r.hits.iter().all(|h| h.kind > MatchKind::Prefix));
}

#[test]
fn every_word_must_match() {
    let index = shelf();
    assert_eq!(skus(&index, &index.search("skf 6205", 10)), ["P-100001"]);
    assert_eq!(skus(&index, &index.search("screw m8x25", 10)), ["P-100005", "P-100006"]);
    let mut s = skus(&index, &index.search("contactor 24v", 10));
    s.sort();
    assert_eq!(s, ["P-100008", "P-100009"]);
    assert_eq!(skus(&index, &index.search("24v contactor", 10)), skus(&index, &index.search("contactor 24v", 10)));
    let r = index.search("din 933 m8", 10);
    assert_eq!(skus(&index, &r)[0], "P-100005");
    assert_eq!(r.hits[0].kind, MatchKind::Prefix);
    assert_eq!(index.search("ölflex 3g1,5", 10).hits.len(), 1);
    // Words do not match across fields: "skf6205" is nobody's text.
    assert!(index.search("skf6205", 10).hits.iter().all(|h| h.kind == MatchKind::Fuzzy));
}

#[test]
fn total_counts_all_matches_beyond_the_limit() {
    let index = shelf();
    let r = index.search("bearing", 2);
    assert_eq!(r.hits.len(), 2);
    assert_eq!(r.total, 5);
    let r = index.search("contactor", 1);
    assert_eq!(r.total, 3);
}

/// `total` and the order of the hits are the same whatever the limit: a
/// smaller limit shows the first hits of a larger one, and counts as many.
#[test]
fn the_total_does_not_depend_on_the_limit() {
    let (_, index) = generated(20_000, 42);
    for query in ["6205", "m8x25", "6205 2rs", "din 933", "62052rs", "contactor", "3rt2015", "deep grove", "skf 62"] {
        let all = index.search(query, index.len());
        assert!(all.total > 0, "{query}");
        assert_eq!(all.total, all.hits.len(), "{query}: every match is listed when the limit allows");
        for limit in [1, 20, 49, 50, 51, 200] {
            // Fresh (after a query that leaves nothing to refine) and refined.
            for warm in [false, true] {
                if !warm {
                    index.search("zzqqzz", limit);
                }
                let r = index.search(query, limit);
                assert_eq!(r.total, all.total, "{query} --limit {limit} (warm: {warm})");
                assert_eq!(r.hits[..], all.hits[..r.hits.len()], "{query} --limit {limit} (warm: {warm})");
                assert_eq!(r.hits.len(), limit.min(all.total), "{query} --limit {limit}");
            }
        }
    }
}

#[test]
fn fuzzy_finds_subsequences() {
    let index = shelf();
    let r = index.search("3rt20151bb1", 5);
    assert_eq!(skus(&index, &r), ["P-100008"]);
    assert_eq!(r.hits[0].kind, MatchKind::Fuzzy);
    let r = index.search("contctor 24v", 5);
    let mut s = skus(&index, &r);
    s.sort();
    assert_eq!(s, ["P-100008", "P-100009"]);
    assert!(r.hits.iter().all(|h| h.kind == MatchKind::Fuzzy));
    // Two characters are too few to guess.
    assert!(index.search("zq", 5).hits.is_empty());
}

#[test]
fn find_sku_ignores_case_and_separators() {
    let index = shelf();
    assert_eq!(index.find_sku("P-100005"), Some(4));
    assert_eq!(index.find_sku("p100005"), Some(4));
    assert_eq!(index.find_sku(" p-100005 "), Some(4));
    assert_eq!(index.find_sku("6205"), Some(11));
    assert_eq!(index.find_sku("P-999999"), None);
    assert_eq!(index.find_sku(""), None);
}

#[test]
fn suggest_finds_the_sku_behind_a_typo() {
    let index = shelf();
    // Swapped neighbours, a wrong digit, a missing digit.
    assert_eq!(index.suggest("P-100080", 1), ["P-100008"]);
    assert!(index.suggest("P-100095", 3).contains(&"P-100005".to_string()));
    assert!(index.suggest("P-10011", 3).contains(&"P-100011".to_string()));
    // A type number with a typo suggests the part's sku.
    assert_eq!(index.suggest("3RT2015-1BB14", 1), ["P-100008"]);
    assert!(index.suggest("", 3).is_empty());
    assert!(index.suggest("P-100008", 0).is_empty());
}

#[test]
fn suggest_on_a_generated_catalog() {
    let items = generate::products(5_000, 21);
    let index = SearchIndex::new(items.iter().map(|g| to_doc(&g.product)).collect());
    let mut checked = 0;
    for g in items.iter().step_by(97) {
        let sku = &g.product.sku;
        // Swap two neighbouring digits, the most common slip.
        let mut chars: Vec<char> = sku.chars().collect();
        let Some(at) = (3..chars.len() - 1).find(|&i| chars[i] != chars[i + 1]) else {
            continue;
        };
        chars.swap(at, at + 1);
        let typo: String = chars.into_iter().collect();
        if index.find_sku(&typo).is_some() {
            continue;
        }
        let got = index.suggest(&typo, 3);
        assert_eq!(got.first(), Some(sku), "{typo} → {got:?}");
        checked += 1;
    }
    assert!(checked > 20);
}

#[test]
fn osa_distance() {
    let mut rows = Default::default();
    let mut d = |a: &str, b: &str, max| suggest::osa_within(a.as_bytes(), b.as_bytes(), max, &mut rows);
    // Costs in half typos: swapped neighbours 1, other slips 2.
    assert_eq!(d("p100008", "p100080", 4), Some(1));
    assert_eq!(d("p100008", "p100018", 4), Some(2));
    assert_eq!(d("abc", "abc", 0), Some(0));
    assert_eq!(d("abc", "abd", 1), None);
    assert_eq!(d("abc", "xyz", 4), None);
    assert_eq!(d("6205", "62052", 2), Some(2));
    assert_eq!(d("", "ab", 4), Some(4));
    assert_eq!(d("", "abc", 4), None);
}

#[test]
fn highlights_point_at_the_matched_characters() {
    let index = shelf();
    let h = index.highlight(0, "62052rs");
    assert_eq!(h.mpn, [0, 1, 2, 3, 5, 6, 7]); // "6205" "2RS" of 6205-2RSH/C3
    let name: Vec<char> = index.doc(0).name.chars().collect();
    let lit: String = h.name.iter().map(|&i| name[i]).collect();
    assert_eq!(lit, "62052RS");
    assert!(h.sku.is_empty());

    let h = index.highlight(4, "din 933 m8x25");
    let mpn: Vec<char> = index.doc(4).mpn.chars().collect();
    let lit: String = h.mpn.iter().map(|&i| mpn[i]).collect();
    assert_eq!(lit, "DIN933M8x25");

    // Fuzzy: the subsequence characters.
    let h = index.highlight(0, "6205rs");
    assert_eq!(h.mpn, [0, 1, 2, 3, 6, 7]);

    // Unicode: indices are characters, not bytes.
    let h = index.highlight(13, "ölflex");
    assert_eq!(h.name, [0, 1, 2, 3, 4, 5]);

    let h = index.highlight(7, "p100008");
    assert_eq!(h.sku, [0, 2, 3, 4, 5, 6, 7]);
    assert_eq!(index.highlight(99, "x"), Highlights::default());
}

/// The parts of a generated catalog, as the index sees them, in the
/// generator's order.
pub(crate) fn generated_docs(n: usize, seed: u64) -> Vec<SearchDoc> {
    generate::products(n, seed).iter().map(|g| to_doc(&g.product)).collect()
}

fn to_doc(p: &procure_protocol::api::Product) -> SearchDoc {
    SearchDoc {
        sku: p.sku.clone(),
        mpn: p.mpn.clone(),
        gtin: p.gtin.clone(),
        manufacturer: p.manufacturer.clone(),
        name: p.name.clone(),
    }
}

fn generated(n: usize, seed: u64) -> (Vec<generate::GeneratedProduct>, SearchIndex) {
    let items = generate::products(n, seed);
    let index = SearchIndex::new(items.iter().map(|g| to_doc(&g.product)).collect());
    (items, index)
}

#[test]
fn type_numbers_in_a_generated_catalog() {
    let (_, index) = generated(20_000, 42);
    let r = index.search("62052rs", 50);
    assert!(r.total > 5);
    let first = index.doc(r.hits[0].id);
    assert!(normalize(&first.mpn).starts_with("62052rs"), "{first:?}");
    assert!(r.hits.iter().take(5).all(|h| h.kind <= MatchKind::Prefix));
    // No far-fetched fuzzy hits: a subsequence spread over a long name is not one.
    assert!(r.hits.iter().all(|h| h.kind != MatchKind::Fuzzy || normalize(&index.doc(h.id).mpn).contains("6205")));

    let r = index.search("m8x25", 50);
    assert!(r.hits.iter().all(|h| h.kind <= MatchKind::Contains));
    assert!(index.doc(r.hits[0].id).mpn.contains("M8x25"));
    let r = index.search("din 933 m8x25", 5);
    assert!(index.doc(r.hits[0].id).mpn.starts_with("DIN 933 M8x25"));

    let r = index.search("3RT2015-1BB41", 5);
    assert_eq!(r.hits[0].kind, MatchKind::Exact);
    assert_eq!(index.doc(r.hits[0].id).mpn, "3RT2015-1BB41");
}

/// Every part that contains all words is found, with the class a plain
/// scan gives it; the ranking never puts a worse class first.
#[test]
fn agrees_with_a_plain_scan() {
    let (_, index) = generated(3_000, 5);
    let texts: Vec<(String, String, String, String)> = (0..index.len() as u32)
        .map(|id| {
            let d = index.doc(id);
            let hay = [&d.sku, &d.mpn, &d.manufacturer, &d.name]
                .iter()
                .map(|s| normalize(s))
                .collect::<Vec<_>>()
                .join("\u{1}");
            (normalize(&d.sku), normalize(&d.mpn), normalize(&d.gtin), hay)
        })
        .collect();
    for query in [
        "6",
        "62",
        "6205",
        "62052rs",
        "p1",
        "m8",
        "din 933",
        "din 933 m8",
        "a2 screw",
        "skf 6205",
        "qs-8",
        "contactor 24v",
        "lapp",
        "ölflex 3g",
        "40",
        "x",
        "siemens 3rt",
        "kq2",
        "e",
        "gg",
    ] {
        let words: Vec<String> = query.split_whitespace().map(normalize).collect();
        let joined = words.concat();
        let mut want: Vec<(u32, MatchKind)> = Vec::new();
        for (id, (sku, mpn, gtin, hay)) in texts.iter().enumerate() {
            let kind = if *sku == joined || *mpn == joined || *gtin == joined {
                MatchKind::Exact
            } else if sku.starts_with(&joined)
                || mpn.starts_with(&joined)
                || (joined.len() >= 7 && gtin.starts_with(&joined))
            {
                MatchKind::Prefix
            } else if words.iter().all(|w| hay.contains(w.as_str())) {
                MatchKind::Contains
            } else {
                continue;
            };
            want.push((id as u32, kind));
        }
        let r = index.search(query, index.len());
        let mut got: Vec<(u32, MatchKind)> =
            r.hits.iter().filter(|h| h.kind != MatchKind::Fuzzy).map(|h| (h.id, h.kind)).collect();
        got.sort_unstable();
        assert_eq!(got, want, "{query}");
        assert!(kinds(&r).windows(2).all(|w| w[0] <= w[1]), "{query}");
        let r50 = index.search(query, 50);
        assert_eq!(r50.hits[..], r.hits[..r50.hits.len()], "{query}");
        if want.len() >= 50 {
            assert_eq!(r50.total, want.len(), "{query}");
        }
    }
}

#[test]
fn split_scan_gives_the_same_result() {
    let (_, mut index) = generated(4_000, 8);
    index.set_boosts([(index.doc(17).sku.clone(), 2), (index.doc(3_000).sku.clone(), 5)]);
    for query in ["6", "62052", "m8x25 a2", "contactor", "kq2h", "lc1d", "zzzz", "3rt20151bb1"] {
        for limit in [1, 10, 50, 5_000] {
            assert_eq!(
                index.search_split(query, limit, true),
                index.search_split(query, limit, false),
                "{query} {limit}"
            );
        }
    }
}

#[test]
fn building_on_several_threads_gives_the_same_index() {
    let (items, one) = generated(3_001, 13);
    let docs: Vec<SearchDoc> = items.iter().map(|g| to_doc(&g.product)).collect();
    for threads in [2, 3, 7] {
        let many = SearchIndex::build(docs.clone(), threads);
        assert_eq!(many.hay, one.hay);
        assert_eq!(many.starts, one.starts);
        assert_eq!(many.lens, one.lens);
        assert_eq!(many.masks, one.masks);
        assert_eq!(many.sku_rank, one.sku_rank);
        for id in (0..3_001).step_by(101) {
            assert_eq!(many.gtin(id), one.gtin(id));
        }
        assert_eq!(many.search("6205", 50), one.search("6205", 50));
    }
    assert!(SearchIndex::build(Vec::new(), 4).is_empty());
}

#[test]
fn skus_longer_than_sixteen_characters_sort_right() {
    let skus_in = ["ABCDEFGHIJKLMNOP-12", "ABCDEFGHIJKLMNOP-10", "ABCDEFGHIJKLMNOP-11", "ABCDEFGHIJKLMNOP-9"];
    let index = SearchIndex::new(skus_in.iter().map(|s| doc(s, "", "", "", "x")).collect());
    for (i, sku) in skus_in.iter().enumerate() {
        assert_eq!(index.find_sku(sku), Some(i as u32));
    }
    // Ties in a class: shorter keys first, then sku order.
    let r = index.search("abcdefghijklmnop", 4);
    assert_eq!(
        skus(&index, &r),
        ["ABCDEFGHIJKLMNOP-9", "ABCDEFGHIJKLMNOP-10", "ABCDEFGHIJKLMNOP-11", "ABCDEFGHIJKLMNOP-12"]
    );
}

#[test]
fn the_index_can_move_to_a_search_thread() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<SearchIndex>();
}

impl SearchIndex {
    /// `search` from the whole index, as if no query came before.
    fn search_cold(&self, query: &str, limit: usize) -> SearchResult {
        *self.pool.lock().unwrap() = None;
        let r = self.search(query, limit);
        *self.pool.lock().unwrap() = None;
        r
    }
}

/// Queries typed a character at a time, with backspaces, changed words and
/// gtins: every keystroke answered from the previous one's pool gives what
/// a scan of the whole index gives.
#[test]
fn typing_refines_to_the_same_results_as_a_fresh_search() {
    let (items, mut index) = generated(30_000, 3);
    let (_, mut fresh) = generated(30_000, 3);
    let boosts = [(items[7].product.sku.clone(), 3), (items[20_000].product.sku.clone(), 9)];
    index.set_boosts(boosts.clone());
    fresh.set_boosts(boosts);
    let gtin = items[1_234].product.gtin.clone();
    let sku = items[4_321].product.sku.clone();
    let typed = [
        "deep grove bearing 6205",
        "deep groove ball bearnig",
        "contacter 24v",
        "contactr 3rt 24 v dc",
        "cntactor",
        "inductve sensr m12",
        "hexgon screw din 933 m8",
        "o-rng 25x2",
        "ölflx clasic 110",
        "a b c d e",
        "62052rhs",
        "sknfg 6205",
        gtin.as_str(),
        sku.as_str(),
        "bearing bearing bearing",
        "xyzzy grove",
    ];
    let (mut checked, mut refined) = (0, 0);
    for text in typed {
        let chars: Vec<char> = text.chars().collect();
        let mut prefixes: Vec<String> = (1..=chars.len()).map(|k| chars[..k].iter().collect()).collect();
        // Then back again, and a changed last word.
        prefixes.extend((1..chars.len()).rev().step_by(3).map(|k| chars[..k].iter().collect::<String>()));
        prefixes.push(format!("{text}x"));
        prefixes.push(format!("{text} 2"));
        for limit in [50, 5] {
            for p in &prefixes {
                let typed = index.search(p, limit);
                assert_eq!(typed, fresh.search_cold(p, limit), "{p:?} after the keystroke before, limit {limit}");
                checked += 1;
                refined += usize::from(index.pool.lock().unwrap().as_ref().is_some_and(|p| p.refinements > 0));
            }
        }
    }
    assert!(checked > 500);
    assert!(refined > 200, "{refined} of {checked} keystrokes refined the one before");
}

/// Random edits of random words from the catalog's own texts.
#[test]
fn random_typing_refines_to_the_same_results() {
    let (items, index) = generated(20_000, 9);
    let (_, fresh) = generated(20_000, 9);
    let words: Vec<String> = items
        .iter()
        .step_by(97)
        .flat_map(|g| g.product.name.split_whitespace().map(|w| w.to_lowercase()).collect::<Vec<_>>())
        .collect();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let mut query = String::new();
    let (mut fuzzy_seen, mut refined) = (0, 0);
    for _ in 0..1_500 {
        match next(10) {
            // Backspace.
            0 => {
                query.pop();
            }
            // A new word, misspelt: one character left out.
            1 | 2 => {
                let mut w: Vec<char> = words[next(words.len())].chars().collect();
                if w.len() > 3 {
                    w.remove(next(w.len()));
                }
                if !query.is_empty() {
                    query.push(' ');
                }
                query.extend(w.iter().take(1 + next(w.len())));
            }
            // Start over.
            3 if query.len() > 25 => query.clear(),
            // One more character of some word.
            _ => {
                let w = &words[next(words.len())];
                query.push(w.chars().nth(next(w.chars().count())).unwrap_or('e'));
            }
        }
        let typed = index.search(&query, 20);
        fuzzy_seen += usize::from(typed.hits.iter().any(|h| h.kind == MatchKind::Fuzzy));
        assert_eq!(typed, fresh.search_cold(&query, 20), "{query:?}");
        refined += usize::from(index.pool.lock().unwrap().as_ref().is_some_and(|p| p.refinements > 0));
    }
    assert!(fuzzy_seen > 20, "{fuzzy_seen} fuzzy answers");
    assert!(refined > 300, "{refined} keystrokes refined the one before");
}

//! Applying a sync's changes to an index: the parts that did not change
//! are copied as they are (already normalised), only changed ones are
//! normalised, and the result is the index a full build over the new set
//! of parts gives.

use super::SearchDoc;
use super::docs::DocList;
use super::index::{Chunk, SearchIndex};
use std::collections::HashSet;

impl SearchIndex {
    /// Whether the index has this part, and exactly as `d` describes it
    /// (a change of its stock or price, say, is none the index sees).
    pub fn sees_no_change(&self, d: &SearchDoc) -> bool {
        let Some(id) = self.find_sku(&d.sku).filter(|&id| self.sku(id) == d.sku) else {
            return false;
        };
        let mut piece = Chunk::default();
        piece.push(crate::DocRef {
            sku: &d.sku,
            mpn: &d.mpn,
            gtin: &d.gtin,
            manufacturer: &d.manufacturer,
            name: &d.name,
        });
        piece.hay.as_bytes() == self.doc_bytes(id as usize) && piece.gtins == self.gtin(id)
    }

    /// `with_changes`, consuming the index: when the changes only replace
    /// parts it has (no part added or removed, as in most re-syncs), the
    /// index is patched where it stands — ids and the sku order stay, only
    /// the changed parts are normalised again — which needs a fraction of
    /// the memory and time of building a new one. The result is the same.
    pub fn apply_changes(mut self, upserts: Vec<SearchDoc>, removed: &[String]) -> SearchIndex {
        self.forget_pool();
        if !removed.is_empty() {
            return self.with_changes(upserts, removed);
        }
        // The parts that changed, by id, with their new normalised form; the
        // last change of a sku wins.
        let mut changed: std::collections::BTreeMap<usize, Chunk> = std::collections::BTreeMap::new();
        for d in &upserts {
            let Some(id) = self.find_sku(&d.sku).filter(|&id| self.sku(id) == d.sku) else {
                return self.with_changes(upserts, removed);
            };
            let mut piece = Chunk::default();
            piece.push(crate::DocRef {
                sku: &d.sku,
                mpn: &d.mpn,
                gtin: &d.gtin,
                manufacturer: &d.manufacturer,
                name: &d.name,
            });
            // A change the index does not see (stock, price, …): nothing to do.
            if piece.hay.as_bytes() == self.doc_bytes(id as usize) && piece.gtins == self.gtin(id) {
                changed.remove(&(id as usize));
            } else {
                changed.insert(id as usize, piece);
            }
        }
        if changed.is_empty() {
            return self;
        }
        // The normalised texts first, then (only if a gtin changed) the
        // gtins: the old and new copies of one are in memory at a time.
        let gtins_changed = changed.iter().any(|(&i, piece)| piece.gtins != self.gtin(i as u32));
        let mut hay = String::with_capacity(self.hay.len() + 1024);
        let mut starts = Vec::with_capacity(self.starts.len());
        let mut next = changed.iter().peekable();
        for i in 0..self.len() {
            starts.push(hay.len());
            match next.next_if(|(id, _)| **id == i) {
                Some((_, piece)) => {
                    self.lens[i] = piece.lens[0];
                    self.masks[i] = piece.masks[0];
                    hay.push_str(&piece.hay);
                }
                None => hay.push_str(self.hay.get(self.starts[i]..self.starts[i + 1]).unwrap_or("")),
            }
        }
        starts.push(hay.len());
        (self.hay, self.starts) = (hay, starts);
        if gtins_changed {
            let mut gtins = String::with_capacity(self.gtins.len() + 64);
            let mut gtin_starts = Vec::with_capacity(self.gtin_starts.len());
            let mut next = changed.iter().peekable();
            for i in 0..self.len() {
                gtin_starts.push(gtins.len());
                match next.next_if(|(id, _)| **id == i) {
                    Some((_, piece)) => gtins.push_str(&piece.gtins),
                    None => gtins.push_str(self.gtin(i as u32)),
                }
            }
            gtin_starts.push(gtins.len());
            (self.gtins, self.gtin_starts) = (gtins, gtin_starts);
            self.sort_gtins();
        }
        self
    }

    /// This index with `upserts` added or replacing the parts of the same
    /// sku, and the parts with a sku in `removed` gone. The index's parts
    /// must be in sku order (as the catalog cache lists them); the result
    /// keeps that order, so it equals `SearchIndex::from_list` over the
    /// same parts.
    pub fn with_changes(&self, mut upserts: Vec<SearchDoc>, removed: &[String]) -> SearchIndex {
        // The last change of a sku wins.
        upserts.reverse();
        upserts.sort_by(|a, b| a.sku.cmp(&b.sku));
        upserts.dedup_by(|later, earlier| later.sku == earlier.sku);
        let gone: HashSet<&str> =
            removed.iter().map(String::as_str).chain(upserts.iter().map(|d| d.sku.as_str())).collect();
        let removed_set: HashSet<&str> = removed.iter().map(String::as_str).collect();
        let upserts: Vec<&SearchDoc> = upserts.iter().filter(|d| !removed_set.contains(d.sku.as_str())).collect();

        let n = self.len() + upserts.len();
        let mut docs = DocList::with_capacity(n, self.docs.text.len());
        let mut chunk = Chunk::with_capacity(n, self.hay.len());
        let mut new = upserts.into_iter().peekable();
        for i in 0..self.len() {
            let sku = self.docs.sku(i);
            while let Some(d) = new.next_if(|d| d.sku.as_str() < sku) {
                docs.push_doc(d);
                chunk.push(docs.get(docs.len() - 1));
            }
            if !gone.contains(sku) {
                docs.push(self.docs.get(i));
                chunk.push_from(self, i);
            }
        }
        for d in new {
            docs.push_doc(d);
            chunk.push(docs.get(docs.len() - 1));
        }
        SearchIndex::assemble(docs, chunk)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(n: usize) -> Vec<SearchDoc> {
        let mut docs: Vec<SearchDoc> = crate::tests::generated_docs(n, 5);
        docs.sort_by(|a, b| a.sku.cmp(&b.sku));
        docs
    }

    #[test]
    fn changes_give_the_index_a_full_build_gives() {
        let before = docs(3_000);
        let old = SearchIndex::new(before.clone());
        // Every 50th part renamed, every 70th removed, new parts before,
        // between and after the old ones, one sku changed twice.
        let mut upserts: Vec<SearchDoc> = before
            .iter()
            .step_by(50)
            .map(|d| SearchDoc { name: format!("{} contactor 24v", d.name), ..d.clone() })
            .collect();
        for sku in ["A-1", "P-5000000", "ZZ-9", "p-100001x"] {
            upserts.push(SearchDoc {
                sku: sku.into(),
                mpn: format!("6205-{sku}"),
                gtin: String::new(),
                manufacturer: "SKF".into(),
                name: "Deep groove ball bearing".into(),
            });
        }
        upserts.push(SearchDoc { name: "renamed twice".into(), ..before[100].clone() });
        let removed: Vec<String> = before.iter().step_by(70).map(|d| d.sku.clone()).collect();

        let mut after: Vec<SearchDoc> = before.clone();
        for u in &upserts {
            match after.iter_mut().find(|d| d.sku == u.sku) {
                Some(d) => *d = u.clone(),
                None => after.push(u.clone()),
            }
        }
        after.retain(|d| !removed.contains(&d.sku));
        after.sort_by(|a, b| a.sku.cmp(&b.sku));
        let full = SearchIndex::new(after);

        let updated = old.with_changes(upserts, &removed);
        assert_eq!(updated.docs, full.docs);
        assert_eq!(updated.hay, full.hay);
        assert_eq!(updated.starts, full.starts);
        assert_eq!(updated.lens, full.lens);
        assert_eq!(updated.masks, full.masks);
        assert_eq!(updated.gtins, full.gtins);
        assert_eq!(updated.gtin_order, full.gtin_order);
        assert_eq!(updated.sku_rank, full.sku_rank);
        assert_eq!(updated.doc(updated.find_sku(&before[100].sku).unwrap()).name, "renamed twice");
        assert!(updated.find_sku(&removed[3]).is_none());
        for q in ["contactor 24v", "6205", "a1", "skf 6205"] {
            assert_eq!(updated.search(q, 50), full.search(q, 50), "{q}");
        }
    }
}

#[cfg(test)]
mod patch_tests {
    use super::*;

    #[test]
    fn patching_in_place_gives_the_index_a_full_build_gives() {
        let mut before: Vec<SearchDoc> = crate::tests::generated_docs(2_000, 9);
        before.sort_by(|a, b| a.sku.cmp(&b.sku));
        let mut upserts: Vec<SearchDoc> = before
            .iter()
            .step_by(40)
            .map(|d| SearchDoc { name: format!("{} coupling 3 kW", d.name), gtin: String::new(), ..d.clone() })
            .collect();
        upserts.push(SearchDoc { mpn: "NEW-MPN-1".into(), ..before[7].clone() });
        let mut after = before.clone();
        for u in &upserts {
            if let Some(d) = after.iter_mut().find(|d| d.sku == u.sku) {
                *d = u.clone();
            }
        }
        let full = SearchIndex::new(after);
        let patched = SearchIndex::new(before).apply_changes(upserts, &[]);
        assert_eq!(patched.hay, full.hay);
        assert_eq!(patched.starts, full.starts);
        assert_eq!(patched.lens, full.lens);
        assert_eq!(patched.masks, full.masks);
        assert_eq!(patched.gtins, full.gtins);
        assert_eq!(patched.gtin_starts, full.gtin_starts);
        assert_eq!(patched.gtin_order, full.gtin_order);
        assert_eq!(patched.sku_order, full.sku_order);
        assert_eq!(patched.sku_rank, full.sku_rank);
        for q in ["coupling 3 kw", "newmpn1", "6205"] {
            assert_eq!(patched.search(q, 30), full.search(q, 30), "{q}");
        }
    }
}

#[cfg(test)]
mod unchanged_tests {
    use super::*;
    use crate::IndexFile;

    #[test]
    fn changes_the_index_does_not_see_leave_it_as_it_is() {
        let mut docs: Vec<SearchDoc> = crate::tests::generated_docs(1_500, 3);
        docs.sort_by(|a, b| a.sku.cmp(&b.sku));
        let index = SearchIndex::new(docs.clone());
        let mut bytes = Vec::new();
        index.write_to(&mut bytes, "t").unwrap();
        let opened = IndexFile::from_bytes(bytes.clone()).unwrap().index().unwrap();
        // Every 10th part sent again as it was (its stock changed, say).
        let same: Vec<SearchDoc> = docs.iter().step_by(10).cloned().collect();
        let patched = opened.apply_changes(same, &[]);
        assert!(!patched.is_loaded(), "nothing was patched, so the masks were not read");
        let mut again = Vec::new();
        patched.write_to(&mut again, "t").unwrap();
        assert_eq!(again, bytes);

        // One of them renamed after all, the same sku sent unchanged before.
        let mut renamed = docs[30].clone();
        renamed.name = "Grooved coupling 3 kW".into();
        let patched = SearchIndex::new(docs.clone()).apply_changes(vec![docs[30].clone(), renamed.clone()], &[]);
        let mut after = docs.clone();
        after[30] = renamed;
        let full = SearchIndex::new(after.clone());
        assert_eq!(patched.hay, full.hay);
        assert_eq!(patched.starts, full.starts);
        assert_eq!(patched.masks, full.masks);
        assert_eq!(
            (&patched.gtins, &patched.gtin_starts, &patched.gtin_order),
            (&full.gtins, &full.gtin_starts, &full.gtin_order)
        );
        assert_eq!(patched.search("coupling 3 kw", 10), full.search("coupling 3 kw", 10));

        // Renamed, then back as it was: the last change counts.
        let reverted = SearchIndex::new(docs.clone()).apply_changes(vec![after[30].clone(), docs[30].clone()], &[]);
        assert!(reverted.search("coupling 3 kw", 10).hits.iter().all(|h| reverted.sku(h.id) != docs[30].sku));
        assert_eq!(reverted.hay, SearchIndex::new(docs).hay);
    }
}

//! A part's prices and quantity rules, figured for the faces to show.

use super::search::PartDetail;
use crate::api::Tier;
use crate::core::pricing::{PartPricing, QuantityEntry, part_pricing};

impl PartDetail {
    fn tiers(&self) -> &[Tier] {
        self.prices.as_ref().map(|p| p.tiers.as_slice()).unwrap_or_default()
    }

    /// The quantity rules and the tier table with an example line per tier.
    pub fn pricing(&self) -> PartPricing {
        part_pricing(&self.product, self.tiers())
    }

    /// Entering a quantity of this part: checked against its rules, priced by its tiers.
    pub fn quantity_entry(&self) -> QuantityEntry {
        QuantityEntry::of(&self.product, self.tiers())
    }
}

//! The Nissan Blaupunkt units radiocode knows by their 4-digit type.

use std::sync::OnceLock;

use serde::Deserialize;

#[derive(Debug, PartialEq, Eq, Deserialize)]
pub struct BlaupunktUnit {
    #[serde(rename = "type")]
    pub unit_type: String,
    pub part_number: String,
    pub faceplate: Option<String>,
    pub vehicles: String,
    pub other_numbers: Option<String>,
}

impl BlaupunktUnit {
    /// One line for the technician: faceplate, part number, vehicles.
    pub fn describe(&self) -> String {
        let face = self
            .faceplate
            .as_deref()
            .map(|f| format!("{f}, "))
            .unwrap_or_default();
        format!(
            "{face}part number {}, seen in {}",
            self.part_number, self.vehicles
        )
    }
}

#[derive(Deserialize)]
struct UnitFile {
    unit: Vec<BlaupunktUnit>,
}

const UNITS_TOML: &str = include_str!("../../assets/blaupunkt_units.toml");

/// All known units, parsed once from the compiled-in asset.
pub fn blaupunkt_units() -> &'static [BlaupunktUnit] {
    static UNITS: OnceLock<Vec<BlaupunktUnit>> = OnceLock::new();
    UNITS.get_or_init(|| {
        // The asset is part of the source tree and checked by a unit test.
        toml::from_str::<UnitFile>(UNITS_TOML)
            .map(|f| f.unit)
            .unwrap_or_default()
    })
}

pub fn blaupunkt_unit(unit_type: &str) -> Option<&'static BlaupunktUnit> {
    blaupunkt_units().iter().find(|u| u.unit_type == unit_type)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asset_parses_and_types_match_part_numbers() {
        let units = blaupunkt_units();
        assert_eq!(units.len(), 6);
        for u in units {
            let digits: String = u.part_number.chars().filter(char::is_ascii_digit).collect();
            assert_eq!(&digits[3..7], u.unit_type, "{}", u.part_number);
        }
        assert_eq!(
            blaupunkt_unit("3349").unwrap().faceplate.as_deref(),
            Some("MM CD-K")
        );
        assert!(blaupunkt_unit("9999").is_none());
    }
}

//! A unit radiocode has on file: a head unit type, its part number and the
//! vehicles it is seen in. Any family may keep such a list; a serial that
//! names a unit on file says so in its diagnosis.

use serde::Deserialize;

/// A unit on file, as a family's asset lists it.
#[derive(Debug, PartialEq, Eq, Deserialize)]
pub struct Unit {
    #[serde(rename = "type")]
    pub unit_type: String,
    pub part_number: String,
    pub faceplate: Option<String>,
    pub vehicles: String,
    pub other_numbers: Option<String>,
}

impl Unit {
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

//! Controls and the controls under them: what an applicability decision names
//! (docs/evidence.md), where a section heading stands for everything beneath it.

use super::{Catalog, ControlError};

impl Catalog {
    /// Resolves a reference that may name a section heading as well as a control (an
    /// applicability decision may name either): the base framework and the control's
    /// index. Withdrawn and unknown controls are refused as [`Catalog::resolve_control`]
    /// refuses them.
    pub fn resolve_control_or_heading(
        &self,
        fw: usize,
        text: &str,
    ) -> Result<(usize, u32), ControlError> {
        match self.resolve_control(fw, text) {
            Err(ControlError::Heading { children }) => {
                let base_i = self.frameworks[fw].base;
                self.lookup(base_i, text)
                    .map(|idx| (base_i, idx))
                    .map_err(|_| ControlError::Heading { children })
            }
            other => other,
        }
    }

    /// `idx` and every control beneath it (children, their children, …) in the base
    /// framework `base`, ascending.
    pub fn subtree(&self, base: usize, idx: u32) -> Vec<u32> {
        let controls = &self.frameworks[base].controls;
        let mut out = vec![idx];
        let mut i = 0;
        while i < out.len() {
            let parent = out[i];
            out.extend(
                controls
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| c.parent == Some(parent))
                    .map(|(j, _)| j as u32),
            );
            i += 1;
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

//! `vigocli compliance waivers`: every waiver with its state, owner and days left — the
//! expiry notification, usable from cron or CI.

use crate::model::{Model, WaiverState};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct WaiverEntry {
    pub state: WaiverState,
    pub expires: String,
    pub days_left: i64,
    pub owner: String,
    pub controls: Vec<String>,
    pub envoys: usize,
    pub source: String,
    pub rationale: String,
}

#[derive(Debug, Serialize)]
pub struct WaiverList {
    pub schema: &'static str,
    pub as_of: String,
    /// The notification window in days (`--expiring`, else vigocli.toml, else 30).
    pub expiring_days: i64,
    /// Whether only expired and expiring waivers are listed (`--expiring` given).
    pub attention_only: bool,
    pub waivers: Vec<WaiverEntry>,
}

/// Waivers sorted by expiry date (soonest first), then by where they are written.
pub fn list(model: &Model, expiring_days: i64, attention_only: bool) -> WaiverList {
    let mut waivers: Vec<WaiverEntry> = model
        .waivers
        .iter()
        .filter_map(|w| {
            let state = WaiverState::of(w.days_left, expiring_days);
            if attention_only && state == WaiverState::Active {
                return None;
            }
            Some(WaiverEntry {
                state,
                expires: w.expires.to_string(),
                days_left: w.days_left,
                owner: w.owner.clone(),
                controls: w.controls.iter().map(|c| c.written.clone()).collect(),
                envoys: w.applied_envoys,
                source: w.source.clone(),
                rationale: w.rationale.clone(),
            })
        })
        .collect();
    waivers.sort_by(|a, b| (&a.expires, &a.source).cmp(&(&b.expires, &b.source)));
    WaiverList {
        schema: "vigocli/waivers/v1",
        as_of: crate::report::timestamp(model.as_of),
        expiring_days,
        attention_only,
        waivers,
    }
}

pub fn render_json(l: &WaiverList) -> serde_json::Result<String> {
    let mut s = serde_json::to_string_pretty(l)?;
    s.push('\n');
    Ok(s)
}

pub fn render_table(l: &WaiverList) -> String {
    use comfy_table::presets::UTF8_FULL_CONDENSED;
    use comfy_table::{Cell, CellAlignment, ContentArrangement, Table};
    let count = |s: WaiverState| l.waivers.iter().filter(|w| w.state == s).count();
    let mut out = format!(
        "waivers as of {}: {} active ({} expiring within {} days), {} expired\n",
        l.as_of,
        count(WaiverState::Active) + count(WaiverState::Expiring),
        count(WaiverState::Expiring),
        l.expiring_days,
        count(WaiverState::Expired)
    );
    if l.waivers.is_empty() {
        return out;
    }
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .force_no_tty()
        .set_width(160)
        .set_header(vec![
            "state",
            "expires",
            "days left",
            "owner",
            "controls",
            "envoys",
            "source",
        ]);
    let text = |s: &str| Cell::new(crate::escape::terminal(s));
    for w in &l.waivers {
        t.add_row(vec![
            Cell::new(w.state.as_str()),
            text(&w.expires),
            Cell::new(w.days_left).set_alignment(CellAlignment::Right),
            text(&w.owner),
            text(&w.controls.join(", ")),
            Cell::new(w.envoys).set_alignment(CellAlignment::Right),
            text(&w.source),
        ]);
    }
    out.push_str(&format!("{t}\n"));
    out
}

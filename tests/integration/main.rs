//! One integration-test binary that drives the real `vigocli` on fixture repositories.
#![allow(clippy::unwrap_used)] // a failing test may panic

mod audit;
mod bundle_zip;
mod catalog_import;
mod catalogs_cis_dfs_gdpr;
mod catalogs_new;
mod categories;
mod check;
mod ci_formats;
mod ci_templates;
mod common;
mod coverage;
mod csv_export;
mod differential;
mod docs;
mod errors;
mod evidence;
mod evidence_bundle;
mod evidence_cmd;
mod evidence_outputs;
mod exports;
mod formats;
mod fuzz;
mod hardening_inputs;
mod hardening_misc;
mod hardening_output;
mod history;
mod html;
mod load;
mod manual;
mod mappings;
mod mappings_data;
mod pdf;
mod precommit;
mod reports;
mod schemas;

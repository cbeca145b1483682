//! vigocli: compliance-as-code reports for Vigo fleets.
//!
//! Data flows one way: [`load`] discovers and validates the repository into a
//! [`model::Model`], [`coverage`] computes per-control coverage (pure), [`report`]
//! renders it, and [`output`] writes it atomically.

pub mod audit;
pub mod catalog;
pub mod check;
pub mod cli;
pub mod commands;
pub mod coverage;
pub mod diag;
pub mod escape;
pub mod exit;
pub mod export;
pub mod hex;
pub mod history;
pub mod load;
pub mod memo;
pub mod model;
pub mod output;
pub mod printer;
pub mod report;
pub mod run;
pub mod settings;
pub mod source;
pub mod yaml;

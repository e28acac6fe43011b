//! recouvre: a keyboard-driven debt-collection dossier tracker.
//!
//! Layers: `domain` (pure rules), `storage` (sled behind one store type), `cli` and `tui` (the
//! user interfaces), `config` (files the user edits), `i18n` (every user-facing string).

pub mod app;
pub mod cli;
pub mod config;
pub mod crash;
pub mod demo;
pub mod domain;
pub mod i18n;
pub mod identity;
pub mod keymap;
pub mod mail;
pub mod model;
pub mod outbox;
pub mod pdf;
pub mod present;
pub mod storage;
pub mod tui;
pub mod ui;

//! `recouvre init --shared --group GROUP PATH` and the permission warnings of a shared server.

use std::path::Path;

use super::{exit, Ctx, UserError};
use crate::i18n::tf;
use crate::storage::shared::{self, SharedError};
use crate::storage::store;
use crate::storage::StoreOptions;

pub fn init_shared(ctx: &Ctx, path: Option<&Path>, group: &str) -> Result<i32, UserError> {
    let path = path.unwrap_or_else(|| ctx.store.path());
    match store::init_shared(path, group, StoreOptions::default()) {
        Ok(store) => {
            println!(
                "{}",
                tf(
                    "shared.init_done",
                    &[("path", &store.path().display()), ("group", &group)]
                )
            );
            Ok(exit::OK)
        }
        Err(SharedError::Store(e)) => Err(e.into()),
        Err(e @ SharedError::UnknownGroup(_)) => Err(UserError::usage(e.to_string())),
        Err(e) => Err(UserError {
            code: exit::STORAGE,
            message: e.to_string(),
        }),
    }
}

/// Warns (on stderr, every time) when the config file holds an IBAN and others can read it.
pub fn warn_config_mode(ctx: &Ctx) {
    if ctx.config.creditor.iban.is_none() {
        return;
    }
    if let Some(w) = ctx
        .config_path
        .as_deref()
        .and_then(shared::world_readable_warning)
    {
        eprintln!("recouvre: {w}");
    }
}

//! `rates.toml` rows merged into the built-in table: no panic; rates within 0-100 %.
#![no_main]

use libfuzzer_sys::fuzz_target;
use recouvre::domain::money::{rates, RateTable};
use rust_decimal::Decimal;

fuzz_target!(|s: &str| {
    if let Ok(rows) = rates::parse_rows(s) {
        if let Ok(t) = RateTable::builtin().with_overrides(rows, "rates.toml") {
            for r in t.rows() {
                for rate in [
                    r.legal_rate_consumer_creditor,
                    r.legal_rate_other,
                    r.ecb_refi_rate,
                ] {
                    assert!(!rate.is_sign_negative() && rate <= Decimal::ONE_HUNDRED);
                }
            }
        }
    }
});

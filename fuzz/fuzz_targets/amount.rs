//! Amounts, rates, dates and text fields as typed: no panic; accepted values within bounds.
#![no_main]

use chrono::Datelike;
use libfuzzer_sys::fuzz_target;
use recouvre::domain::parse::*;
use rust_decimal::Decimal;

fuzz_target!(|s: &str| {
    if let Ok(d) = parse_amount("m", s) {
        assert!(
            !d.is_sign_negative() && d <= MAX_AMOUNT && d.normalize().scale() <= 2,
            "{s:?}"
        );
    }
    if let Ok(r) = parse_rate("r", s) {
        assert!(!r.is_sign_negative() && r <= Decimal::ONE_HUNDRED, "{s:?}");
    }
    if let Ok(d) = parse_date("d", s) {
        assert!((MIN_YEAR..=MAX_YEAR).contains(&d.year()), "{s:?}");
    }
    if check_text("t", s, false).is_ok() {
        assert!(!s.chars().any(char::is_control));
    }
    let shown = recouvre::present::printable(s);
    assert!(shown
        .chars()
        .all(|c| !c.is_control() || c == '\n' || c == '\t'));
});

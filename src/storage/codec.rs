//! The one place records are encoded: a leading format-version byte, then bincode 2 (serde).
//!
//! Changing the encoding means adding a new version byte and a decoder for it here; records
//! written by an older version keep decoding, and a record from a newer version is reported as
//! such instead of being misread.

use serde::{de::DeserializeOwned, Serialize};

/// Version byte of records written by this build.
pub const FORMAT_VERSION: u8 = 1;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodecError {
    #[error("empty record")]
    Empty,
    #[error("record format {0} is newer than this program understands ({FORMAT_VERSION})")]
    NewerFormat(u8),
    #[error("unknown record format {0}")]
    UnknownFormat(u8),
    #[error("undecodable record: {0}")]
    Corrupt(String),
    #[error("cannot encode record: {0}")]
    Encode(String),
}

fn config() -> bincode::config::Configuration {
    bincode::config::standard()
}

pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, CodecError> {
    let mut out = vec![FORMAT_VERSION];
    let body = bincode::serde::encode_to_vec(value, config())
        .map_err(|e| CodecError::Encode(e.to_string()))?;
    out.extend_from_slice(&body);
    Ok(out)
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, CodecError> {
    let (&version, body) = bytes.split_first().ok_or(CodecError::Empty)?;
    match version {
        FORMAT_VERSION => {
            let (value, used) = bincode::serde::decode_from_slice(body, config())
                .map_err(|e| CodecError::Corrupt(e.to_string()))?;
            if used != body.len() {
                return Err(CodecError::Corrupt(format!(
                    "{} trailing bytes",
                    body.len() - used
                )));
            }
            Ok(value)
        }
        0 => Err(CodecError::UnknownFormat(0)),
        v if v > FORMAT_VERSION => Err(CodecError::NewerFormat(v)),
        v => Err(CodecError::UnknownFormat(v)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::*;
    use crate::domain::model::*;
    use chrono::{NaiveDate, TimeZone, Utc};
    use rust_decimal::Decimal;
    use std::str::FromStr;

    #[test]
    fn events_with_money_and_dates_round_trip() {
        // With rust_decimal's plain `serde` feature this decode fails at run time
        // (AnyNotSupported); `serde-str` makes it work.
        let ev = Event {
            seq: 3,
            at: Utc.with_ymd_and_hms(2026, 3, 5, 9, 30, 0).unwrap(),
            date: NaiveDate::from_ymd_opt(2026, 3, 5).unwrap(),
            user: "alice".into(),
            kind: EventKind::ItemAdded(Item {
                reference: "F-2026-001".into(),
                issued: NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
                due: NaiveDate::from_ymd_opt(2026, 2, 4).unwrap(),
                amount: Decimal::from_str("1234.56").unwrap(),
                description: Some("Prestations de janvier".into()),
                proof: None,
            }),
        };
        let bytes = encode(&ev).unwrap();
        assert_eq!(bytes[0], FORMAT_VERSION);
        let back: Event = decode(&bytes).unwrap();
        assert_eq!(back, ev);

        let plan = EventKind::PaymentPlanAgreed {
            instalments: vec![Instalment {
                due: NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(),
                amount: Decimal::from_str("0.01").unwrap(),
            }],
        };
        assert_eq!(decode::<EventKind>(&encode(&plan).unwrap()).unwrap(), plan);
    }

    #[test]
    fn newer_and_corrupt_records_are_named() {
        let mut bytes = encode(&42u64).unwrap();
        bytes[0] = FORMAT_VERSION + 1;
        assert_eq!(
            decode::<u64>(&bytes),
            Err(CodecError::NewerFormat(FORMAT_VERSION + 1))
        );
        assert!(matches!(
            decode::<Event>(&[FORMAT_VERSION, 0xff, 0xff]),
            Err(CodecError::Corrupt(_))
        ));
        assert_eq!(decode::<u64>(&[]), Err(CodecError::Empty));
    }
}

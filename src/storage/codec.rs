//! The one place records are encoded: a leading format-version byte, then bincode 2 (serde).
//!
//! Changing the encoding means adding a new version byte and a decoder for it here; records
//! written by an older version keep decoding, and a record from a newer version is reported as
//! such instead of being misread.
//!
//! Versions: 1, the first layout; 2, events that name an invoice (payments, credit notes) and
//! record overrides on every letter (see `legacy` for how version-1 events are read).

use serde::{de::DeserializeOwned, Serialize};

use crate::domain::event::Event;

/// Version byte of records written by this build.
pub const FORMAT_VERSION: u8 = 2;

/// A type stored through the codec. `decode_version` reads a body written by format `version`
/// (1 ..= FORMAT_VERSION); types whose layout never changed use the default.
pub trait Record: Serialize + DeserializeOwned {
    fn decode_version(version: u8, body: &[u8]) -> Result<Self, CodecError> {
        let _ = version;
        decode_body(body)
    }
}

impl Record for Event {
    fn decode_version(version: u8, body: &[u8]) -> Result<Self, CodecError> {
        match version {
            1 => decode_body::<super::legacy::EventV1>(body).map(Event::from),
            _ => decode_body(body),
        }
    }
}

macro_rules! unchanged_since_v1 {
    ($($t:ty),* $(,)?) => { $(impl Record for $t {})* };
}
unchanged_since_v1!(
    u32,
    u64,
    Vec<(u64, u64)>,
    crate::domain::model::Debtor,
    crate::domain::event::EventKind,
    super::keys::DossierRecord,
    crate::model::Draft,
);

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

fn decode_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, CodecError> {
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

pub fn decode<T: Record>(bytes: &[u8]) -> Result<T, CodecError> {
    let (&version, body) = bytes.split_first().ok_or(CodecError::Empty)?;
    match version {
        0 => Err(CodecError::UnknownFormat(0)),
        v if v > FORMAT_VERSION => Err(CodecError::NewerFormat(v)),
        v => T::decode_version(v, body),
    }
}

/// Version byte of a journal block (`store::blocks`): several records under one sled key, each
/// still carrying its own format byte, so one damaged event is named and its neighbours read.
pub const BLOCK_FORMAT: u8 = 1;

/// Frames already-encoded records into one block value: the block's version byte, then each
/// record as its length (u32, little-endian) and its bytes.
pub fn join_block<'a>(records: impl IntoIterator<Item = &'a [u8]>) -> Vec<u8> {
    let mut out = vec![BLOCK_FORMAT];
    for r in records {
        out.extend_from_slice(&(r.len() as u32).to_le_bytes());
        out.extend_from_slice(r);
    }
    out
}

/// The records framed by [`join_block`], in order.
pub fn split_block(bytes: &[u8]) -> Result<Vec<&[u8]>, CodecError> {
    let (&version, mut rest) = bytes.split_first().ok_or(CodecError::Empty)?;
    match version {
        BLOCK_FORMAT => {}
        0 => return Err(CodecError::UnknownFormat(0)),
        v if v > BLOCK_FORMAT => return Err(CodecError::NewerFormat(v)),
        v => return Err(CodecError::UnknownFormat(v)),
    }
    let mut out = Vec::new();
    while !rest.is_empty() {
        let truncated =
            || CodecError::Corrupt(format!("block cut short after {} records", out.len()));
        let len = rest
            .get(..4)
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .map(u32::from_le_bytes)
            .ok_or_else(truncated)? as usize;
        let record = rest.get(4..4 + len).ok_or_else(truncated)?;
        out.push(record);
        rest = &rest[4 + len..];
    }
    Ok(out)
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
    fn a_block_gives_back_its_records_and_refuses_a_cut_one() {
        let a = encode(&7u32).unwrap();
        let b = encode(&9u64).unwrap();
        let block = join_block([a.as_slice(), b.as_slice(), &[]]);
        let parts = split_block(&block).unwrap();
        assert_eq!(parts, vec![a.as_slice(), b.as_slice(), &[][..]]);
        assert_eq!(decode::<u32>(parts[0]), Ok(7));
        assert_eq!(split_block(&join_block([])).unwrap(), Vec::<&[u8]>::new());
        assert!(matches!(
            split_block(&block[..block.len() - 2]),
            Err(CodecError::Corrupt(_))
        ));
        assert_eq!(split_block(&[9]), Err(CodecError::NewerFormat(9)));
        assert_eq!(split_block(&[]), Err(CodecError::Empty));
    }

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

    /// Version-1 events still decode: bytes laid out as the first build wrote them (the same
    /// variant order, without the fields version 2 added).
    #[test]
    fn version_1_events_decode_with_the_new_fields_empty() {
        #[derive(serde::Serialize)]
        #[allow(dead_code)]
        enum KindV1 {
            Created {
                debtor: u64,
                kind: DossierKind,
                profile: Option<ProfileId>,
                jurisdiction: Jurisdiction,
                contractual_rate: Option<Decimal>,
                refund_reason: Option<String>,
                terms: Option<String>,
            },
            ItemAdded(Item),
            CreditNote {
                reference: String,
                amount: Decimal,
            },
            RelanceSent {
                level: u8,
                channel: Channel,
                letter: Option<String>,
            },
            ContestationReceived {
                reason: String,
                text: String,
                review: Option<NaiveDate>,
            },
            ContestationResolved {
                outcome: ContestationOutcome,
                note: String,
            },
            PaymentReceived {
                amount: Decimal,
                reference: Option<String>,
            },
        }
        #[derive(serde::Serialize)]
        struct EventV1 {
            seq: u32,
            at: chrono::DateTime<Utc>,
            date: NaiveDate,
            user: String,
            kind: KindV1,
        }
        let at = Utc.with_ymd_and_hms(2026, 3, 5, 9, 30, 0).unwrap();
        let date = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
        let v1 = |seq, kind| {
            let mut bytes = vec![1u8];
            bytes.extend(
                bincode::serde::encode_to_vec(
                    EventV1 {
                        seq,
                        at,
                        date,
                        user: "alice".into(),
                        kind,
                    },
                    config(),
                )
                .unwrap(),
            );
            decode::<Event>(&bytes).unwrap().kind
        };
        let amount = Decimal::from_str("1234.56").unwrap();
        assert_eq!(
            v1(
                4,
                KindV1::PaymentReceived {
                    amount,
                    reference: Some("VIR 12".into())
                }
            ),
            EventKind::PaymentReceived {
                amount,
                reference: Some("VIR 12".into()),
                invoice: None
            }
        );
        assert_eq!(
            v1(
                2,
                KindV1::RelanceSent {
                    level: 1,
                    channel: Channel::Email,
                    letter: None
                }
            ),
            EventKind::RelanceSent {
                level: 1,
                channel: Channel::Email,
                letter: None,
                overrides: vec![]
            }
        );
        assert_eq!(
            v1(
                3,
                KindV1::CreditNote {
                    reference: "AV-1".into(),
                    amount
                }
            ),
            EventKind::CreditNote {
                reference: "AV-1".into(),
                amount,
                invoice: None
            }
        );
    }

    /// The e-mail events were added after every older kind, so no older record changes: a
    /// format-2 relance written before them (bytes frozen here) still decodes, and the new
    /// kinds round-trip.
    #[test]
    fn email_events_leave_older_records_unchanged() {
        let relance = Event {
            seq: 4,
            at: Utc.with_ymd_and_hms(2026, 3, 5, 9, 30, 0).unwrap(),
            date: NaiveDate::from_ymd_opt(2026, 3, 5).unwrap(),
            user: "alice".into(),
            kind: EventKind::RelanceSent {
                level: 1,
                channel: Channel::Email,
                letter: Some("Objet : relance".into()),
                overrides: vec!["dispute".into()],
            },
        };
        const FROZEN: &[u8] = &[
            2, 4, 20, 50, 48, 50, 54, 45, 48, 51, 45, 48, 53, 84, 48, 57, 58, 51, 48, 58, 48, 48,
            90, 10, 50, 48, 50, 54, 45, 48, 51, 45, 48, 53, 5, 97, 108, 105, 99, 101, 3, 1, 0, 1,
            15, 79, 98, 106, 101, 116, 32, 58, 32, 114, 101, 108, 97, 110, 99, 101, 1, 7, 100, 105,
            115, 112, 117, 116, 101,
        ];
        assert_eq!(decode::<Event>(FROZEN).unwrap(), relance);
        assert_eq!(encode(&relance).unwrap(), FROZEN);
        for kind in [
            EventKind::EmailSending {
                message_id: "<a.1@x.fr>".into(),
                to: vec!["a@b.fr".into()],
            },
            EventKind::EmailSent {
                sending: 5,
                message_id: "<a.1@x.fr>".into(),
                reply: "250 2.0.0 Ok: queued as 4XyZ".into(),
                eml: b"From: a@x.fr\r\n\r\nr\xc3\xa9ponse\r\n".to_vec(),
            },
            EventKind::EmailFailed {
                sending: 5,
                reason: "550 refused".into(),
            },
        ] {
            let ev = Event {
                kind,
                ..relance.clone()
            };
            assert_eq!(decode::<Event>(&encode(&ev).unwrap()).unwrap(), ev);
        }
    }
}

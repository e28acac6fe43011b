//! `config.toml`: no panic; an accepted configuration has every number within its range.
#![no_main]

use libfuzzer_sys::fuzz_target;
use recouvre::config::{Config, PROFILE_DAYS};
use recouvre::domain::model::ProfileId;
use recouvre::domain::money::deadline::DEADLINE_DAYS;
use recouvre::domain::schedule::Profiles;

fuzz_target!(|s: &str| {
    if let Ok(cfg) = Config::parse(std::path::Path::new("c.toml"), s) {
        assert!(DEADLINE_DAYS.contains(&cfg.deadlines.b2b_days));
        assert!(DEADLINE_DAYS.contains(&cfg.deadlines.b2c_days));
        for id in [ProfileId::B2b, ProfileId::B2c, ProfileId::Rent] {
            for step in cfg.profile(id).steps {
                assert!(PROFILE_DAYS.contains(&step.offset));
            }
        }
    }
});

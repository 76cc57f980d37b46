//! Random draws shared by the generators: dates and times, weighted and
//! uniform picks, visibility and distinct indices. All take the one seeded
//! generator, so the call order alone decides the data.

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use rand::{Rng, rngs::StdRng, seq::IndexedRandom};

pub(super) fn day(rng: &mut StdRng, from: NaiveDate, span_days: u64) -> NaiveDate {
    from + Days::new(rng.random_range(0..span_days))
}

pub(super) fn at(date: NaiveDate, rng: &mut StdRng) -> DateTime<Utc> {
    let time = date
        .and_hms_opt(rng.random_range(7..19), rng.random_range(0..60), 0)
        .unwrap_or_default();
    Utc.from_utc_datetime(&time)
}

pub(super) fn weighted<T: Copy>(rng: &mut StdRng, choices: &[(T, u32)]) -> T {
    let total: u32 = choices.iter().map(|(_, w)| w).sum();
    let mut pick = rng.random_range(0..total.max(1));
    for (value, weight) in choices {
        if pick < *weight {
            return *value;
        }
        pick -= weight;
    }
    choices[0].0
}

pub(super) fn pick<'a>(rng: &mut StdRng, list: &'a [&'a str]) -> &'a str {
    list.choose(rng).copied().unwrap_or_default()
}

pub(super) fn visibility(rng: &mut StdRng) -> &'static str {
    weighted(rng, &[("PUBLIC", 70), ("PARTNERS", 20), ("PRIVATE", 10)])
}

/// `count` distinct values in `0..bound` (or all of them if fewer).
pub(super) fn distinct(rng: &mut StdRng, bound: usize, count: usize) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::with_capacity(count);
    while out.len() < count.min(bound) {
        let v = rng.random_range(0..bound);
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

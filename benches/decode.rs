//! Decode and normaliser speed per family.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use radiocode::decode::{NoBook, decode};
use radiocode::serial::diagnose;

fn families(c: &mut Criterion) {
    let mut g = c.benchmark_group("decode");
    for (name, input) in [
        ("renault", "J727"),
        ("visteon", "M123456"),
        ("blaupunkt", "BP538464182965"),
        ("becker", "BE473912345678"),
        ("typed-with-confusables", "bp 5384 6 41829O5"),
    ] {
        g.bench_function(name, |b| b.iter(|| decode(black_box(input), None, &NoBook)));
    }
    g.finish();
    let mut g = c.benchmark_group("normalise");
    for (name, input) in [
        ("renault", "J727"),
        ("visteon", "M123456"),
        ("blaupunkt-label", "815CM538464182965"),
        ("part-number", "7 645 384 318"),
    ] {
        g.bench_function(name, |b| b.iter(|| diagnose(black_box(input), None)));
    }
    g.finish();
}

criterion_group!(benches, families);
criterion_main!(benches);

//! Looking up a serial in a code book of 100,000 entries (a file on disk).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use radiocode::decode::{NoBook, decode};
use radiocode::store::{Records, SqliteStore, import_csv};

fn lookup(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("book.db");
    let mut store = SqliteStore::open(&path).expect("open");
    let mut csv = String::from("serial,code,confidence,source\n");
    for i in 0..100_000u32 {
        csv.push_str(&format!(
            "BP5384{}{:07},{:04},unconfirmed,bench\n",
            i % 10,
            i,
            i % 10_000
        ));
    }
    let report = import_csv(&mut store, csv.as_bytes(), true, "bench", "bench").expect("import");
    assert_eq!(report.added, 100_000);

    c.bench_function("book lookup in 100k entries", |b| {
        b.iter(|| {
            store
                .entries_for(black_box("BP538474012347"))
                .expect("lookup")
        })
    });
    c.bench_function("book lookup miss in 100k entries", |b| {
        b.iter(|| {
            store
                .entries_for(black_box("BP538400000000"))
                .expect("lookup")
        })
    });
    c.bench_function("decode BP through a 100k book", |b| {
        b.iter(|| decode(black_box("BP538474012347"), None, &store))
    });
    c.bench_function("decode BP without a book", |b| {
        b.iter(|| decode(black_box("BP538474012347"), None, &NoBook))
    });
}

criterion_group!(benches, lookup);
criterion_main!(benches);

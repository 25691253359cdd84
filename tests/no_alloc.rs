//! A valid serial with nothing to report is read and decoded without a
//! single heap allocation: this binary counts every allocation its threads make.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use radiocode::decode::{NoBook, Status, decode};
use radiocode::serial::diagnose;

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

fn count() {
    // After a thread's locals are gone there is nothing left to measure.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

// SAFETY: every call is passed to the system allocator unchanged; the count
// is a thread-local integer that needs no allocation itself.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// How many allocations `f` makes on this thread (its result dropped inside).
fn allocations<T>(f: impl FnOnce() -> T) -> u64 {
    let before = ALLOCATIONS.with(Cell::get);
    drop(f());
    ALLOCATIONS.with(Cell::get) - before
}

/// Valid serials that decode with nothing to report, as labels print them
/// and as technicians type them (lower case, spaces, dots, dashes).
const QUIET: &[&str] = &[
    "J727",
    "A123",
    "Z999",
    "M123456",
    "M000000",
    "j727",
    "j 727",
    "m123456",
    "M 123 456",
    "m-123.456",
];

#[test]
fn a_quiet_valid_serial_decodes_without_the_heap() {
    for &input in QUIET {
        let mut status = None;
        let n = allocations(|| {
            let o = decode(input, None, &NoBook);
            status = Some((o.status, o.candidates.len(), o.diagnosis.findings.len()));
            o
        });
        assert_eq!(status, Some((Status::Decoded, 1, 0)), "{input}");
        assert_eq!(n, 0, "decoding {input:?} allocated {n} times");
        assert_eq!(
            allocations(|| diagnose(input, None)),
            0,
            "reading {input:?}"
        );
    }
}

#[test]
fn a_serial_the_family_names_decodes_without_the_heap() {
    use radiocode::serial::Family;
    for (input, family) in [("J727", Family::Renault), ("m 123456", Family::Visteon)] {
        let n = allocations(|| decode(input, Some(family), &NoBook));
        assert_eq!(n, 0, "decoding {input:?} as {family}");
    }
}

/// The count is real: text with something to say does allocate its messages.
#[test]
fn a_finding_is_counted() {
    let n = allocations(|| decode("BP5384A4182965", None, &NoBook));
    assert!(
        n > 0,
        "a misread character's message is written on the heap"
    );
    let n = allocations(|| decode("M12345", None, &NoBook));
    assert!(
        n > 0,
        "a missing character's message is written on the heap"
    );
}

//! One contract, two stores: every behaviour of the records is checked on the
//! SQLite file and on a real PostgreSQL server, through the one interface.

mod common;

use std::collections::BTreeSet;

use radiocode::decode::{Code, Confidence, Source, Status, decode};
use radiocode::serial::FindingKind;
use radiocode::store::{
    self, Added, DumpRecord, EvidenceKind, EvidenceRow, JobFilter, LayoutRecord, NewEntry, NewJob,
    NewTry, Place, Records, TryOutcome,
};

/// Where one test's records live; `open` gives another handle on them, as a
/// second bench would have.
struct Fixture {
    place: Place,
    _dir: Option<tempfile::TempDir>,
}

impl Fixture {
    fn sqlite() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let place = Place::File(dir.path().join("radiocode.db"));
        Fixture {
            place,
            _dir: Some(dir),
        }
    }

    fn postgres(test: &str) -> Option<Fixture> {
        let url = common::pg::radiocode_db(test)?;
        Some(Fixture {
            place: Place::parse(url.as_ref()).unwrap(),
            _dir: None,
        })
    }

    fn open(&self) -> Box<dyn Records> {
        store::open_writing(&self.place).unwrap()
    }
}

/// Runs each named contract test on both stores.
macro_rules! contract {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[test] fn $name() { super::$name(&super::Fixture::sqlite()); })*
        }
        mod postgres {
            $(#[test] fn $name() {
                if let Some(f) = super::Fixture::postgres(stringify!($name)) {
                    super::$name(&f);
                }
            })*
        }
    };
}

contract!(
    a_new_store_holds_the_public_pairs,
    the_stronger_confidence_is_kept_with_every_source,
    the_decoder_and_the_book_agree,
    the_decoder_and_the_book_disagree_loudly,
    blaupunkt_from_the_book_with_the_mod_2000_second_try,
    an_accepted_try_confirms_and_a_job_search_finds_it,
    jobs_keep_tries_notes_bench_and_branch,
    a_retried_write_counts_once,
    unknown_jobs_and_bad_serials_record_nothing,
    an_import_is_all_or_nothing,
    what_one_bench_writes_the_next_one_reads,
    copying_twice_copies_nothing_twice,
    dumps_and_imported_layouts_are_kept_once,
    evidence_is_kept_and_a_purge_leaves_codes_and_outcomes,
    a_search_takes_wildcards_literally,
    a_nul_character_is_refused_the_same_on_both_stores,
    a_large_import_keeps_the_meaning_of_a_row_at_a_time,
    a_large_copy_keeps_every_record_once_and_in_order,
    a_withdrawn_refusal_stays_in_the_log_and_counts_for_nothing,
);

fn entry(serial: &str, code: &str, confidence: Confidence) -> NewEntry {
    NewEntry {
        serial: serial.into(),
        code: Code::parse(code).unwrap(),
        confidence,
        source: format!("test {confidence:?}"),
        added_by: "test".into(),
    }
}

fn job(serial: &str, vehicle: &str) -> NewJob {
    NewJob {
        workstation: "bay 1".into(),
        branch: "Leeds".into(),
        vehicle: vehicle.into(),
        ownership_proof: "V5C".into(),
        serial: serial.into(),
        ..NewJob::default()
    }
}

/// Today in UTC, as the records write days.
fn today() -> String {
    jiff::Timestamp::now().strftime("%Y-%m-%d").to_string()
}

fn code(c: &str) -> Code {
    Code::parse(c).unwrap()
}

fn a_new_store_holds_the_public_pairs(f: &Fixture) {
    let r = f.open();
    let book = r.book().unwrap();
    let serials: Vec<_> = book.iter().map(|b| b.serial.as_str()).collect();
    assert_eq!(
        serials,
        [
            "BP234632011442",
            "BP234746080340",
            "BP536258419379",
            "BP538464182965",
            "BP538469512132"
        ]
    );
    let confirmed = &book[1];
    assert_eq!(confirmed.code.to_string(), "1222");
    assert_eq!(confirmed.confidence, Confidence::Confirmed);
    assert!(!confirmed.source.is_empty());
    assert!(
        confirmed.added_at.to_string().ends_with('Z'),
        "{}",
        confirmed.added_at
    );
    assert!(r.jobs(&JobFilter::default()).unwrap().is_empty());
}

fn the_stronger_confidence_is_kept_with_every_source(f: &Fixture) {
    let mut r = f.open();
    let serial = "BP334958119566";
    assert_eq!(
        r.add_entry(&entry(serial, "4321", Confidence::Unconfirmed))
            .unwrap(),
        Added::New
    );
    assert_eq!(
        r.add_entry(&entry(serial, "4321", Confidence::Unconfirmed))
            .unwrap(),
        Added::AlreadyThere
    );
    assert_eq!(
        r.add_entry(&entry(serial, "4321", Confidence::Confirmed))
            .unwrap(),
        Added::AlreadyThere
    );
    assert_eq!(
        r.add_entry(&entry(serial, "4321", Confidence::Likely))
            .unwrap(),
        Added::AlreadyThere,
        "a weaker confidence changes nothing"
    );
    r.add_entry(&entry(serial, "9999", Confidence::Likely))
        .unwrap();
    let got = r.entries_for(serial).unwrap();
    let summary: Vec<_> = got
        .iter()
        .map(|e| (e.code.to_string(), e.confidence, e.source.clone()))
        .collect();
    assert_eq!(
        summary,
        [
            (
                "4321".to_string(),
                Confidence::Confirmed,
                "test Unconfirmed; test Confirmed".to_string()
            ),
            (
                "9999".to_string(),
                Confidence::Likely,
                "test Likely".to_string()
            ),
        ]
    );
    let rows: Vec<_> = r
        .book()
        .unwrap()
        .into_iter()
        .filter(|b| b.serial == serial)
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].confidence, Confidence::Confirmed);
    assert_eq!(rows[0].family.map(|f| f.id()), Some("blaupunkt"));
}

fn the_decoder_and_the_book_agree(f: &Fixture) {
    let mut r = f.open();
    r.add_entry(&entry("J727", "6586", Confidence::Confirmed))
        .unwrap();
    let o = decode("J727", None, r.as_ref());
    assert_eq!(o.candidates.len(), 1);
    assert_eq!(o.candidates[0].source, Source::Algorithm);
    assert!(o.candidates[0].note.contains("code book agrees"));
    assert!(o.diagnosis.findings.is_empty());
}

fn the_decoder_and_the_book_disagree_loudly(f: &Fixture) {
    let mut r = f.open();
    r.add_entry(&entry("J727", "1234", Confidence::Unconfirmed))
        .unwrap();
    let o = decode("J727", None, r.as_ref());
    let codes: Vec<_> = o.candidates.iter().map(|c| c.code.to_string()).collect();
    assert_eq!(codes, ["6586", "1234"], "the verified algorithm first");
    let finding = &o.diagnosis.findings[0];
    assert_eq!(finding.kind, FindingKind::CodeBookDisagrees);
    assert!(finding.message.contains("DISAGREES"));

    // A confirmed entry (a radio accepted it) goes before the algorithm.
    r.add_entry(&entry("M123456", "1111", Confidence::Confirmed))
        .unwrap();
    let o = decode("M123456", None, r.as_ref());
    let codes: Vec<_> = o.candidates.iter().map(|c| c.code.to_string()).collect();
    assert_eq!(codes, ["1111", "2487"]);
}

fn blaupunkt_from_the_book_with_the_mod_2000_second_try(f: &Fixture) {
    let r = f.open();
    let o = decode("BP536258419379", None, r.as_ref());
    assert_eq!(o.status, Status::Decoded);
    let got: Vec<_> = o
        .candidates
        .iter()
        .map(|c| (c.code.to_string(), c.source, c.confidence))
        .collect();
    assert_eq!(
        got,
        [
            (
                "5326".to_string(),
                Source::CodeBook,
                Confidence::Unconfirmed
            ),
            ("1326".to_string(), Source::Derived, Confidence::Unconfirmed)
        ]
    );
    let o = decode("BP538469512132", None, r.as_ref());
    let codes: Vec<_> = o.candidates.iter().map(|c| c.code.to_string()).collect();
    assert_eq!(codes, ["0349"], "a first digit below 2 has no second try");
}

fn an_accepted_try_confirms_and_a_job_search_finds_it(f: &Fixture) {
    let mut r = f.open();
    let id = r.new_job(&job("BP5362 5 8419379", "KY05 ABC")).unwrap();
    r.record_try(id, &NewTry::new(code("5326"), TryOutcome::Refused))
        .unwrap();
    r.record_try(id, &NewTry::new(code("1326"), TryOutcome::Accepted))
        .unwrap();
    let entries = r.entries_for("BP536258419379").unwrap();
    assert_eq!(entries[0].code.to_string(), "1326");
    assert_eq!(entries[0].confidence, Confidence::Confirmed);
    // The entry names the job, its bench and its day; the vehicle stays in
    // the job log.
    assert_eq!(
        entries[0].source,
        format!("job {id} at bay 1 on {}: accepted by the radio", today())
    );
    assert!(!entries[0].source.contains("KY05"));
    let o = decode("BP536258419379", None, r.as_ref());
    assert_eq!(o.candidates[0].code.to_string(), "1326");
    assert_eq!(o.candidates[0].confidence, Confidence::Confirmed);
    let book_row = r
        .book()
        .unwrap()
        .into_iter()
        .find(|b| b.serial == "BP536258419379" && b.code.to_string() == "1326")
        .unwrap();
    assert_eq!(book_row.job, Some(id));
    let search = |s: &str| {
        r.jobs(&JobFilter {
            search: Some(s.into()),
            branch: None,
            ..JobFilter::default()
        })
        .unwrap()
        .len()
    };
    assert_eq!(search("ky05"), 1, "any case, spaces ignored");
    assert_eq!(search("KY05ABC"), 1);
    assert_eq!(search("BP5362 58419"), 1);
    assert_eq!(search("nothing"), 0);
    // A % typed is the character %: no job holds one (it used to match all).
    assert_eq!(search("%"), 0, "a wildcard typed is not a wildcard");
}

fn jobs_keep_tries_notes_bench_and_branch(f: &Fixture) {
    let mut r = f.open();
    let leeds = r
        .new_job(&NewJob {
            notes: "customer waited".into(),
            ..job("J727", "AB12 CDE")
        })
        .unwrap();
    let york = r
        .new_job(&NewJob {
            branch: "York".into(),
            workstation: "bay 5".into(),
            ..job("M123456", "YO70 XYZ")
        })
        .unwrap();
    assert_ne!(leeds, york, "job numbers never repeat");
    r.add_note(leeds, "radio card found in the glovebox")
        .unwrap();
    r.record_try(leeds, &NewTry::new(code("6586"), TryOutcome::Accepted))
        .unwrap();
    let all = r.jobs(&JobFilter::default()).unwrap();
    assert_eq!(
        all.iter().map(|j| j.id).collect::<Vec<_>>(),
        [york, leeds],
        "newest first"
    );
    let j = &all[1];
    assert_eq!(j.serial, "J727");
    assert_eq!(j.family.map(|f| f.id()), Some("renault"));
    assert_eq!(
        (j.workstation.as_str(), j.branch.as_str()),
        ("bay 1", "Leeds")
    );
    assert_eq!(j.notes, "customer waited\nradio card found in the glovebox");
    assert_eq!(j.tries_text(), "6586 accepted");
    assert!(j.created_at.to_string().ends_with('Z') && j.attempts[0].at.to_string().ends_with('Z'));
    let york_only = r
        .jobs(&JobFilter {
            search: None,
            branch: Some("York".into()),
            ..JobFilter::default()
        })
        .unwrap();
    assert_eq!(york_only.len(), 1);
    assert_eq!(york_only[0].workstation, "bay 5");
    // A job for a serial that is not valid keeps it as typed.
    let odd = r.new_job(&job("  not a serial ", "X1")).unwrap();
    let odd = r
        .jobs(&JobFilter::default())
        .unwrap()
        .into_iter()
        .find(|j| j.id == odd)
        .unwrap();
    assert_eq!((odd.serial.as_str(), odd.family), ("not a serial", None));
}

fn a_retried_write_counts_once(f: &Fixture) {
    let mut r = f.open();
    let start = NewJob {
        uid: "job-written-twice".into(),
        ..job("J295", "RETRY 1")
    };
    let id = r.new_job(&start).unwrap();
    assert_eq!(r.new_job(&start).unwrap(), id, "the same job, not a second");
    let t = NewTry::new(code("7590"), TryOutcome::Accepted);
    r.record_try(id, &t).unwrap();
    r.record_try(id, &t).unwrap();
    let jobs = r.jobs(&JobFilter::default()).unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].tries_text(), "7590 accepted");
    let entries = r.entries_for("J295").unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(
        entries[0].source,
        format!("job {id} at bay 1 on {}: accepted by the radio", today())
    );
}

fn unknown_jobs_and_bad_serials_record_nothing(f: &Fixture) {
    let mut r = f.open();
    let e = format!(
        "{:#}",
        r.record_try(999, &NewTry::new(code("1234"), TryOutcome::Refused))
            .unwrap_err()
    );
    assert!(e.contains("there is no job 999"), "{e}");
    let e = format!("{:#}", r.add_note(999, "x").unwrap_err());
    assert!(e.contains("there is no job 999"), "{e}");
    let id = r.new_job(&job("BP12", "X1")).unwrap();
    let e = format!(
        "{:#}",
        r.record_try(id, &NewTry::new(code("1234"), TryOutcome::Accepted))
            .unwrap_err()
    );
    assert!(e.contains("not a valid serial"), "{e}");
    let jobs = r.jobs(&JobFilter::default()).unwrap();
    assert!(
        jobs[0].attempts.is_empty(),
        "the try was not written either"
    );
    assert_eq!(r.book().unwrap().len(), 5);
}

fn an_import_is_all_or_nothing(f: &Fixture) {
    let mut r = f.open();
    let csv = "serial,code,confidence,source\nJ727,6586,confirmed,card\nBP12,1,x,y\n\
               BP 3349 5 8119566,4321,likely,\nJ727,6586,likely,again\n";
    let strict = store::import_csv(r.as_mut(), csv.as_bytes(), true, "t", "file").unwrap();
    assert!(!strict.committed);
    assert_eq!(strict.bad.len(), 1);
    assert_eq!(strict.bad[0].line, 3);
    assert_eq!(r.book().unwrap().len(), 5, "strict: nothing written");
    let report = store::import_csv(r.as_mut(), csv.as_bytes(), false, "t", "file").unwrap();
    assert!(report.committed);
    assert_eq!((report.added, report.already_there), (2, 1));
    let e = r.entries_for("BP334958119566").unwrap();
    assert_eq!(e[0].source, "file", "an empty source gets the file's");
    assert_eq!(r.book().unwrap().len(), 7);
}

fn what_one_bench_writes_the_next_one_reads(f: &Fixture) {
    let mut bay1 = f.open();
    let bay2 = f.open();
    let id = bay1.new_job(&job("J727", "SEEN 1")).unwrap();
    bay1.record_try(id, &NewTry::new(code("6586"), TryOutcome::Accepted))
        .unwrap();
    let seen = bay2.jobs(&JobFilter::default()).unwrap();
    assert_eq!(seen[0].id, id);
    assert_eq!(
        bay2.entries_for("J727").unwrap()[0].confidence,
        Confidence::Confirmed
    );
}

fn copying_twice_copies_nothing_twice(f: &Fixture) {
    // From a bench's file into the store under test, and back out again.
    let bench = Fixture::sqlite();
    let mut file = bench.open();
    let id = file
        .new_job(&NewJob {
            notes: "first note".into(),
            ..job("BP5362 5 8419379", "KY05 ABC")
        })
        .unwrap();
    file.record_try(id, &NewTry::new(code("5326"), TryOutcome::Refused))
        .unwrap();
    file.record_try(id, &NewTry::new(code("1326"), TryOutcome::Accepted))
        .unwrap();
    file.add_note(id, "second note").unwrap();
    file.new_job(&job("J727", "AB12 CDE")).unwrap();
    file.add_entry(&entry("M123456", "2487", Confidence::Likely))
        .unwrap();
    file.add_dump(&dump_record("BP5384", vec![1, 2, 3, 4], "1234"))
        .unwrap();
    file.add_layout(&layout_record("u1")).unwrap();

    let mut target = f.open();
    let first = store::copy(file.as_ref(), target.as_mut()).unwrap();
    assert_eq!(first.jobs, (2, 0));
    assert_eq!(first.tries, (2, 0));
    assert_eq!(first.notes, (1, 0));
    assert_eq!(first.book, (2, 5), "the public pairs were there already");
    assert_eq!((first.dumps, first.layouts), ((1, 0), (1, 0)));
    let again = store::copy(file.as_ref(), target.as_mut()).unwrap();
    assert_eq!(again.jobs, (0, 2));
    assert_eq!(again.tries, (0, 2));
    assert_eq!(again.notes, (0, 1));
    assert_eq!(again.book, (0, 7));
    assert_eq!((again.dumps, again.layouts), ((0, 1), (0, 1)));
    assert_eq!(target.dumps(None).unwrap()[0].bytes, [1, 2, 3, 4]);
    assert_eq!(target.layouts().unwrap()[0].evidence, ["aa", "bb"]);
    assert_eq!(
        again.lines()[0],
        "jobs: 0 copied, 2 already there",
        "{:?}",
        again.lines()
    );

    let facts = |r: &dyn Records| {
        let jobs: BTreeSet<_> = r
            .jobs(&JobFilter::default())
            .unwrap()
            .into_iter()
            .map(|j| {
                (
                    j.created_at,
                    j.vehicle.clone(),
                    j.serial.clone(),
                    j.branch.clone(),
                    j.notes.clone(),
                    j.attempts
                        .iter()
                        .map(|a| (a.at, a.code.to_string(), a.outcome.id()))
                        .collect::<Vec<_>>(),
                )
            })
            .collect();
        let book: BTreeSet<_> = r
            .book()
            .unwrap()
            .into_iter()
            .map(|b| (b.serial, b.code.to_string(), b.confidence, b.source))
            .collect();
        (jobs, book)
    };
    assert_eq!(facts(file.as_ref()), facts(target.as_ref()));
    let confirmed = target
        .book()
        .unwrap()
        .into_iter()
        .find(|b| b.serial == "BP536258419379" && b.code.to_string() == "1326")
        .unwrap();
    let copied_job = target.jobs(&JobFilter::default()).unwrap();
    let copied_job = copied_job.iter().find(|j| j.vehicle == "KY05 ABC").unwrap();
    assert_eq!(
        confirmed.job,
        Some(copied_job.id),
        "the entry points at the copied job"
    );

    // And back into a new file: the same records.
    let back = Fixture::sqlite();
    let mut back_records = back.open();
    store::copy(target.as_ref(), back_records.as_mut()).unwrap();
    assert_eq!(facts(file.as_ref()), facts(back_records.as_ref()));
}

fn dump_record(model: &str, bytes: Vec<u8>, code: &str) -> DumpRecord {
    DumpRecord {
        sha256: radiocode::dump::sha256_hex(&bytes),
        bytes,
        model: model.into(),
        code: Code::parse(code).unwrap(),
        known_by: "the technician's word".into(),
        source: "test.bin".into(),
        added_at: radiocode::store::At::UNSTAMPED,
        added_by: "test".into(),
    }
}

fn layout_record(uid: &str) -> LayoutRecord {
    LayoutRecord {
        uid: uid.into(),
        model: "BE4739".into(),
        address: 0x22,
        encoding: "ascii".into(),
        word_swapped: false,
        dumps: 2,
        codes: 2,
        evidence: vec!["aa".into(), "bb".into()],
        origin: "imported from test".into(),
        added_at: radiocode::store::At::UNSTAMPED,
        added_by: "test".into(),
    }
}

fn dumps_and_imported_layouts_are_kept_once(f: &Fixture) {
    let mut r = f.open();
    let a = dump_record("BP5384", (0..=255).collect(), "0872");
    let b = dump_record("BE4739", vec![0x12, 0x34], "1234");
    assert!(r.add_dump(&a).unwrap());
    assert!(!r.add_dump(&a).unwrap(), "the same dump counts once");
    assert!(r.add_dump(&b).unwrap());
    let all = r.dumps(None).unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].bytes, a.bytes, "bytes kept exactly, oldest first");
    assert!(all[0].added_at.to_string().ends_with('Z'));
    let only = r.dumps(Some("BE4739")).unwrap();
    assert_eq!(only.len(), 1);
    assert_eq!(only[0].code.to_string(), "1234");
    assert!(r.add_layout(&layout_record("x")).unwrap());
    assert!(!r.add_layout(&layout_record("x")).unwrap());
    let layouts = r.layouts().unwrap();
    assert_eq!(layouts.len(), 1);
    assert_eq!(layouts[0].evidence, ["aa", "bb"]);
    assert!(!layouts[0].word_swapped && layouts[0].address == 0x22);
}

fn evidence_is_kept_and_a_purge_leaves_codes_and_outcomes(f: &Fixture) {
    let mut r = f.open();
    let id = r.new_job(&job("BP5362 5 8419379", "KY05 ABC")).unwrap();
    r.add_note(id, "owner Mr Smith").unwrap();
    r.record_try(id, &NewTry::new(code("1326"), TryOutcome::Accepted))
        .unwrap();
    let file = |kind: &str| EvidenceRow {
        at: radiocode::store::At::UNSTAMPED,
        kind: EvidenceKind::parse(kind).unwrap(),
        path: format!("/photos/{kind}.jpg"),
        size: 12,
        sha256: "ab".repeat(32),
        copy_path: String::new(),
        serial_read: if kind == "label-photo" {
            "BP536258419379".to_string()
        } else {
            String::new()
        },
        uid: String::new(),
    };
    r.attach(id, &[file("label-photo"), file("proof")]).unwrap();
    let e = format!("{:#}", r.attach(999, &[file("other")]).unwrap_err());
    assert!(e.contains("there is no job 999"), "{e}");
    let j = &r.jobs(&JobFilter::job(id)).unwrap()[0];
    assert_eq!(j.evidence.len(), 2);
    assert_eq!(j.evidence[1].kind.id(), "proof");
    assert_eq!(j.evidence[0].serial_read, "BP536258419379");
    assert_eq!(j.evidence[1].serial_read, "");
    assert!(j.evidence[0].at.to_string().ends_with('Z'));

    assert_eq!(
        r.purge("2000-01-01T00:00:00Z").unwrap().jobs,
        0,
        "nothing that old"
    );
    // A record naming a file outside the evidence folder: that file stays.
    let elsewhere = tempfile::tempdir().unwrap();
    let victim = elsewhere.path().join("precious.txt");
    std::fs::write(&victim, b"keep me").unwrap();
    r.attach(
        id,
        &[EvidenceRow {
            copy_path: victim.to_str().unwrap().to_string(),
            ..file("other")
        }],
    )
    .unwrap();
    let purged = r.purge("2999-01-01T00:00:00Z").unwrap();
    assert_eq!(purged.jobs, 1);
    assert_eq!(std::fs::read(&victim).unwrap(), b"keep me");
    assert_eq!(purged.kept.len(), 1, "{:?}", purged.kept);
    assert!(
        purged.kept[0].contains("precious.txt was not removed"),
        "{:?}",
        purged.kept
    );
    let j = &r.jobs(&JobFilter::job(id)).unwrap()[0];
    assert_eq!((j.vehicle.as_str(), j.ownership_proof.as_str()), ("", ""));
    assert_eq!(j.notes, "");
    assert!(
        j.evidence
            .iter()
            .all(|e| e.path.is_empty() && e.sha256.len() == 64)
    );
    assert_eq!(j.tries_text(), "1326 accepted");
    let e = &r.entries_for("BP536258419379").unwrap()[0];
    assert_eq!(e.confidence, Confidence::Confirmed);
    assert_eq!(
        e.source,
        format!("job {id} at bay 1 on {}: accepted by the radio", today())
    );
    assert_eq!(
        r.purge("2999-01-01T00:00:00Z").unwrap().jobs,
        0,
        "nothing left to blank"
    );
}

/// `%` and `_` in a search are the characters typed, not wildcards.
fn a_search_takes_wildcards_literally(f: &Fixture) {
    let mut r = f.open();
    r.new_job(&job("J727", "AB12 CDE")).unwrap();
    r.new_job(&job("J295", "50%_OFF")).unwrap();
    let found = |text: &str| {
        r.jobs(&JobFilter {
            search: Some(text.to_string()),
            ..JobFilter::default()
        })
        .unwrap()
        .len()
    };
    assert_eq!(found("%"), 1);
    assert_eq!(found("_"), 1);
    assert_eq!(found("0%_o"), 1);
    assert_eq!(found("AB12"), 1);
    assert_eq!(found("zz"), 0);
}

/// A NUL character (which a server cannot store) is refused on a file too:
/// one bad import row, the other rows in; a job with one is not started.
fn a_nul_character_is_refused_the_same_on_both_stores(f: &Fixture) {
    let mut r = f.open();
    let csv = "serial,code,source\nJ727,6586,card\nJ295,7590,for\0um\nM123456,2487,ok\n";
    let report =
        store::import_csv(r.as_mut(), csv.as_bytes(), false, "test", "test import").unwrap();
    assert_eq!(report.added, 2, "{report:?}");
    assert_eq!(report.bad.len(), 1, "{report:?}");
    assert_eq!(report.bad[0].line, 3);
    assert!(report.bad[0].reason.contains("NUL"), "{report:?}");
    let e = r.new_job(&job("J727", "AB\u{0}12")).unwrap_err();
    assert!(format!("{e:#}").contains("NUL"), "{e:#}");
    assert!(r.jobs(&JobFilter::default()).unwrap().is_empty());
    // A text longer than the records take: refused the same way, a row or a job.
    let long = "x".repeat(4001);
    let e = r.new_job(&job("J727", &long)).unwrap_err();
    assert!(
        format!("{e:#}").contains("more than 4,000 characters"),
        "{e:#}"
    );
    assert!(r.jobs(&JobFilter::default()).unwrap().is_empty());
    let csv = format!("serial,code,source\nJ295,7590,{long}\nM123456,2487,ok\n");
    let report = store::import_csv(r.as_mut(), csv.as_bytes(), false, "test", "t").unwrap();
    assert_eq!(report.bad.len(), 1, "{report:?}");
    assert_eq!(report.bad[0].line, 2);
    let id = r.new_job(&job("J727", &"y".repeat(4000))).unwrap();
    let e = r.add_note(id, &long).unwrap_err();
    assert!(
        format!("{e:#}").contains("more than 4,000 characters"),
        "{e:#}"
    );
}

/// An import far larger than one batch of the server's bulk path, with
/// repeats inside a batch and across batches, stronger and weaker, and bad
/// rows: the same report, the same book and the same bad lines as writing
/// the rows one at a time would give (worked out here from the rows).
fn a_large_import_keeps_the_meaning_of_a_row_at_a_time(f: &Fixture) {
    use std::collections::HashMap;
    use std::fmt::Write;
    let mut r = f.open();
    let rank = |c: Confidence| match c {
        Confidence::Confirmed => 0,
        Confidence::Likely => 1,
        _ => 2,
    };
    // What the book holds: (serial, code) -> (best rank, sources written).
    let mut model: HashMap<(String, String), (u8, Vec<String>)> = r
        .book()
        .unwrap()
        .into_iter()
        .map(|b| {
            let key = (b.serial.clone(), b.code.to_string());
            (key, (rank(b.confidence), vec![b.source]))
        })
        .collect();
    let words = ["unconfirmed", "likely", "confirmed"];
    let mut csv = String::from("serial,code,confidence,source\n");
    let mut rows: Vec<(String, String, usize)> = Vec::new();
    for i in 0..24_000usize {
        rows.push((
            format!("M{:06}", i),
            format!("{:04}", (i * 7) % 10_000),
            i % 3,
        ));
        if i % 5 == 4 {
            // The row before, again: sometimes stronger, sometimes weaker.
            rows.push((
                format!("M{:06}", i - 1),
                format!("{:04}", ((i - 1) * 7) % 10_000),
                (i / 5) % 3,
            ));
        }
        if i % 997 == 0 && i >= 11_000 {
            // A row from about one batch back, stronger.
            let j = i - 10_500;
            rows.push((format!("M{:06}", j), format!("{:04}", (j * 7) % 10_000), 2));
        }
    }
    let (mut added, mut there) = (0, 0);
    let mut bad_lines = Vec::new();
    for (n, (serial, code, c)) in rows.iter().enumerate() {
        let line = n as u64 + 2;
        if n % 4_999 == 17 {
            // A bad row in place of this one: the serial has a letter too many.
            writeln!(csv, "{serial}X,{code},{},row {line}", words[*c]).unwrap();
            bad_lines.push(line);
            continue;
        }
        writeln!(csv, "{serial},{code},{},row {line}", words[*c]).unwrap();
        let r = [2u8, 1, 0][*c];
        let source = format!("row {line}");
        match model.get_mut(&(serial.clone(), code.clone())) {
            None => {
                added += 1;
                model.insert((serial.clone(), code.clone()), (r, vec![source]));
            }
            Some((best, sources)) => {
                there += 1;
                if r < *best {
                    *best = r;
                    sources.push(source);
                }
            }
        }
    }
    let strict = store::import_csv(r.as_mut(), csv.as_bytes(), true, "t", "file").unwrap();
    assert!(!strict.committed);
    assert_eq!(
        strict.bad.iter().map(|b| b.line).collect::<Vec<_>>(),
        bad_lines
    );
    assert_eq!(r.book().unwrap().len(), 5, "strict: nothing written");

    let report = store::import_csv(r.as_mut(), csv.as_bytes(), false, "t", "file").unwrap();
    assert!(report.committed);
    assert_eq!((report.added, report.already_there), (added, there));
    assert_eq!(
        report.bad.iter().map(|b| b.line).collect::<Vec<_>>(),
        bad_lines
    );
    let book: HashMap<(String, String), (u8, String)> = r
        .book()
        .unwrap()
        .into_iter()
        .map(|b| {
            (
                (b.serial.clone(), b.code.to_string()),
                (rank(b.confidence), b.source),
            )
        })
        .collect();
    assert_eq!(book.len(), model.len());
    for (key, (best, sources)) in &model {
        assert_eq!(book.get(key), Some(&(*best, sources.join("; "))), "{key:?}");
    }
}

/// A copy far larger than one batch: every job, try, note, evidence file and
/// book entry arrives once, with its times; jobs are numbered oldest first;
/// a second copy adds nothing.
fn a_large_copy_keeps_every_record_once_and_in_order(f: &Fixture) {
    use radiocode::store::{Attempt, BookRow, JobNote, JobRow, Snapshot};
    let at = |i: usize| {
        radiocode::store::At::new(
            jiff::Timestamp::from_second(1_600_000_000 + i as i64 * 60).unwrap(),
        )
    };
    let n_jobs = 12_000;
    // Newest first, as a store lists them.
    let jobs: Vec<JobRow> = (0..n_jobs)
        .rev()
        .map(|i| JobRow {
            id: i as i64 + 1,
            created_at: at(i),
            workstation: "bay 1".into(),
            branch: "Leeds".into(),
            vehicle: format!("CAR {i}"),
            ownership_proof: "V5C".into(),
            serial: format!("M{:06}", 300_000 + i),
            family: None,
            notes: String::new(),
            attempts: vec![Attempt {
                at: at(i + 1),
                code: Code::parse(&format!("{:04}", i % 10_000)).unwrap(),
                outcome: if i % 2 == 0 {
                    TryOutcome::Refused
                } else {
                    TryOutcome::Accepted
                },
                source: "Visteon algorithm".into(),
                confidence: Some(Confidence::Likely),
                uid: format!("try-{i}"),
                withdrawn: None,
            }],
            evidence: if i % 5 == 0 {
                vec![EvidenceRow {
                    at: at(i + 2),
                    kind: EvidenceKind::LabelPhoto,
                    path: format!("/photos/{i}.jpg"),
                    size: i as i64,
                    sha256: format!("{i:064x}"),
                    copy_path: String::new(),
                    uid: format!("file-{i}"),
                    serial_read: format!("M{:06}", 300_000 + i),
                }]
            } else {
                Vec::new()
            },
            serial_typed: format!("M{:06}", 300_000 + i),
            uid: format!("job-{i}"),
            intake_notes: String::new(),
            later_notes: if i % 3 == 0 {
                vec![JobNote {
                    at: at(i + 3),
                    text: format!("note {i}"),
                    uid: format!("note-{i}"),
                    // Every other one takes back its job's refusal.
                    withdraws: if i % 6 == 0 {
                        format!("try-{i}")
                    } else {
                        String::new()
                    },
                }]
            } else {
                Vec::new()
            },
        })
        .collect();
    let book: Vec<BookRow> = (0..21_000usize)
        .map(|i| BookRow {
            serial: format!("M{:06}", 400_000 + i),
            family: None,
            code: Code::parse(&format!("{:04}", (i * 3) % 10_000)).unwrap(),
            confidence: [Confidence::Likely, Confidence::Unconfirmed][i % 2],
            source: format!("list {i}"),
            added_at: at(i),
            added_by: "sam".into(),
            job: None,
            job_uid: (i < n_jobs).then(|| format!("job-{i}")),
        })
        .collect();
    let snapshot = Snapshot {
        jobs,
        book,
        dumps: Vec::new(),
        layouts: Vec::new(),
    };
    let mut r = f.open();
    let first = r.merge(&snapshot, &|_| {}).unwrap();
    assert_eq!(first.jobs, (n_jobs, 0));
    assert_eq!(first.tries, (n_jobs, 0));
    assert_eq!(first.notes, (n_jobs / 3, 0));
    assert_eq!(first.evidence, (n_jobs / 5, 0));
    assert_eq!(first.book, (21_000, 0));
    let again = r.merge(&snapshot, &|_| {}).unwrap();
    assert_eq!(again.jobs, (0, n_jobs));
    assert_eq!(again.tries, (0, n_jobs));
    assert_eq!(again.notes, (0, n_jobs / 3));
    assert_eq!(again.evidence, (0, n_jobs / 5));
    // Accepted tries confirmed nothing new here: a copy writes the book as
    // it was, and the accepted codes' entries are not in this snapshot.
    assert_eq!(again.book, (0, 21_000));

    let copied = r.jobs(&JobFilter::default()).unwrap();
    assert_eq!(copied.len(), n_jobs);
    // Numbered oldest first: the later a job, the higher its number.
    let mut by_id = copied.clone();
    by_id.sort_by_key(|j| j.id);
    let times: Vec<radiocode::store::At> = by_id.iter().map(|j| j.created_at).collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted);
    for j in &copied {
        let i: usize = j.vehicle[4..].parse().unwrap();
        assert_eq!(j.created_at, at(i));
        assert_eq!(j.attempts.len(), 1, "job {i}");
        assert_eq!(j.attempts[0].at, at(i + 1));
        assert_eq!(j.attempts[0].stands(), !i.is_multiple_of(6), "job {i}");
        assert_eq!(
            j.evidence.len(),
            usize::from(i.is_multiple_of(5)),
            "job {i}"
        );
        assert_eq!(
            j.notes,
            if i.is_multiple_of(3) {
                format!("note {i}")
            } else {
                String::new()
            }
        );
    }
    let ids: std::collections::HashMap<String, i64> =
        copied.iter().map(|j| (j.vehicle.clone(), j.id)).collect();
    let entries = r.book().unwrap();
    for b in entries.iter().filter(|b| b.serial.starts_with("M4")) {
        let i: usize = b.serial[1..].parse::<usize>().unwrap() - 400_000;
        assert_eq!(b.added_at, at(i), "{}", b.serial);
        assert_eq!(b.source, format!("list {i}"));
        assert_eq!(
            b.job,
            (i < n_jobs).then(|| ids[&format!("CAR {i}")]),
            "{}",
            b.serial
        );
    }
}

fn a_withdrawn_refusal_stays_in_the_log_and_counts_for_nothing(f: &Fixture) {
    use radiocode::session;
    let mut r = f.open();
    let id = r.new_job(&job("J727", "AB12 CDE")).unwrap();
    // 6586 is the algorithm's verified code; a refusal of it marks the radio.
    session::record_try_on_job(r.as_mut(), id, code("6586"), TryOutcome::Accepted).unwrap();
    session::record_try_on_job(r.as_mut(), id, code("6586"), TryOutcome::Refused).unwrap();
    assert!(
        !r.warnings("J727").is_empty(),
        "the refusal makes it suspect"
    );
    assert_eq!(session::refused_for(r.as_ref(), "J727").unwrap().len(), 1);

    let gone = session::withdraw_refusal(r.as_mut(), id, code("6586"), "pressed r for a").unwrap();
    assert_eq!(gone.outcome, TryOutcome::Refused);
    // A second bench reads the same.
    let other = f.open();
    let row = &other.jobs(&JobFilter::job(id)).unwrap()[0];
    assert_eq!(row.attempts.len(), 2, "both tries stay in the log");
    let w = row.attempts[1]
        .withdrawn
        .as_ref()
        .expect("marked withdrawn");
    assert!(w.why.contains("pressed r for a"), "{}", w.why);
    assert!(w.at >= row.attempts[1].at);
    assert!(row.notes.contains("withdrew 6586 refused"), "{}", row.notes);
    assert!(row.suspected_recoded().is_none());
    assert!(
        other.warnings("J727").is_empty(),
        "{:?}",
        other.warnings("J727")
    );
    assert!(
        session::refused_for(other.as_ref(), "J727")
            .unwrap()
            .is_empty()
    );
    assert_eq!(row.tries_text(), "6586 accepted, 6586 refused (withdrawn)");
    let card = radiocode::paper::job_card(row, None).render(radiocode::paper::Format::Text);
    assert!(card.contains("Unlocked"), "{card}");
    assert!(card.contains("WITHDRAWN"), "{card}");
    assert!(!card.contains("SUSPECTED"), "{card}");

    // Nothing twice, no acceptance, no other job's try.
    let again = session::withdraw_refusal(r.as_mut(), id, code("6586"), "");
    assert!(again.is_err());
    let accepted = row.attempts[0].uid.clone();
    let e = r.withdraw_try(id, &accepted, "no").unwrap_err();
    assert!(
        format!("{e:#}").contains("accepted try cannot be withdrawn"),
        "{e:#}"
    );
    let other_job = r.new_job(&job("J727", "XY99 ZZZ")).unwrap();
    assert!(
        r.withdraw_try(other_job, &row.attempts[1].uid, "no")
            .is_err()
    );
    let after = &r.jobs(&JobFilter::job(id)).unwrap()[0];
    assert_eq!(
        after.later_notes.len(),
        1,
        "the refused writes wrote nothing"
    );

    // A copy carries the withdrawal with the try.
    let into = Fixture::sqlite();
    let mut target = into.open();
    store::copy(r.as_ref(), target.as_mut()).unwrap();
    let copied = target
        .jobs(&JobFilter::serial("J727"))
        .unwrap()
        .into_iter()
        .find(|j| j.vehicle == "AB12 CDE")
        .unwrap();
    assert!(copied.attempts[1].withdrawn.is_some());
    assert!(target.warnings("J727").is_empty());
}

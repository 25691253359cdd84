//! The shape of the code, checked: no file of `src/` imports a file that
//! imports it back (directly or round a longer loop), the two shells never
//! import each other and leave each workflow to the session, no file is
//! over 700 lines, no function over 120 (and few over 80), and no code
//! outside `src/family/` names a particular radio family.
//!
//! A file "imports" another when it names a path into it (`crate::a::b`,
//! `super::x`, `self::y`) in a `use` or in its code. Re-exports (`pub use`)
//! are a module's face, not a dependency, and do not count; nor does a
//! module's own file naming what is inside it (`mod.rs` dispatching to its
//! children), nor tests
//! (`#[cfg(test)]` modules), which may look anywhere.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .expect("src is readable")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/a/b.rs` and `src/a/b/mod.rs` are module `a::b`; `lib.rs` is the root.
fn module_of(path: &Path) -> Vec<String> {
    let rel = path.strip_prefix("src").expect("under src");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The code of a file without its comments, string contents, test modules
/// and re-exports.
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]") {
        Some(i) => &text[..i],
        None => text,
    };
    let mut out = String::new();
    let mut in_pub_use = false;
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with("//") {
            continue;
        }
        if t.starts_with("pub use") || t.starts_with("pub(crate) use") {
            in_pub_use = !t.trim_end().ends_with(';');
            continue;
        }
        if in_pub_use {
            in_pub_use = !t.trim_end().ends_with(';');
            continue;
        }
        // String literals could hold anything; paths never live in them.
        let mut in_str = false;
        let mut prev = ' ';
        for c in line.chars() {
            if c == '"' && prev != '\\' {
                in_str = !in_str;
            } else if !in_str {
                out.push(c);
            }
            prev = if prev == '\\' && c == '\\' { ' ' } else { c };
        }
        out.push('\n');
    }
    out
}

/// Every path the code names: `crate::a::b`, `super::c`, and the names
/// inside a `use` group (`use crate::a::{b, c::d}`).
fn paths(code: &str, children: &[String]) -> Vec<Vec<String>> {
    let chars: Vec<char> = code.chars().collect();
    let mut starts_with: Vec<String> = ["crate::", "super::", "self::"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    starts_with.extend(children.iter().map(|c| format!("{c}::")));
    let mut out = Vec::new();
    let mut i = 0;
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    while i < chars.len() {
        let at_word = i == 0 || !(ident(chars[i - 1]) || chars[i - 1] == ':');
        let starts = starts_with
            .iter()
            .find(|p| at_word && chars[i..].starts_with(&p.chars().collect::<Vec<_>>()));
        if let Some(start) = starts {
            let (found, end) = read_path(&chars, i);
            for mut p in found {
                // A child module named bare, as a `mod.rs` may: `self::child`.
                if !matches!(start.as_str(), "crate::" | "super::" | "self::") {
                    p.insert(0, "self".to_string());
                }
                out.push(p);
            }
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

/// Reads a path starting at `i`, expanding `{a, b::c}` groups.
fn read_path(chars: &[char], mut i: usize) -> (Vec<Vec<String>>, usize) {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut segs = Vec::new();
    loop {
        let start = i;
        while i < chars.len() && ident(chars[i]) {
            i += 1;
        }
        if i > start {
            segs.push(chars[start..i].iter().collect::<String>());
        }
        if chars[i..].starts_with(&[':', ':']) {
            i += 2;
            if chars.get(i) == Some(&'{') {
                // A group: each member is a path of its own under `segs`.
                let mut out = Vec::new();
                i += 1;
                loop {
                    while i < chars.len() && (chars[i].is_whitespace() || chars[i] == ',') {
                        i += 1;
                    }
                    if i >= chars.len() || chars[i] == '}' {
                        return (out, i + 1);
                    }
                    let (inner, end) = read_path(chars, i);
                    for p in inner {
                        let mut full = segs.clone();
                        full.extend(p);
                        out.push(full);
                    }
                    if end == i {
                        i += 1;
                    } else {
                        i = end;
                    }
                }
            }
            continue;
        }
        return (vec![segs], i);
    }
}

/// The file a path leads to: the longest module prefix that is a file.
fn resolve(
    from: &[String],
    path: &[String],
    files: &BTreeMap<Vec<String>, PathBuf>,
) -> Option<Vec<String>> {
    let mut base: Vec<String> = Vec::new();
    let mut rest = path;
    match path.first().map(String::as_str) {
        Some("crate") => rest = &path[1..],
        Some("self") | Some("super") => {
            // A `mod.rs` is its module; any other file is a module of its own.
            base = from.to_vec();
            while let Some(first) = rest.first() {
                match first.as_str() {
                    "self" => rest = &rest[1..],
                    "super" => {
                        base.pop();
                        rest = &rest[1..];
                    }
                    _ => break,
                }
            }
        }
        _ => return None,
    }
    let mut full = base;
    full.extend(rest.iter().cloned());
    (0..=full.len())
        .rev()
        .map(|n| full[..n].to_vec())
        .find(|m| files.contains_key(m))
}

struct Tree {
    files: BTreeMap<Vec<String>, PathBuf>,
    edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
    texts: BTreeMap<Vec<String>, String>,
}

fn tree() -> Tree {
    let mut list = Vec::new();
    sources(Path::new("src"), &mut list);
    let mut files = BTreeMap::new();
    let mut texts = BTreeMap::new();
    for path in list {
        if path.ends_with("main.rs") {
            continue;
        }
        let m = module_of(&path);
        texts.insert(m.clone(), fs::read_to_string(&path).expect("readable"));
        files.insert(m, path);
    }
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (m, path) in &files {
        let is_mod = path.ends_with("mod.rs") || path.ends_with("lib.rs");
        let children: Vec<String> = if is_mod {
            texts[m]
                .lines()
                .filter_map(|l| {
                    let l = l.trim();
                    let l = l
                        .strip_prefix("pub ")
                        .or(l.strip_prefix("pub(crate) "))
                        .unwrap_or(l);
                    l.strip_prefix("mod ")?
                        .strip_suffix(';')
                        .map(str::to_string)
                })
                .collect()
        } else {
            Vec::new()
        };
        let code = code_of(&texts[m]);
        for p in paths(&code, &children) {
            if let Some(target) = resolve(m, &p, &files)
                && &target != m
                // A module's own file dispatching to its children declares
                // its shape; only a child naming its parent is an import.
                && !(target.len() > m.len() && target.starts_with(m))
            {
                edges.entry(m.clone()).or_default().insert(target);
            }
        }
    }
    Tree {
        files,
        edges,
        texts,
    }
}

fn name(m: &[String]) -> String {
    if m.is_empty() {
        "lib".to_string()
    } else {
        m.join("/")
    }
}

#[test]
fn no_file_imports_a_file_that_imports_it_back() {
    let t = tree();
    // Strongly connected parts (Tarjan): any part with two files is a cycle.
    let nodes: Vec<&Vec<String>> = t.files.keys().collect();
    let index_of: BTreeMap<&Vec<String>, usize> =
        nodes.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let adj: Vec<Vec<usize>> = nodes
        .iter()
        .map(|n| {
            t.edges
                .get(*n)
                .map(|s| s.iter().filter_map(|x| index_of.get(x).copied()).collect())
                .unwrap_or_default()
        })
        .collect();
    let mut cycles = Vec::new();
    let n = nodes.len();
    let (mut index, mut low, mut on) = (vec![usize::MAX; n], vec![0; n], vec![false; n]);
    let (mut stack, mut counter) = (Vec::new(), 0);
    fn strong(
        v: usize,
        adj: &[Vec<usize>],
        st: &mut (
            &mut Vec<usize>,
            &mut Vec<usize>,
            &mut Vec<bool>,
            &mut Vec<usize>,
            &mut usize,
        ),
        out: &mut Vec<Vec<usize>>,
    ) {
        st.0[v] = *st.4;
        st.1[v] = *st.4;
        *st.4 += 1;
        st.3.push(v);
        st.2[v] = true;
        for &w in &adj[v] {
            if st.0[w] == usize::MAX {
                strong(w, adj, st, out);
                st.1[v] = st.1[v].min(st.1[w]);
            } else if st.2[w] {
                st.1[v] = st.1[v].min(st.0[w]);
            }
        }
        if st.1[v] == st.0[v] {
            let mut part = Vec::new();
            while let Some(w) = st.3.pop() {
                st.2[w] = false;
                part.push(w);
                if w == v {
                    break;
                }
            }
            if part.len() > 1 {
                out.push(part);
            }
        }
    }
    for v in 0..n {
        if index[v] == usize::MAX {
            let mut st = (&mut index, &mut low, &mut on, &mut stack, &mut counter);
            strong(v, &adj, &mut st, &mut cycles);
        }
    }
    let shown: Vec<String> = cycles
        .iter()
        .map(|c| {
            c.iter()
                .map(|i| name(nodes[*i]))
                .collect::<Vec<_>>()
                .join(" ⇄ ")
        })
        .collect();
    assert!(shown.is_empty(), "import cycles:\n{}", shown.join("\n"));
}

#[test]
fn the_shells_never_import_each_other() {
    let t = tree();
    for (m, targets) in &t.edges {
        for target in targets {
            let (a, b) = (m.first(), target.first());
            let crossing = matches!(
                (a.map(String::as_str), b.map(String::as_str)),
                (Some("cli"), Some("tui")) | (Some("tui"), Some("cli"))
            );
            assert!(!crossing, "{} imports {}", name(m), name(target));
        }
    }
}

#[test]
fn no_file_is_over_700_lines() {
    let t = tree();
    let long: Vec<String> = t
        .texts
        .iter()
        .filter(|(_, text)| text.lines().count() > 700)
        .map(|(m, text)| format!("{} ({} lines)", name(m), text.lines().count()))
        .collect();
    assert!(long.is_empty(), "files over 700 lines: {long:?}");
}

#[test]
fn no_family_is_named_outside_the_family_folder() {
    let t = tree();
    let variants = [
        "Family::Blaupunkt",
        "Family::Renault",
        "Family::Becker",
        "Family::Visteon",
        "family::blaupunkt",
        "family::renault",
        "family::becker",
        "family::visteon",
    ];
    let naming: Vec<String> = t
        .texts
        .iter()
        .filter(|(m, _)| m.first().map(String::as_str) != Some("family"))
        .filter(|(_, text)| variants.iter().any(|v| code_of(text).contains(v)))
        .map(|(m, _)| name(m))
        .collect();
    assert!(
        naming.is_empty(),
        "files outside src/family/ naming a family: {naming:?}"
    );
}

/// What only the session does: reading a dump through its layouts and
/// joining its codes, learning from dumps, the shipped pairs standing in
/// for records, a new job with its bench defaults, the facts of a request
/// sheet, the provenance of a try.
const WORKFLOW_CALLS: [&str; 10] = [
    "layouts_for(",
    "read_codes(",
    "layout_by_id(",
    "join_chip_dump(",
    "dump::learn(",
    "evidence_of(",
    "MemoryBook::seed(",
    "SqliteStore::in_memory(",
    "NewJob {",
    "from_candidate(",
];

#[test]
fn the_shells_leave_each_workflow_to_the_session() {
    let t = tree();
    let mut found = Vec::new();
    for (m, text) in &t.texts {
        if !matches!(m.first().map(String::as_str), Some("cli" | "tui")) {
            continue;
        }
        let code = code_of(text);
        for call in WORKFLOW_CALLS {
            if code.contains(call) {
                found.push(format!("{} calls {call}", name(m)));
            }
        }
    }
    assert!(
        found.is_empty(),
        "workflows written in a shell, not called from the session: {found:?}"
    );
}

/// Each function's name and length in lines (from its `fn` line to its
/// closing brace) in the code before a file's test module.
fn function_lengths(text: &str) -> Vec<(String, usize)> {
    let text = match text.find("#[cfg(test)]") {
        Some(i) => &text[..i],
        None => text,
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(name) = fn_name(line) else { continue };
        let mut depth = 0i64;
        let mut opened = false;
        for (j, l) in lines.iter().enumerate().skip(i) {
            let code = braces_of(l);
            if !opened && code.contains(';') && !code.contains('{') {
                break; // a declaration without a body
            }
            for c in code.chars() {
                match c {
                    '{' => {
                        depth += 1;
                        opened = true;
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
            }
            if opened && depth <= 0 {
                out.push((name.clone(), j - i + 1));
                break;
            }
        }
    }
    out
}

/// The function a line starts, if it starts one.
fn fn_name(line: &str) -> Option<String> {
    let mut t = line.trim_start();
    for word in [
        "pub(crate) ",
        "pub(super) ",
        "pub ",
        "const ",
        "async ",
        "unsafe ",
    ] {
        t = t.strip_prefix(word).unwrap_or(t);
    }
    let rest = t.strip_prefix("fn ")?;
    let name: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

/// A line's braces and semicolons outside strings, characters and comments.
fn braces_of(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '/' if chars.get(i + 1) == Some(&'/') => break,
            '"' => {
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            // A character literal ('{', '\''), not a lifetime ('a).
            '\'' if chars.get(i + 2) == Some(&'\'') => i += 2,
            '\'' if chars.get(i + 1) == Some(&'\\') => {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
            }
            c @ ('{' | '}' | ';') => out.push(c),
            _ => {}
        }
        i += 1;
    }
    out
}

#[test]
fn no_function_is_over_120_lines_and_at_most_8_over_80() {
    let t = tree();
    let mut long = Vec::new();
    for (m, text) in &t.texts {
        for (f, n) in function_lengths(text) {
            if n > 80 {
                long.push((n, format!("{}::{f} ({n} lines)", name(m))));
            }
        }
    }
    long.sort();
    let over_120: Vec<&String> = long
        .iter()
        .filter(|(n, _)| *n > 120)
        .map(|(_, s)| s)
        .collect();
    assert!(
        over_120.is_empty(),
        "functions over 120 lines: {over_120:?}"
    );
    assert!(
        long.len() <= 8,
        "{} functions over 80 lines, at most 8: {long:?}",
        long.len()
    );
}

#[test]
fn the_function_measure_sees_bodies_strings_and_characters() {
    let text = "fn a() {\n    let s = \"}}{\";\n    let c = '}';\n    // }\n}\n\
                pub(crate) fn b<'a>(x: &'a str) -> &'a str {\n    x\n}\n\
                fn c();\n";
    assert_eq!(
        function_lengths(text),
        [("a".to_string(), 5), ("b".to_string(), 3)]
    );
}

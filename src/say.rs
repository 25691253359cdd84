//! Messages on standard error: control characters shown, never sent (a
//! file name or a stored text can hold anything), and a standard error that
//! is gone never makes radiocode panic.

/// `eprintln!` with the text made visible and a write failure ignored.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let text = format!($($arg)*);
        let _ = writeln!(std::io::stderr(), "{}", $crate::finding::visible_text(&text));
    }};
}

//! Drawing a populated 120x40 workbench frame.

use criterion::{Criterion, criterion_group, criterion_main};
use radiocode::store::MemoryBook;
use radiocode::tui::app::{App, Msg};
use radiocode::tui::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tui_input::InputRequest;

fn populated(serial: &str) -> App {
    let mut app = App::new(Box::new(MemoryBook::seed()), true);
    app.update(Msg::Resize(120, 40));
    for c in serial.chars() {
        app.update(Msg::Edit(InputRequest::InsertChar(c)));
    }
    app
}

fn render(c: &mut Criterion) {
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test backend");
    for (name, serial) in [
        (
            "render 120x40 blaupunkt with a misread",
            "bp 5384 6 41829O5",
        ),
        ("render 120x40 blaupunkt from the book", "BP538464182965"),
        ("render 120x40 renault", "J727"),
    ] {
        let app = populated(serial);
        c.bench_function(name, |b| {
            b.iter(|| {
                terminal.draw(|f| ui::render(&app, f)).expect("draw");
            })
        });
        // The workbench's own part: the frame drawn into a blank buffer,
        // without the terminal library's comparison with the last frame.
        c.bench_function(&format!("{name}, drawing only"), |b| {
            b.iter(|| {
                terminal.current_buffer_mut().reset();
                ui::render(&app, &mut terminal.get_frame());
            })
        });
    }
}

criterion_group!(benches, render);
criterion_main!(benches);

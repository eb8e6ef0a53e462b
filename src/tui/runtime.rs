//! The terminal runtime: owning the terminal ([`Tui`]), turning terminal input
//! and Unix signals into one stream of [`TermEvent`]s ([`EventSource`]), and
//! restoring the terminal on exit, on drop and on panic.
//!
//! Written for slow SSH links: a frame is one synchronized update written in
//! one go through a large buffer; mouse reporting is off unless asked for;
//! bracketed paste is on (a pasted ID never triggers key bindings); bursts of
//! resize events collapse into one; a terminal that goes away produces a single
//! [`TermEvent::HangUp`] and input reading stops (crossterm can otherwise spin
//! on a dead terminal).
//!
//! Typical use:
//!
//! ```ignore
//! runtime::install_panic_hook();
//! let mut tui = Tui::stdout(TuiOptions { mouse: false })?;
//! tui.enter()?;
//! let mut events = EventSource::spawn(Duration::from_millis(50));
//! while let Some(ev) = events.next().await {
//!     // update the state, then tui.draw(|f| view(&state, f))?
//! }
//! tui.exit()?;
//! ```

use super::backend::FrameBackend;
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event,
    EventStream, KeyEvent, KeyEventKind, MouseEvent,
};
use crossterm::terminal::{
    BeginSynchronizedUpdate, EndSynchronizedUpdate, EnterAlternateScreen, LeaveAlternateScreen,
};
use crossterm::{cursor, queue};
use futures::stream::{BoxStream, Stream, StreamExt};
use ratatui::layout::Rect;
use ratatui::{Frame, Terminal, TerminalOptions, Viewport};
use std::io::{self, BufWriter, IsTerminal, Stdout, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Once};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// Size of the stdout buffer: a whole frame fits, so it is written at once.
pub const STDOUT_BUFFER: usize = 64 * 1024;

/// An input event for the application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TermEvent {
    /// A key press (releases and repeats are filtered out).
    Key(KeyEvent),
    /// Text pasted into the terminal (bracketed paste): insert it as text,
    /// never interpret it as keys.
    Paste(String),
    /// The terminal's new size (columns, rows), after a burst has settled.
    Resize(u16, u16),
    /// A mouse event (only when mouse reporting is on).
    Mouse(MouseEvent),
    /// The terminal window gained focus (only if the terminal reports it).
    FocusGained,
    /// The terminal window lost focus (only if the terminal reports it).
    FocusLost,
    /// The terminal is gone (SIGHUP, or terminal input ended or failed).
    /// Sent once; save what must be saved and exit without drawing.
    HangUp,
    /// SIGTERM or SIGINT from outside: exit cleanly.
    Terminate,
    /// The process came back from a suspend (SIGCONT): redraw everything.
    Resumed,
}

/// How the terminal is set up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TuiOptions {
    /// Report mouse events. Off by default: mouse tracking floods slow links.
    pub mouse: bool,
}

/// True while some [`Tui`] has the process's real terminal in raw mode and
/// the alternate screen; the panic hook restores the terminal only then.
static TERMINAL_ACTIVE: AtomicBool = AtomicBool::new(false);

/// State shared between a [`Tui`] and its [`FrameWriter`].
#[derive(Debug, Default)]
struct WriterState {
    /// Set while a frame is drawn: flushes are held back.
    hold: AtomicBool,
    /// Set after a write failed because the terminal is gone.
    gone: AtomicBool,
}

/// The writer under the terminal backend: passes writes through to `W` but
/// holds back ratatui's intermediate flushes while a frame is drawn, so a
/// frame reaches `W` (and, through a `BufWriter`, the terminal) in one flush.
///
/// Once a write fails because the terminal is gone (broken pipe, I/O error
/// on a hung-up terminal), that error is returned once and later output is
/// discarded, so shutting down after a hang-up does not fail again and again.
#[derive(Debug)]
pub struct FrameWriter<W: Write> {
    inner: W,
    state: Arc<WriterState>,
}

impl<W: Write> FrameWriter<W> {
    fn new(inner: W) -> (Self, Arc<WriterState>) {
        let state = Arc::new(WriterState::default());
        let writer = FrameWriter {
            inner,
            state: state.clone(),
        };
        (writer, state)
    }

    fn gone(&self) -> bool {
        self.state.gone.load(Ordering::Relaxed)
    }

    fn check<T>(&self, result: io::Result<T>) -> io::Result<T> {
        if let Err(e) = &result {
            if terminal_is_gone(e) {
                self.state.gone.store(true, Ordering::Relaxed);
            }
        }
        result
    }
}

/// Errors that mean the terminal will never take output again.
fn terminal_is_gone(e: &io::Error) -> bool {
    const EIO: i32 = nix::errno::Errno::EIO as i32;
    const ENXIO: i32 = nix::errno::Errno::ENXIO as i32;
    e.kind() == io::ErrorKind::BrokenPipe || matches!(e.raw_os_error(), Some(EIO | ENXIO))
}

impl<W: Write> Write for FrameWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.gone() {
            return Ok(buf.len());
        }
        let r = self.inner.write(buf);
        self.check(r)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        if self.gone() {
            return Ok(());
        }
        let r = self.inner.write_all(buf);
        self.check(r)
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.gone() || self.state.hold.load(Ordering::Relaxed) {
            return Ok(());
        }
        let r = self.inner.flush();
        self.check(r)
    }
}

/// Owns the terminal: raw mode, alternate screen, drawing, suspend/resume.
/// Restores the terminal when dropped.
pub struct Tui<W: Write> {
    /// The ratatui terminal (its backend writes through a [`FrameWriter`]).
    pub terminal: Terminal<FrameBackend<FrameWriter<W>>>,
    opts: TuiOptions,
    writer_state: Arc<WriterState>,
    /// Whether this controls the process's real terminal (raw mode, signals).
    real: bool,
    entered: bool,
}

impl Tui<BufWriter<Stdout>> {
    /// The process's terminal, through a 64 KiB buffer. Fails with a clear
    /// message when stdin or stdout is not a terminal. Call [`Tui::enter`]
    /// to take over the screen.
    pub fn stdout(opts: TuiOptions) -> io::Result<Self> {
        for (name, is_tty) in [
            ("standard output", io::stdout().is_terminal()),
            ("standard input", io::stdin().is_terminal()),
        ] {
            if !is_tty {
                return Err(io::Error::other(format!(
                    "{name} is not a terminal: the interactive desk needs one \
                     (for scripts, use the subcommands with --json)"
                )));
            }
        }
        let writer = BufWriter::with_capacity(STDOUT_BUFFER, io::stdout());
        let (writer, writer_state) = FrameWriter::new(writer);
        let terminal = Terminal::new(FrameBackend::new(writer))?;
        Ok(Tui {
            terminal,
            writer_state,
            opts,
            real: true,
            entered: false,
        })
    }
}

impl<W: Write> Tui<W> {
    /// A terminal of fixed `size` (columns, rows) writing to `w`, for tests
    /// and benchmarks: it never touches the real terminal (no raw mode, no
    /// size queries, no signals).
    pub fn with_writer(w: W, size: (u16, u16), opts: TuiOptions) -> io::Result<Self> {
        let area = Rect::new(0, 0, size.0, size.1);
        let (writer, writer_state) = FrameWriter::new(w);
        let terminal = Terminal::with_options(
            FrameBackend::new(writer),
            TerminalOptions {
                viewport: Viewport::Fixed(area),
            },
        )?;
        Ok(Tui {
            terminal,
            writer_state,
            opts,
            real: false,
            entered: false,
        })
    }

    /// Whether the terminal is currently set up by [`Tui::enter`].
    pub fn is_entered(&self) -> bool {
        self.entered
    }

    /// Whether a write failed because the terminal is gone (the link
    /// dropped). After that, output is discarded: treat it like
    /// [`TermEvent::HangUp`].
    pub fn is_gone(&self) -> bool {
        self.writer_state.gone.load(Ordering::Relaxed)
    }

    fn set_hold(&self, on: bool) {
        self.writer_state.hold.store(on, Ordering::Relaxed);
    }

    /// The backend, for writing escape sequences (it writes to the
    /// [`FrameWriter`]).
    fn out(&mut self) -> &mut FrameBackend<FrameWriter<W>> {
        self.terminal.backend_mut()
    }

    /// Flush everything written so far, ending any hold.
    fn flush_now(&mut self) -> io::Result<()> {
        self.set_hold(false);
        Write::flush(self.terminal.backend_mut())
    }

    /// Run `f` with flushes held back, then flush once (even if `f` failed).
    fn batched(&mut self, f: impl FnOnce(&mut Self) -> io::Result<()>) -> io::Result<()> {
        self.set_hold(true);
        let done = f(self);
        let flushed = self.flush_now();
        done.and(flushed)
    }

    /// Take over the terminal: raw mode, alternate screen, bracketed paste,
    /// mouse capture only if enabled, hidden cursor; the next draw repaints
    /// the whole screen. Does nothing if already entered.
    pub fn enter(&mut self) -> io::Result<()> {
        if self.entered {
            return Ok(());
        }
        if self.real {
            crossterm::terminal::enable_raw_mode()?;
            TERMINAL_ACTIVE.store(true, Ordering::SeqCst);
        }
        // From here on exit() has something to undo, even if a step fails.
        self.entered = true;
        let mouse = self.opts.mouse;
        self.batched(|tui| {
            let out = tui.out();
            queue!(out, EnterAlternateScreen, EnableBracketedPaste)?;
            if mouse {
                queue!(out, EnableMouseCapture)?;
            }
            tui.terminal.hide_cursor()?;
            // Empty the remembered screen so the next draw repaints it all.
            tui.terminal.clear()
        })
    }

    /// Give the terminal back: mouse capture and bracketed paste off, main
    /// screen, cursor shown, raw mode off. Does nothing if not entered. Every
    /// step is tried even if one fails; the first error is returned.
    pub fn exit(&mut self) -> io::Result<()> {
        if !self.entered {
            return Ok(());
        }
        self.entered = false;
        let written = self.write_restore();
        let raw = if self.real {
            let r = crossterm::terminal::disable_raw_mode();
            TERMINAL_ACTIVE.store(false, Ordering::SeqCst);
            r
        } else {
            Ok(())
        };
        written.and(raw)
    }

    fn write_restore(&mut self) -> io::Result<()> {
        let mouse = self.opts.mouse;
        self.batched(|tui| {
            let out = tui.out();
            if mouse {
                queue!(out, DisableMouseCapture)?;
            }
            queue!(
                out,
                EndSynchronizedUpdate,
                DisableBracketedPaste,
                LeaveAlternateScreen
            )?;
            // Through ratatui, so it knows the cursor is visible again.
            tui.terminal.show_cursor()
        })
    }

    /// Draw one frame: only the cells that changed since the last frame are
    /// sent, wrapped in a synchronized update, and flushed once.
    ///
    /// Views can place the text cursor with `Frame::set_cursor_position`;
    /// otherwise it stays hidden.
    pub fn draw(&mut self, f: impl FnOnce(&mut Frame)) -> io::Result<()> {
        self.batched(|tui| {
            queue!(tui.out(), BeginSynchronizedUpdate)?;
            let drawn = tui.terminal.draw(f).map(|_| ());
            let ended = queue!(tui.out(), EndSynchronizedUpdate);
            drawn.and(ended)
        })
    }

    /// Suspend to the shell (Ctrl-Z): give the terminal back, stop the process
    /// with SIGTSTP, and when it continues take the terminal again and clear
    /// it so the next draw repaints everything. A fixed-size test terminal
    /// only exits and re-enters.
    pub fn suspend(&mut self) -> io::Result<()> {
        self.exit()?;
        if self.real {
            nix::sys::signal::raise(nix::sys::signal::Signal::SIGTSTP).map_err(io::Error::from)?;
        }
        self.enter()
    }

    /// Clear the screen; the next draw repaints everything (after a resume,
    /// or when the user asks for a redraw over a garbled link).
    pub fn clear(&mut self) -> io::Result<()> {
        self.batched(|tui| tui.terminal.clear())
    }

    /// Set the size of a fixed-size terminal (see [`Tui::with_writer`]). A real
    /// terminal's size is picked up by every draw, so it needs no call.
    pub fn resize(&mut self, width: u16, height: u16) -> io::Result<()> {
        self.batched(|tui| tui.terminal.resize(Rect::new(0, 0, width, height)))
    }
}

impl<W: Write> Drop for Tui<W> {
    fn drop(&mut self) {
        // Errors cannot be reported from drop; the terminal may be gone.
        let _ = self.exit();
    }
}

/// Install a panic hook that restores the terminal (raw mode off, main
/// screen, cursor shown, bracketed paste and mouse off) before the previous
/// hook prints the message. Safe to call more than once.
///
/// The hook runs for panics in any thread or task, so after a panic the
/// application should exit rather than keep drawing.
pub fn install_panic_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore_terminal_after_panic();
            previous(info);
        }));
    });
}

fn restore_terminal_after_panic() {
    if !TERMINAL_ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let _ = crossterm::terminal::disable_raw_mode();
    let mut out = io::stdout();
    let _ = queue!(
        out,
        EndSynchronizedUpdate,
        DisableMouseCapture,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = out.flush();
}

/// Channel size between the reader task and the application.
const CHANNEL: usize = 256;

/// Terminal input and signals as one stream of [`TermEvent`]s, read by one
/// tokio task that stops when this is dropped.
pub struct EventSource {
    rx: mpsc::Receiver<TermEvent>,
    task: tokio::task::JoinHandle<()>,
}

impl EventSource {
    /// Read the process's terminal and listen for SIGHUP (-> `HangUp`),
    /// SIGTERM and SIGINT (-> `Terminate`) and SIGCONT (-> `Resumed`).
    /// Resize events are collapsed: only the last size of a burst is sent,
    /// once `resize_quiet` has passed without another one.
    ///
    /// Must be called inside a tokio runtime. Once this runs, SIGTERM, SIGINT
    /// and SIGHUP no longer end the process by themselves: the application
    /// must act on `Terminate` and `HangUp`.
    pub fn spawn(resize_quiet: Duration) -> EventSource {
        EventSource::spawn_with(EventStream::new(), unix_signals(), resize_quiet)
    }

    /// Events from any stream of crossterm events, without signals: for tests
    /// and for replaying recorded input. Same filtering as [`EventSource::spawn`].
    pub fn from_stream<S>(input: S, resize_quiet: Duration) -> EventSource
    where
        S: Stream<Item = io::Result<Event>> + Send + Unpin + 'static,
    {
        EventSource::spawn_with(input, futures::stream::empty().boxed(), resize_quiet)
    }

    fn spawn_with<S>(
        input: S,
        signals: BoxStream<'static, TermEvent>,
        resize_quiet: Duration,
    ) -> EventSource
    where
        S: Stream<Item = io::Result<Event>> + Send + Unpin + 'static,
    {
        let (tx, rx) = mpsc::channel(CHANNEL);
        let task = tokio::spawn(pump(input, signals, tx, resize_quiet));
        EventSource { rx, task }
    }

    /// The next event; `None` only if the reader task has stopped.
    pub async fn next(&mut self) -> Option<TermEvent> {
        self.rx.recv().await
    }

    /// An event that is already waiting, without blocking: drain these after
    /// [`EventSource::next`] to handle a batch before drawing once.
    pub fn try_next(&mut self) -> Option<TermEvent> {
        self.rx.try_recv().ok()
    }
}

impl Drop for EventSource {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// SIGHUP, SIGTERM, SIGINT and SIGCONT as events. A signal that cannot be
/// listened for is logged and left out.
fn unix_signals() -> BoxStream<'static, TermEvent> {
    use tokio::signal::unix::{signal, SignalKind};
    let wanted = [
        (SignalKind::hangup(), "SIGHUP", TermEvent::HangUp),
        (SignalKind::terminate(), "SIGTERM", TermEvent::Terminate),
        (SignalKind::interrupt(), "SIGINT", TermEvent::Terminate),
        (
            SignalKind::from_raw(sigcont_number()),
            "SIGCONT",
            TermEvent::Resumed,
        ),
    ];
    let mut streams = Vec::new();
    for (kind, name, event) in wanted {
        match signal(kind) {
            Ok(sig) => streams.push(
                futures::stream::unfold(sig, move |mut sig| {
                    let event = event.clone();
                    async move { sig.recv().await.map(|()| (event, sig)) }
                })
                .boxed(),
            ),
            Err(e) => tracing::warn!("cannot listen for {name}: {e}"),
        }
    }
    futures::stream::select_all(streams).boxed()
}

fn sigcont_number() -> i32 {
    nix::sys::signal::Signal::SIGCONT as i32
}

/// The application's view of one crossterm event (`None`: not passed on).
fn translate(event: Event) -> Option<TermEvent> {
    match event {
        Event::Key(k) if k.kind == KeyEventKind::Press => Some(TermEvent::Key(k)),
        Event::Key(_) => None,
        Event::Paste(text) => Some(TermEvent::Paste(text)),
        Event::Resize(w, h) => Some(TermEvent::Resize(w, h)),
        Event::Mouse(m) => Some(TermEvent::Mouse(m)),
        Event::FocusGained => Some(TermEvent::FocusGained),
        Event::FocusLost => Some(TermEvent::FocusLost),
    }
}

async fn next_input<S>(input: &mut Option<S>) -> Option<io::Result<Event>>
where
    S: Stream<Item = io::Result<Event>> + Unpin,
{
    match input {
        Some(s) => s.next().await,
        None => std::future::pending().await,
    }
}

/// The reader task: forwards input and signals to `tx` until the receiver
/// is dropped. Input stops for good at its first end or error (one `HangUp`).
async fn pump<S, G>(input: S, mut signals: G, tx: mpsc::Sender<TermEvent>, resize_quiet: Duration)
where
    S: Stream<Item = io::Result<Event>> + Unpin,
    G: Stream<Item = TermEvent> + Unpin,
{
    let mut input = Some(input);
    let mut signals_open = true;
    let mut hung_up = false;
    let mut pending_resize: Option<(u16, u16)> = None;
    let resize_timer = tokio::time::sleep(Duration::ZERO);
    tokio::pin!(resize_timer);

    loop {
        let mut hang_up = false;
        let event = tokio::select! {
            biased;
            () = tx.closed() => return,
            sig = signals.next(), if signals_open => match sig {
                Some(TermEvent::HangUp) => {
                    tracing::info!("terminal hung up (SIGHUP)");
                    hang_up = true;
                    None
                }
                Some(other) => Some(other),
                None => {
                    signals_open = false;
                    None
                }
            },
            () = &mut resize_timer, if pending_resize.is_some() => {
                pending_resize.take().map(|(w, h)| TermEvent::Resize(w, h))
            }
            item = next_input(&mut input), if input.is_some() => match item {
                Some(Ok(Event::Resize(w, h))) => {
                    pending_resize = Some((w, h));
                    resize_timer.as_mut().reset(Instant::now() + resize_quiet);
                    None
                }
                Some(Ok(event)) => translate(event),
                Some(Err(e)) => {
                    tracing::info!("terminal input failed ({e}); treating it as a hang-up");
                    hang_up = true;
                    None
                }
                None => {
                    tracing::info!("terminal input ended; treating it as a hang-up");
                    hang_up = true;
                    None
                }
            },
        };
        let event = if hang_up {
            // Stop reading (drops the stream) and forget a pending resize.
            input = None;
            pending_resize = None;
            if hung_up {
                None
            } else {
                hung_up = true;
                Some(TermEvent::HangUp)
            }
        } else {
            event
        };
        if let Some(event) = event {
            if tx.send(event).await.is_err() {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyEventState, KeyModifiers};
    use ratatui::widgets::Paragraph;
    use std::pin::Pin;
    use std::sync::atomic::AtomicUsize;
    use std::sync::{Arc, Mutex};
    use std::task::{Context, Poll};

    const BSU: &str = "\x1b[?2026h";
    const ESU: &str = "\x1b[?2026l";
    const ALT_ON: &str = "\x1b[?1049h";
    const ALT_OFF: &str = "\x1b[?1049l";
    const PASTE_ON: &str = "\x1b[?2004h";
    const PASTE_OFF: &str = "\x1b[?2004l";
    const MOUSE_ON: &str = "\x1b[?1000h";
    const MOUSE_OFF: &str = "\x1b[?1000l";
    const HIDE: &str = "\x1b[?25l";
    const SHOW: &str = "\x1b[?25h";

    /// Records every `write` call separately.
    #[derive(Clone, Default)]
    struct Recorder(Arc<Mutex<Vec<Vec<u8>>>>);

    impl Recorder {
        fn writes(&self) -> Vec<String> {
            let w = self.0.lock().expect("lock");
            w.iter()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .collect()
        }
        fn take(&self) -> String {
            let mut w = self.0.lock().expect("lock");
            let all = w.concat();
            w.clear();
            String::from_utf8_lossy(&all).into_owned()
        }
    }

    impl Write for Recorder {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().expect("lock").push(buf.to_vec());
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn tui(mouse: bool) -> (Tui<BufWriter<Recorder>>, Recorder) {
        let rec = Recorder::default();
        let w = BufWriter::with_capacity(STDOUT_BUFFER, rec.clone());
        let tui = Tui::with_writer(w, (80, 24), TuiOptions { mouse }).expect("tui");
        (tui, rec)
    }

    fn screen(bytes: &str) -> vt100::Parser {
        let mut p = vt100::Parser::new(24, 80, 0);
        p.process(bytes.as_bytes());
        p
    }

    #[test]
    fn a_frame_is_one_synchronized_write() {
        let (mut tui, rec) = tui(false);
        tui.enter().expect("enter");
        let setup = rec.take();
        tui.draw(|f| f.render_widget(Paragraph::new("hello_desk"), f.area()))
            .expect("draw");
        let writes = rec.writes();
        assert_eq!(writes.len(), 1, "one write per frame, got {writes:?}");
        let frame = &writes[0];
        assert!(frame.starts_with(BSU), "{frame:?}");
        assert!(frame.ends_with(ESU), "{frame:?}");
        assert!(frame.contains("hello_desk"));
        let parser = screen(&(setup + frame));
        assert!(parser.screen().contents().starts_with("hello_desk"));
        assert!(parser.screen().hide_cursor());
    }

    #[test]
    fn only_changes_are_sent_and_clear_repaints_everything() {
        let (mut tui, rec) = tui(false);
        tui.enter().expect("enter");
        let draw = |tui: &mut Tui<BufWriter<Recorder>>, text: &'static str| {
            tui.draw(|f| f.render_widget(Paragraph::new(text), f.area()))
                .expect("draw")
        };
        draw(&mut tui, "same_text");
        let first = rec.take();
        draw(&mut tui, "same_text");
        let second = rec.take();
        assert!(first.contains("same_text"));
        assert!(!second.contains("same"), "{second:?}");
        assert!(second.starts_with(BSU) && second.ends_with(ESU));
        tui.clear().expect("clear");
        draw(&mut tui, "same_text");
        assert!(rec.take().contains("same_text"));
    }

    #[test]
    fn cursor_is_shown_only_where_the_view_puts_it() {
        let (mut tui, rec) = tui(false);
        tui.enter().expect("enter");
        let mut all = rec.take();
        tui.draw(|f| {
            f.render_widget(Paragraph::new("query: abc"), f.area());
            f.set_cursor_position((10, 0));
        })
        .expect("draw");
        let frame = rec.take();
        assert!(frame.contains(SHOW), "{frame:?}");
        all.push_str(&frame);
        let parser = screen(&all);
        assert!(!parser.screen().hide_cursor());
        assert_eq!(parser.screen().cursor_position(), (0, 10));
        tui.draw(|f| f.render_widget(Paragraph::new("list"), f.area()))
            .expect("draw");
        let frame = rec.take();
        assert!(frame.contains(HIDE), "{frame:?}");
    }

    #[test]
    fn enter_and_exit_set_up_and_restore_the_terminal() {
        let (mut tui, rec) = tui(false);
        tui.enter().expect("enter");
        assert_eq!(rec.writes().len(), 1, "set-up is one write");
        let setup = rec.take();
        for seq in [ALT_ON, PASTE_ON, HIDE] {
            assert!(setup.contains(seq), "{seq:?} missing from {setup:?}");
        }
        assert!(!setup.contains(MOUSE_ON), "mouse must be off by default");
        tui.enter().expect("enter twice");
        assert_eq!(rec.take(), "");
        tui.exit().expect("exit");
        let restore = rec.take();
        for seq in [ALT_OFF, PASTE_OFF, SHOW, ESU] {
            assert!(restore.contains(seq), "{seq:?} missing from {restore:?}");
        }
        assert!(!restore.contains(MOUSE_OFF));
        tui.exit().expect("exit twice");
        assert_eq!(rec.take(), "", "exit is idempotent");
        drop(tui);
        assert_eq!(rec.take(), "", "nothing to restore on drop after exit");
    }

    #[test]
    fn mouse_capture_only_when_asked_and_drop_restores() {
        let (mut tui, rec) = tui(true);
        tui.enter().expect("enter");
        assert!(rec.take().contains(MOUSE_ON));
        drop(tui);
        let restore = rec.take();
        assert!(
            restore.contains(MOUSE_OFF) && restore.contains(ALT_OFF),
            "{restore:?}"
        );
    }

    #[test]
    fn suspend_of_a_test_terminal_re_enters_and_repaints() {
        let (mut tui, rec) = tui(false);
        tui.enter().expect("enter");
        tui.draw(|f| f.render_widget(Paragraph::new("before"), f.area()))
            .expect("draw");
        rec.take();
        tui.suspend().expect("suspend");
        let out = rec.take();
        let left = out.find(ALT_OFF).expect("left the alternate screen");
        let back = out.rfind(ALT_ON).expect("came back");
        assert!(left < back);
        assert!(tui.is_entered());
        tui.draw(|f| f.render_widget(Paragraph::new("before"), f.area()))
            .expect("draw");
        assert!(rec.take().contains("before"), "the whole frame is redrawn");
    }

    #[test]
    fn fixed_size_and_resize() {
        let (mut tui, rec) = tui(false);
        let mut seen = None;
        tui.draw(|f| seen = Some(f.area())).expect("draw");
        assert_eq!(seen, Some(Rect::new(0, 0, 80, 24)));
        tui.resize(100, 30).expect("resize");
        tui.draw(|f| seen = Some(f.area())).expect("draw");
        assert_eq!(seen, Some(Rect::new(0, 0, 100, 30)));
        assert!(!rec.take().is_empty());
    }

    /// Accepts `ok_writes` writes, then fails every write with EIO.
    struct DyingTerminal {
        ok_writes: usize,
        attempts: Arc<AtomicUsize>,
    }

    impl Write for DyingTerminal {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            let n = self.attempts.fetch_add(1, Ordering::SeqCst);
            if n < self.ok_writes {
                Ok(buf.len())
            } else {
                Err(io::Error::from_raw_os_error(nix::errno::Errno::EIO as i32))
            }
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_dead_terminal_fails_once_then_output_is_discarded() {
        let attempts = Arc::new(AtomicUsize::new(0));
        let dying = DyingTerminal {
            ok_writes: 1,
            attempts: attempts.clone(),
        };
        let w = BufWriter::with_capacity(STDOUT_BUFFER, dying);
        let mut tui = Tui::with_writer(w, (80, 24), TuiOptions::default()).expect("tui");
        tui.enter().expect("enter is written");
        assert!(!tui.is_gone());
        let err = tui
            .draw(|f| f.render_widget(Paragraph::new("x"), f.area()))
            .expect_err("the link dropped");
        assert_eq!(err.raw_os_error(), Some(nix::errno::Errno::EIO as i32));
        assert!(tui.is_gone());
        let tried = attempts.load(Ordering::SeqCst);
        tui.draw(|f| f.render_widget(Paragraph::new("y"), f.area()))
            .expect("later frames are discarded");
        tui.exit().expect("exit after a hang-up succeeds");
        drop(tui);
        // Only the BufWriter's own last attempt on drop may reach the writer.
        assert!(attempts.load(Ordering::SeqCst) <= tried + 1);
    }

    #[test]
    fn stdout_refuses_a_non_terminal() {
        if io::stdout().is_terminal() && io::stdin().is_terminal() {
            return; // run interactively: nothing to check here
        }
        let err = Tui::stdout(TuiOptions::default()).err().expect("must fail");
        assert!(err.to_string().contains("not a terminal"), "{err}");
    }

    #[test]
    fn panic_hook_keeps_panics_panicking() {
        install_panic_hook();
        install_panic_hook();
        assert!(!TERMINAL_ACTIVE.load(Ordering::SeqCst));
        let joined = std::thread::spawn(|| panic!("boom")).join();
        assert!(joined.is_err());
    }

    // ---- event pump ----

    fn key(c: char) -> Event {
        Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
    }

    fn key_with_kind(c: char, kind: KeyEventKind) -> Event {
        Event::Key(KeyEvent {
            code: KeyCode::Char(c),
            modifiers: KeyModifiers::NONE,
            kind,
            state: KeyEventState::NONE,
        })
    }

    fn is_key(ev: &TermEvent, c: char) -> bool {
        matches!(ev, TermEvent::Key(k) if k.code == KeyCode::Char(c))
    }

    /// A stream fed by the test through a channel.
    fn fed() -> (
        mpsc::UnboundedSender<io::Result<Event>>,
        BoxStream<'static, io::Result<Event>>,
    ) {
        let (tx, rx) = mpsc::unbounded_channel();
        let stream =
            futures::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|e| (e, rx)) });
        (tx, stream.boxed())
    }

    async fn next_within(src: &mut EventSource, ms: u64) -> Option<TermEvent> {
        tokio::time::timeout(Duration::from_millis(ms), src.next())
            .await
            .ok()
            .flatten()
    }

    #[tokio::test]
    async fn resize_bursts_collapse_to_the_last_size() {
        let (tx, stream) = fed();
        let mut src = EventSource::from_stream(stream, Duration::from_millis(40));
        for (w, h) in [(10, 5), (20, 6), (30, 7)] {
            tx.send(Ok(Event::Resize(w, h))).expect("send");
        }
        tx.send(Ok(key('a'))).expect("send");
        // The key is not held back by the pending resize.
        let first = next_within(&mut src, 1000).await.expect("key");
        assert!(is_key(&first, 'a'), "{first:?}");
        assert_eq!(
            next_within(&mut src, 1000).await,
            Some(TermEvent::Resize(30, 7))
        );
        assert_eq!(next_within(&mut src, 150).await, None, "only one resize");
        tx.send(Ok(Event::Resize(40, 8))).expect("send");
        assert_eq!(
            next_within(&mut src, 1000).await,
            Some(TermEvent::Resize(40, 8))
        );
    }

    #[tokio::test]
    async fn only_key_presses_pass_and_other_events_translate() {
        let (tx, stream) = fed();
        let mut src = EventSource::from_stream(stream, Duration::from_millis(10));
        tx.send(Ok(key_with_kind('x', KeyEventKind::Release)))
            .expect("send");
        tx.send(Ok(key_with_kind('y', KeyEventKind::Repeat)))
            .expect("send");
        tx.send(Ok(key('z'))).expect("send");
        tx.send(Ok(Event::Paste("ID-123\nq".into()))).expect("send");
        tx.send(Ok(Event::FocusLost)).expect("send");
        let first = next_within(&mut src, 1000).await.expect("z");
        assert!(is_key(&first, 'z'), "{first:?}");
        assert_eq!(
            next_within(&mut src, 1000).await,
            Some(TermEvent::Paste("ID-123\nq".into()))
        );
        assert_eq!(
            next_within(&mut src, 1000).await,
            Some(TermEvent::FocusLost)
        );
    }

    /// Yields one key, then errors forever; counts how often it is polled.
    struct Failing {
        polls: Arc<AtomicUsize>,
    }

    impl Stream for Failing {
        type Item = io::Result<Event>;
        fn poll_next(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            let n = self.polls.fetch_add(1, Ordering::SeqCst);
            Poll::Ready(Some(if n == 0 {
                Ok(key('k'))
            } else {
                Err(io::Error::other("terminal gone"))
            }))
        }
    }

    #[tokio::test]
    async fn an_input_error_is_one_hang_up_and_reading_stops() {
        let polls = Arc::new(AtomicUsize::new(0));
        let stream = Failing {
            polls: polls.clone(),
        };
        let mut src = EventSource::from_stream(stream, Duration::from_millis(10));
        let first = next_within(&mut src, 1000).await.expect("key");
        assert!(is_key(&first, 'k'));
        assert_eq!(next_within(&mut src, 1000).await, Some(TermEvent::HangUp));
        assert_eq!(next_within(&mut src, 200).await, None);
        assert_eq!(
            polls.load(Ordering::SeqCst),
            2,
            "no polling after the error"
        );
    }

    #[tokio::test]
    async fn the_end_of_input_is_one_hang_up_even_with_sighup() {
        let (tx, stream) = fed();
        let (sig_tx, sig_rx) = mpsc::unbounded_channel();
        let signals =
            futures::stream::unfold(
                sig_rx,
                |mut rx| async move { rx.recv().await.map(|e| (e, rx)) },
            )
            .boxed();
        let mut src = EventSource::spawn_with(stream, signals, Duration::from_millis(10));
        tx.send(Ok(Event::Resize(1, 1))).expect("send");
        drop(tx);
        assert_eq!(next_within(&mut src, 1000).await, Some(TermEvent::HangUp));
        sig_tx.send(TermEvent::HangUp).expect("send");
        sig_tx.send(TermEvent::Terminate).expect("send");
        // The pending resize was dropped and the second hang-up is not sent.
        assert_eq!(
            next_within(&mut src, 1000).await,
            Some(TermEvent::Terminate)
        );
        assert_eq!(next_within(&mut src, 200).await, None);
    }

    #[tokio::test]
    async fn sighup_stops_input_reading() {
        let (tx, stream) = fed();
        let (sig_tx, sig_rx) = mpsc::unbounded_channel();
        let signals =
            futures::stream::unfold(
                sig_rx,
                |mut rx| async move { rx.recv().await.map(|e| (e, rx)) },
            )
            .boxed();
        let mut src = EventSource::spawn_with(stream, signals, Duration::from_millis(10));
        sig_tx.send(TermEvent::HangUp).expect("send");
        assert_eq!(next_within(&mut src, 1000).await, Some(TermEvent::HangUp));
        // The input stream has been dropped: the feeding side sees it closed.
        tokio::time::timeout(Duration::from_secs(1), tx.closed())
            .await
            .expect("input stream dropped");
    }

    #[tokio::test]
    async fn dropping_the_source_stops_the_task() {
        let (tx, stream) = fed();
        let src = EventSource::from_stream(stream, Duration::from_millis(10));
        drop(src);
        tokio::time::timeout(Duration::from_secs(1), tx.closed())
            .await
            .expect("task stopped and dropped its input");
    }

    #[tokio::test]
    async fn receiver_gone_ends_the_pump() {
        let (tx, stream) = fed();
        let (etx, erx) = mpsc::channel(CHANNEL);
        let task = tokio::spawn(pump(
            stream,
            futures::stream::pending::<TermEvent>(),
            etx,
            Duration::ZERO,
        ));
        drop(erx);
        tokio::time::timeout(Duration::from_secs(1), task)
            .await
            .expect("pump returned")
            .expect("no panic");
        assert!(tx.is_closed());
    }

    #[tokio::test]
    async fn sigcont_becomes_resumed() {
        let mut src = EventSource::spawn_with(
            futures::stream::pending::<io::Result<Event>>(),
            unix_signals(),
            Duration::from_millis(10),
        );
        nix::sys::signal::raise(nix::sys::signal::Signal::SIGCONT).expect("raise");
        assert_eq!(next_within(&mut src, 2000).await, Some(TermEvent::Resumed));
    }
}

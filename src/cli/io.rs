//! The edges of every command: reading FILE arguments (`-` is stdin), writing results to
//! stdout or atomically to a file, and diagnostics on stderr, coloured only on a terminal.

use std::fmt;
use std::io::{self, Read, Write};

use anstyle::{AnsiColor, Style};
use std::path::{Path, PathBuf};

/// Why a command stopped; every failure exits with code 2.
#[derive(Debug)]
pub enum Failure {
    /// The library refused the input; `source` names the file it came from, if any.
    Library {
        /// The file the input came from.
        source: Option<String>,
        /// What the library said (boxed: the error is large and failures are rare).
        error: Box<airgap::Error>,
    },
    /// Flags that do not go together, or a value the command cannot use.
    Usage(String),
    /// A file could not be read or written.
    Io {
        /// What was being done, with the path.
        action: String,
        /// The operating system's reason.
        error: io::Error,
    },
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Library {
                source: Some(s),
                error,
            } => write!(f, "{s}: {error}"),
            Failure::Library {
                source: None,
                error,
            } => write!(f, "{error}"),
            Failure::Usage(m) => f.write_str(m),
            Failure::Io { action, error } => write!(f, "cannot {action}: {error}"),
        }
    }
}

impl From<airgap::Error> for Failure {
    fn from(error: airgap::Error) -> Self {
        Failure::Library {
            source: None,
            error: Box::new(error),
        }
    }
}

/// Where diagnostics go, and whether they may be coloured.
#[derive(Debug, Clone, Copy)]
pub struct Ui {
    color: bool,
}

impl Ui {
    /// Colour when stderr is a terminal, as `anstream` decides it: never with `NO_COLOR` set
    /// (no-color.org) or `TERM=dumb`, always with `CLICOLOR_FORCE`.
    pub fn from_env() -> Self {
        Self {
            color: colour_on(&io::stderr()),
        }
    }

    fn say(&self, label: &str, style: Style, message: &str) {
        let mut err = io::stderr().lock();
        let style = if self.color { style } else { Style::new() };
        // Nothing useful can be done when stderr itself is gone.
        let _ = writeln!(err, "{style}{label}:{style:#} {message}");
    }

    /// `error: ...` on stderr.
    pub fn error(&self, message: &str) {
        self.say("error", AnsiColor::Red.on_default().bold(), message);
    }

    /// `warning: ...` on stderr.
    pub fn warning(&self, message: &str) {
        self.say("warning", AnsiColor::Yellow.on_default().bold(), message);
    }
}

/// Whether what is written to `stream` may be coloured.
pub fn colour_on<S: anstream::stream::RawStream>(stream: &S) -> bool {
    anstream::AutoStream::choice(stream) != anstream::ColorChoice::Never
}

/// The name a FILE argument goes by in messages.
pub fn label(path: &Path) -> String {
    if is_stdin(path) {
        "<stdin>".into()
    } else {
        path.display().to_string()
    }
}

fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Reads a FILE argument as text; `-` reads stdin.
///
/// At most [`quota::INPUT_BYTES`](airgap::template::quota::INPUT_BYTES) are read: a larger
/// input (or an endless one such as `/dev/zero`) is refused after that many bytes, never read
/// to its end.
pub fn read_input(path: &Path) -> Result<String, Failure> {
    let limit = airgap::template::quota::INPUT_BYTES;
    let mut bytes = Vec::new();
    let result = if is_stdin(path) {
        io::stdin()
            .lock()
            .take(limit as u64 + 1)
            .read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(limit as u64 + 1).read_to_end(&mut bytes))
    };
    result.map_err(|error| Failure::Io {
        action: format!("read {}", label(path)),
        error,
    })?;
    if bytes.len() > limit {
        return Err(Failure::Library {
            source: Some(label(path)),
            error: Box::new(airgap::Error::InputTooLarge { limit }),
        });
    }
    String::from_utf8(bytes).map_err(|e| Failure::Io {
        action: format!("read {}", label(path)),
        error: io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "not UTF-8 text (invalid byte at offset {}); templates, policies and configs are UTF-8",
                e.utf8_error().valid_up_to()
            ),
        ),
    })
}

/// Writes a result to stdout. A reader that stops early (`| head`) is not an error.
pub fn write_stdout(bytes: &[u8]) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(Failure::Io {
            action: "write to stdout".into(),
            error: e,
        }),
        _ => Ok(()),
    }
}

/// The file a path names, following symbolic links (as `cp` writes through one): the target
/// is what gets replaced, and the link stays a link. A dangling link names the file it would
/// point to.
fn follow_links(path: &Path) -> PathBuf {
    let mut path = path.to_path_buf();
    // Linux gives up after 40 links; so does this.
    for _ in 0..40 {
        match std::fs::read_link(&path) {
            Ok(target) => {
                path = match path.parent() {
                    Some(parent) if target.is_relative() => parent.join(target),
                    _ => target,
                };
            }
            Err(_) => break,
        }
    }
    path
}

/// Writes a result to `out`, or to stdout when there is none or it is `-`.
///
/// A regular file (or a new one) is replaced atomically: the bytes go to a temporary file in the
/// same folder, which is then renamed over the target, so a reader never sees half a template
/// and a failed run leaves the old file as it was. Anything else (a FIFO, `/dev/stdout`,
/// `/dev/null`) is written into as it is, never replaced. A symbolic link is followed, and its
/// target replaced.
pub fn write_output(out: Option<&Path>, bytes: &[u8]) -> Result<(), Failure> {
    let Some(given) = out.filter(|p| !is_stdin(p)) else {
        return write_stdout(bytes);
    };
    let path = follow_links(given);
    let path = path.as_path();
    let io_failure = |action: &str, error| Failure::Io {
        action: format!("{action} {}", given.display()),
        error,
    };
    if let Ok(meta) = std::fs::metadata(path)
        && !meta.is_file()
    {
        if meta.is_dir() {
            return Err(io_failure(
                "write",
                io::Error::new(io::ErrorKind::IsADirectory, "it is a folder"),
            ));
        }
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(|e| io_failure("open", e))?;
        return file
            .write_all(bytes)
            .and_then(|()| file.flush())
            .map_err(|e| io_failure("write", e));
    }
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".airgap-").suffix(".tmp");
    // A temporary file is private by default; the result should get the permissions any new
    // file gets (or keep the old file's).
    #[cfg(unix)]
    let permissions = {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path)
            .map(|m| m.permissions())
            .unwrap_or_else(|_| std::fs::Permissions::from_mode(0o666))
    };
    #[cfg(unix)]
    builder.permissions(permissions);
    let mut tmp = builder
        .tempfile_in(&folder)
        .map_err(|e| io_failure("create a temporary file next to", e))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| io_failure("write", e))?;
    tmp.persist(path)
        .map_err(|e| io_failure("replace", e.error))?;
    Ok(())
}

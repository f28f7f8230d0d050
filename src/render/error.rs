//! The error of the render layer: a text template that failed to render.

use crate::error::{Error, LayerError};

/// A text template (publish script, review report, diagram) failed to render. A
/// [`crate::Error`] carries it ([`Error::Layer`]); [`Error::downcast_ref`] gives it back.
///
/// The templates are part of airgap and are tested, so this names a bug in airgap rather
/// than in its input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("could not render {template}: {message}")]
#[non_exhaustive]
pub struct RenderError {
    /// The template's name, e.g. `publish.sh.j2`.
    pub template: &'static str,
    /// What went wrong.
    pub message: String,
}

impl RenderError {
    /// The error of template `template`, with the template engine's message.
    pub(crate) fn new(template: &'static str, message: impl ToString) -> Self {
        RenderError {
            template,
            message: message.to_string(),
        }
    }
}

impl From<RenderError> for Error {
    fn from(e: RenderError) -> Self {
        Error::Layer(LayerError::new(e))
    }
}

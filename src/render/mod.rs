//! Text rendered from the templates in `templates/` with minijinja.
pub mod publish;
